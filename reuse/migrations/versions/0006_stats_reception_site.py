"""stats: receptions carry their lot's site, indexed with the reception time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reception", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE reception SET site_id = (SELECT lot.site_id FROM claim JOIN lot ON lot.id = "
        "claim.lot_id WHERE claim.id = reception.claim_id)"
    )
    with op.batch_alter_table("reception", schema=None) as batch_op:
        batch_op.alter_column("site_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_reception_site_id_site"), "site", ["site_id"], ["id"]
        )
        batch_op.create_index(
            "ix_reception_site_received_at", ["site_id", "received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reception", schema=None) as batch_op:
        batch_op.drop_index("ix_reception_site_received_at")
        batch_op.drop_constraint(batch_op.f("fk_reception_site_id_site"), type_="foreignkey")
        batch_op.drop_column("site_id")
