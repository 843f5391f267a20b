"""lots: lists read their newest-first page off (declared_at, id)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 11:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lot_declared_at_id", "lot", ["declared_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_lot_declared_at_id", table_name="lot")
