"""Live network state: networks, their rows (indexed by item), reservations, and the ids of applied events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("loaded_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_networks"),
    )
    op.create_table(
        "network_rows",
        sa.Column("network_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("item", sa.Text(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("network_id", "kind", "key", name="pk_network_rows"),
    )
    op.create_index("ix_network_rows_item", "network_rows", ["network_id", "kind", "item"])
    op.create_table(
        "network_reservations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("network_id", sa.Text(), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("eta", sa.String(10), nullable=True),
        sa.Column("qty", sa.BigInteger(), nullable=False),
        sa.Column("shipped", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("customer", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_network_reservations"),
    )
    op.create_index("ix_network_reservations_item", "network_reservations", ["network_id", "item", "status"])
    op.create_table(
        "network_events",
        sa.Column("network_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("applied_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("network_id", "event_id", name="pk_network_events"),
    )


def downgrade() -> None:
    for table in ("network_events", "network_reservations", "network_rows", "networks"):
        op.drop_table(table)
