"""stats: monthly rollups of lots and receptions, filled from the rows already there

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 06:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from reuse.migrate import REBUILD_ROLLUPS

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _kg(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _keys(table: str, *more: str) -> list[Any]:
    columns: list[Any] = [
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("subcategory_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in more),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f(f"fk_{table}_site_id_site")),
        sa.ForeignKeyConstraint(
            ["subcategory_id"], ["subcategory.id"],
            name=op.f(f"fk_{table}_subcategory_id_subcategory"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint(
            "site_id", "month", "subcategory_id", *more, name=op.f(f"pk_{table}")
        ),
    ]
    return columns


def upgrade() -> None:
    op.create_table(
        "lot_month",
        *_keys("lot_month"),
        _kg("declared_kg"),
        sa.Column("lots", sa.Integer(), nullable=False),
        _kg("missed_kg"),
        _kg("withdrawn_kg"),
    )
    op.create_table(
        "reception_month",
        *_keys("reception_month", "actor_id"),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actor.id"], name=op.f("fk_reception_month_actor_id_actor")
        ),
        _kg("received_kg"),
        _kg("claimed_kg"),
        sa.Column("receptions", sa.Integer(), nullable=False),
        _kg("reuse_kg"),
        _kg("recycling_kg"),
        _kg("energy_recovery_kg"),
        _kg("disposal_kg"),
    )
    # Filled from the rows at the end of the upgrade, by the rollup code of the revision upgraded
    # to: run here, today's code would one day read columns that later revisions add.
    context.config.attributes[REBUILD_ROLLUPS] = True


def downgrade() -> None:
    op.drop_table("reception_month")
    op.drop_table("lot_month")
