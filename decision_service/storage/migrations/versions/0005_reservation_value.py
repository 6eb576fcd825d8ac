"""Reservations carry their order line's unit price, and are read by customer: credit counts what is reserved
for a customer and not yet invoiced as part of the customer's exposure. Networks count changes to their small
tables (locations, shipping, lanes) in `layout`, so a worker may keep those tables between readings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("network_reservations") as table:
        table.add_column(sa.Column("unit_price", sa.Float(), nullable=False, server_default="0"))
    op.create_index("ix_network_reservations_customer", "network_reservations", ["network_id", "customer", "status"])
    with op.batch_alter_table("networks") as table:
        table.add_column(sa.Column("layout", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("networks") as table:
        table.drop_column("layout")
    op.drop_index("ix_network_reservations_customer", table_name="network_reservations")
    with op.batch_alter_table("network_reservations") as table:
        table.drop_column("unit_price")
