"""claims: outcome lines superseded by corrections

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:45:10.854597
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "superseded_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reception_id", sa.Integer(), nullable=False),
        sa.Column("outcome_slug", sa.String(length=40), nullable=False),
        sa.Column("kg", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_slug"],
            ["outcome.slug"],
            name=op.f("fk_superseded_outcome_outcome_slug_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["reception_id"],
            ["reception.id"],
            name=op.f("fk_superseded_outcome_reception_id_reception"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_superseded_outcome_reported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["user_account.id"],
            name=op.f("fk_superseded_outcome_superseded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_superseded_outcome")),
    )
    with op.batch_alter_table("superseded_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_superseded_outcome_reception_id"), ["reception_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("superseded_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_superseded_outcome_reception_id"))

    op.drop_table("superseded_outcome")
