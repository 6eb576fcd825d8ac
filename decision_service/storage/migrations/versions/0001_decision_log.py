"""The decision log: records, their facet index, and triggers that make both tables append-only.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("decision_records", "decision_facets")


def upgrade() -> None:
    op.create_table(
        "decision_records",
        sa.Column("seq", SEQ, nullable=False, autoincrement=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("prev_hash", sa.String(71), nullable=False),
        sa.Column("hash", sa.String(71), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_decision_records"),
        sa.UniqueConstraint("id", name="uq_decision_records_id"),
        sa.UniqueConstraint("prev_hash", name="uq_decision_records_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_decision_records_hash"),
    )
    op.create_index("ix_decision_records_recorded_at", "decision_records", ["recorded_at"])
    op.create_table(
        "decision_facets",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["decision_records.seq"], name="fk_decision_facets_seq_decision_records"),
        sa.PrimaryKeyConstraint("seq", "name", "value", name="pk_decision_facets"),
    )
    op.create_index("ix_decision_facets_lookup", "decision_facets", ["name", "value", "seq"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
            )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION decision_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege'; "
        "END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION decision_log_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION decision_log_refuse_change()"
        )


def downgrade() -> None:
    op.drop_table("decision_facets")
    op.drop_table("decision_records")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION decision_log_refuse_change()")
