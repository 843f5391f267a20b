"""Lots declared today, through the real use case, so the demo opens with live offers.

The generated history ends before the current month; these few lots go through
`declare_lot` like an agent's, so their LotDeclared events wait in the outbox and the
worker of `make run` matches them and sends the offers the recyclers see on their board.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from reuse.domain.lots import LotDraft
from reuse.models import Site
from reuse.services.lots import declare_lot
from reuse.unit_of_work import UnitOfWork

HOLD = timedelta(days=6)

# (site, subcategory, condition, items, kg, description)
TODAYS_LOTS = (
    ("decheterie_morlaix", "mobilier.canape", "as_is", 1, "45", "Canapé trois places en tissu"),
    ("decheterie_morlaix", "mobilier.assise", "as_is", 8, "40", "Chaises en bois paillées"),
    ("decheterie_morlaix", "gros_electromenager.lavage", "to_repair", 1, "70", "Lave-linge, tambour bloqué"),
    ("decheterie_saint_martin_des_champs", "mobilier.rangement", "as_is", 1, "60", "Armoire deux portes"),
    ("decheterie_saint_martin_des_champs", "sport_loisirs.velo", "to_repair", 3, "45", "Vélos enfants à réviser"),
    ("decheterie_plourin_les_morlaix", "mobilier.table", "as_is", 2, "50", "Tables de salle à manger en chêne"),
    ("decheterie_taule", "petit_electromenager.cuisine", "as_is", 6, "12", "Cafetières et bouilloires"),
)  # fmt: skip


def declare_todays_lots(uow: UnitOfWork, *, agent_id: int, now: datetime) -> list[int]:
    """Declare today's demo lots as the territory's agent; return their ids."""
    with uow:
        sites = {slug: id_ for slug, id_ in uow.session.execute(select(Site.slug, Site.id))}
    declared = []
    for site, subcategory, condition, items, weight, description in TODAYS_LOTS:
        draft = LotDraft(
            condition=condition,
            available_from=now,
            deadline=now + HOLD,
            estimated_kg=Decimal(weight),
            item_count=items,
            description=description,
        )
        lot = declare_lot(
            uow, by=agent_id, site_id=sites[site], subcategory=subcategory, draft=draft, now=now
        )
        declared.append(lot.lot_id)
    return declared
