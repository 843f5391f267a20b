"""stats: published monthly figures and the lot index for deadline months

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("factor_set_version", sa.String(length=20), nullable=False),
        sa.Column("diverted_kg", sa.BigInteger(), nullable=False),
        sa.Column("reused_kg", sa.BigInteger(), nullable=False),
        sa.Column("missed_kg", sa.BigInteger(), nullable=False),
        sa.Column("avoided_co2e_kg", sa.BigInteger(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["factor_set_version"],
            ["factor_set.version"],
            name=op.f("fk_published_figures_factor_set_version_factor_set"),
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_published_figures_territory_id_territory"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_figures")),
        sa.UniqueConstraint(
            "territory_id",
            "month",
            "factor_set_version",
            "computed_at",
            name=op.f("uq_published_figures_territory_id_month_factor_set_version_computed_at"),
        ),
    )
    with op.batch_alter_table("published_figures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_published_figures_territory_month", ["territory_id", "month"], unique=False
        )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.create_index("ix_lot_site_deadline", ["site_id", "deadline"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_index("ix_lot_site_deadline")
    with op.batch_alter_table("published_figures", schema=None) as batch_op:
        batch_op.drop_index("ix_published_figures_territory_month")
    op.drop_table("published_figures")
