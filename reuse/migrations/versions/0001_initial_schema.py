"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 21:16:55.410189
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=False),
        sa.Column("commune_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("coordinates_approximate", sa.Boolean(), nullable=False),
        sa.Column("radius_km", sa.BigInteger(), nullable=False),
        sa.Column("weekly_capacity_kg", sa.BigInteger(), nullable=False),
        sa.Column("collection_weekdays", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor")),
        sa.UniqueConstraint("slug", name=op.f("uq_actor_slug")),
    )
    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("label_fr", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category")),
        sa.UniqueConstraint("slug", name=op.f("uq_category_slug")),
    )
    op.create_table(
        "factor_set",
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_factor_set")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index("ix_outbox_pending", ["sent_at", "available_at"], unique=False)

    op.create_table(
        "outcome",
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("label_fr", sa.String(length=200), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_outcome")),
    )
    op.create_table(
        "territory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("wave_size", sa.Integer(), nullable=False),
        sa.Column("hold_window_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory")),
        sa.UniqueConstraint("siren", name=op.f("uq_territory_siren")),
        sa.UniqueConstraint("slug", name=op.f("uq_territory_slug")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "actor_week",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("claimed_kg", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actor.id"], name=op.f("fk_actor_week_actor_id_actor")
        ),
        sa.PrimaryKeyConstraint("actor_id", "week_start", name=op.f("pk_actor_week")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "commune",
        sa.Column("insee", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_commune_territory_id_territory")
        ),
        sa.PrimaryKeyConstraint("insee", name=op.f("pk_commune")),
    )
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commune_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "subcategory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("label_fr", sa.String(length=200), nullable=False),
        sa.Column("qfdmo_codes", sa.JSON(), nullable=False),
        sa.Column("rep_filiere", sa.String(length=200), nullable=False),
        sa.Column("ewc_code", sa.String(length=12), nullable=False),
        sa.Column("reusable", sa.Boolean(), nullable=False),
        sa.Column("unit_kg", sa.BigInteger(), nullable=False),
        sa.Column("unit_kg_is_estimate", sa.Boolean(), nullable=False),
        sa.Column("min_item_kg", sa.BigInteger(), nullable=False),
        sa.Column("max_item_kg", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_subcategory_category_id_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subcategory")),
        sa.UniqueConstraint("slug", name=op.f("uq_subcategory_slug")),
    )
    with op.batch_alter_table("subcategory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subcategory_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "actor_acceptance",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("subcategory_id", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actor.id"], name=op.f("fk_actor_acceptance_actor_id_actor")
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_id"],
            ["subcategory.id"],
            name=op.f("fk_actor_acceptance_subcategory_id_subcategory"),
        ),
        sa.PrimaryKeyConstraint(
            "actor_id", "subcategory_id", "condition", name=op.f("pk_actor_acceptance")
        ),
    )
    op.create_table(
        "co2_factor",
        sa.Column("factor_set_version", sa.String(length=20), nullable=False),
        sa.Column("subcategory_id", sa.Integer(), nullable=False),
        sa.Column("kgco2e_per_kg", sa.BigInteger(), nullable=False),
        sa.Column("quality", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["factor_set_version"],
            ["factor_set.version"],
            name=op.f("fk_co2_factor_factor_set_version_factor_set"),
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_id"],
            ["subcategory.id"],
            name=op.f("fk_co2_factor_subcategory_id_subcategory"),
        ),
        sa.PrimaryKeyConstraint("factor_set_version", "subcategory_id", name=op.f("pk_co2_factor")),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("commune_insee", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("coordinates_approximate", sa.Boolean(), nullable=False),
        sa.Column("opening_weekdays", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_insee"], ["commune.insee"], name=op.f("fk_site_commune_insee_commune")
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_site_territory_id_territory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("slug", name=op.f("uq_site_slug")),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_commune_insee"), ["commune_insee"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("subcategory_id", sa.Integer(), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=True),
        sa.Column("estimated_kg", sa.BigInteger(), nullable=False),
        sa.Column("weight_is_estimate", sa.Boolean(), nullable=False),
        sa.Column("weight_flag", sa.String(length=40), nullable=True),
        sa.Column("condition", sa.String(length=20), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("available_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("remaining_kg", sa.BigInteger(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "deadline > available_from", name=op.f("ck_lot_deadline_after_availability")
        ),
        sa.CheckConstraint("estimated_kg > 0", name=op.f("ck_lot_estimated_kg_positive")),
        sa.CheckConstraint(
            "remaining_kg >= 0 AND remaining_kg <= estimated_kg",
            name=op.f("ck_lot_remaining_kg_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_id"], ["user_account.id"], name=op.f("fk_lot_declared_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_lot_site_id_site")),
        sa.ForeignKeyConstraint(
            ["subcategory_id"], ["subcategory.id"], name=op.f("fk_lot_subcategory_id_subcategory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot")),
    )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.create_index("ix_lot_site_declared_at", ["site_id", "declared_at"], unique=False)
        batch_op.create_index("ix_lot_status_deadline", ["status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_lot_subcategory_id"), ["subcategory_id"], unique=False)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actor.id"], name=op.f("fk_membership_actor_id_actor")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_membership_site_id_site")),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_membership_territory_id_territory")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_membership_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_offer_actor_id_actor")),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_offer_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
        sa.UniqueConstraint("lot_id", "actor_id", name=op.f("uq_offer_lot_id_actor_id")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "status_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["user_account.id"], name=op.f("fk_status_log_by_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_status_log_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_log")),
    )
    with op.batch_alter_table("status_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_log_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.BigInteger(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("pickup_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kg > 0", name=op.f("ck_claim_kg_positive")),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_claim_actor_id_actor")),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["user_account.id"], name=op.f("fk_claim_claimed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_claim_lot_id_lot")),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"], name=op.f("fk_claim_offer_id_offer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint(
            "actor_id", "idempotency_key", name=op.f("uq_claim_actor_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_claim_lot_status", ["lot_id", "status"], unique=False)

    op.create_table(
        "reception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("measured_kg", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("anomaly", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("measured_kg > 0", name=op.f("ck_reception_measured_kg_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_reception_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_reception_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_reception_claim_id")),
    )
    with op.batch_alter_table("reception", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reception_received_at"), ["received_at"], unique=False)

    op.create_table(
        "outcome_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reception_id", sa.Integer(), nullable=False),
        sa.Column("outcome_slug", sa.String(length=40), nullable=False),
        sa.Column("kg", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("kg > 0", name=op.f("ck_outcome_line_kg_positive")),
        sa.ForeignKeyConstraint(
            ["outcome_slug"], ["outcome.slug"], name=op.f("fk_outcome_line_outcome_slug_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["reception_id"], ["reception.id"], name=op.f("fk_outcome_line_reception_id_reception")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_line_reported_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_line")),
        sa.UniqueConstraint(
            "reception_id", "outcome_slug", name=op.f("uq_outcome_line_reception_id_outcome_slug")
        ),
    )


def downgrade() -> None:

    op.drop_table("outcome_line")
    with op.batch_alter_table("reception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reception_received_at"))

    op.drop_table("reception")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_lot_status")
        batch_op.drop_index(batch_op.f("ix_claim_actor_id"))

    op.drop_table("claim")
    with op.batch_alter_table("status_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_log_lot_id"))

    op.drop_table("status_log")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_actor_id"))

    op.drop_table("offer")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))

    op.drop_table("membership")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_subcategory_id"))
        batch_op.drop_index("ix_lot_status_deadline")
        batch_op.drop_index("ix_lot_site_declared_at")

    op.drop_table("lot")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_territory_id"))
        batch_op.drop_index(batch_op.f("ix_site_commune_insee"))

    op.drop_table("site")
    op.drop_table("co2_factor")
    op.drop_table("actor_acceptance")
    with op.batch_alter_table("subcategory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subcategory_category_id"))

    op.drop_table("subcategory")
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commune_territory_id"))

    op.drop_table("commune")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    op.drop_table("actor_week")
    op.drop_table("user_account")
    op.drop_table("territory")
    op.drop_table("outcome")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.drop_index(batch_op.f("ix_outbox_lot_id"))

    op.drop_table("outbox")
    op.drop_table("factor_set")
    op.drop_table("category")
    op.drop_table("actor")
