"""matching: an actor's recent offers are counted through (actor_id, sent_at)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_offer_actor_sent_at", "offer", ["actor_id", "sent_at"])
    op.drop_index("ix_offer_actor_id", table_name="offer")


def downgrade() -> None:
    op.create_index("ix_offer_actor_id", "offer", ["actor_id"])
    op.drop_index("ix_offer_actor_sent_at", table_name="offer")
