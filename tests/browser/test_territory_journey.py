"""The intercommunality and the admin in a real browser: the dashboard shows the seeded kg and
its export holds them; refused admin input; axe-core and a screenshot of every page."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from reuse.domain.lots import LotDraft
from reuse.models import (
    Actor,
    ActorAcceptance,
    Commune,
    Offer,
    Site,
    Subcategory,
    Territory,
)
from reuse.services.claims import claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import receive_claim, report_outcomes

from browser_harness import LiveApp, a_user, audit, sign_in_as

SAINT_POL = (48.6856, -3.9857)
DIVERTED = Decimal("123.4")


@dataclass(frozen=True)
class Seeded:
    viewer: str
    admin: str
    territory_id: int
    site_id: int
    actor_id: int
    admin_id: int


@pytest.fixture(scope="module")
def seeded(live_app: LiveApp) -> Seeded:
    """A territory of its own whose actor received and reused 123.4 kg of sofas today, its
    viewer, its agent and recycler, and an admin."""
    tag = uuid.uuid4().hex[:6]
    lat, lon = SAINT_POL
    with live_app.runtime.uow() as uow:
        session = uow.session
        territory = Territory(
            slug=f"haut-leon-{tag}", name="Haut-Léon Communauté", siren=tag.rjust(9, "7")
        )
        session.add(territory)
        session.flush()
        session.add(
            Commune(
                insee=f"9{tag[:4]}",
                name="Saint-Pol-de-Léon",
                territory_id=territory.id,
                lat=lat,
                lon=lon,
            )
        )
        site = Site(
            slug=f"saint-pol-{tag}",
            name="Déchèterie de Saint-Pol",
            territory_id=territory.id,
            commune_insee=f"9{tag[:4]}",
            lat=lat,
            lon=lon,
            opening_weekdays=[1, 2, 3, 4, 5, 6, 7],
        )
        actor = Actor(
            slug=f"ressourcerie-leon-{tag}",
            name="Ressourcerie du Léon",
            kind="ressourcerie",
            commune_insee=f"9{tag[:4]}",
            commune_name="Saint-Pol-de-Léon",
            lat=lat,
            lon=lon,
            radius_km=Decimal(20),
            weekly_capacity_kg=Decimal(5000),
            collection_weekdays=[1, 2, 3, 4, 5, 6, 7],
        )
        session.add_all([site, actor])
        session.flush()
        sofa = session.scalar(select(Subcategory).where(Subcategory.slug == "mobilier.canape"))
        assert sofa is not None
        session.add(ActorAcceptance(actor_id=actor.id, subcategory_id=sofa.id, condition="as_is"))
        viewer = a_user(f"vue-{tag}@leon.example", "territory_viewer", territory.id)
        agent = a_user(f"agent-{tag}@leon.example", "agent", territory.id)
        recycler = a_user(f"recycleur-{tag}@leon.example", "recycler", actor_id=actor.id)
        admin = a_user(f"admin-{tag}@reuse.example", "admin")
        session.add_all([viewer, agent, recycler, admin])
        uow.commit()
        ids = territory.id, site.id, actor.id, agent.id, recycler.id, admin.id
    divert(live_app, ids[1], ids[2], ids[3], ids[4])
    return Seeded(viewer.email, admin.email, ids[0], ids[1], ids[2], ids[5])


def divert(live_app: LiveApp, site_id: int, actor_id: int, agent_id: int, recycler_id: int) -> None:
    """Declare a sofa lot, offer it, claim it whole, weigh and reuse it (no worker: by hand)."""
    runtime, now = live_app.runtime, datetime.now(UTC)
    draft = LotDraft(estimated_kg=DIVERTED, item_count=3, condition="as_is", description="Canapés",
                     available_from=now, deadline=now + timedelta(days=5))  # fmt: skip
    lot_id = declare_lot(runtime.uow(), by=agent_id, site_id=site_id, subcategory="mobilier.canape",
                         draft=draft).lot_id  # fmt: skip
    match_lot(runtime.uow(), runtime.directory, lot_id=lot_id)
    with runtime.uow() as uow:
        offer_id = uow.session.scalar(
            select(Offer.id).where(Offer.lot_id == lot_id, Offer.actor_id == actor_id)
        )
    claim = claim_offer(runtime.uow(), by=recycler_id, offer_id=offer_id)
    received = receive_claim(runtime.uow(), by=recycler_id, claim_id=claim.claim_id,
                             measured_kg=DIVERTED)  # fmt: skip
    report_outcomes(runtime.uow(), by=recycler_id, reception_id=received.reception_id,
                    lines={"reemploi": DIVERTED})  # fmt: skip


def test_the_dashboard_shows_the_seeded_kilograms_and_its_export_holds_them(
    page: Page, seeded: Seeded
) -> None:
    sign_in_as(page, seeded.viewer, "/territoire/")
    figures = page.locator(".key-figures")
    expect(figures).to_contain_text("123,4\u00a0kg")
    expect(page.locator("svg[role=img] rect.series-0")).to_have_count(1)
    expect(page.get_by_role("table", name="Par déchèterie", exact=False)).to_contain_text(
        "Déchèterie de Saint-Pol"
    )
    assert audit(page, "territoire-tableau-de-bord") == []
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV pour tableur français").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    assert text.startswith("territory;month;breakdown")
    assert ";123,400;" in text
    assert "Ressourcerie du Léon" in text


def test_the_lots_explorer_and_the_actors_directory_pass_the_audit(
    page: Page, seeded: Seeded
) -> None:
    sign_in_as(page, seeded.viewer, "/territoire/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Lots").click()
    page.get_by_label("Statut").select_option("closed")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("table")).to_contain_text("Déchèterie de Saint-Pol")
    assert audit(page, "territoire-lots") == []
    page.get_by_label("Déclaré à partir du").fill("2026-03-15")
    page.get_by_label("Déclaré jusqu’au").fill("2026-03-01")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#declared_to-erreur")).to_have_text(
        "Erreur : Doit être le même jour ou après le premier jour."
    )
    assert audit(page, "territoire-lots-refus") == []
    page.goto("/territoire/acteurs")
    expect(page.locator(".map-canvas")).to_have_attribute("data-drawn", re.compile(r"^[1-9]"))
    expect(page.locator(".leaflet-marker-icon[title='Ressourcerie du Léon']")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Ressourcerie du Léon")
    assert audit(page, "territoire-acteurs") == []


ADMIN_PAGES = {
    "admin-territoires": "/admin/",
    "admin-acteurs": "/admin/acteurs",
    "admin-acteur-nouveau": "/admin/acteurs/nouveau",
    "admin-utilisateurs": "/admin/utilisateurs",
    "admin-categories": "/admin/categories",
    "admin-facteurs": "/admin/facteurs",
    "admin-commune-nouvelle": "/admin/communes/nouvelle",
}


def test_every_admin_page_passes_the_audit(page: Page, seeded: Seeded) -> None:
    sign_in_as(page, seeded.admin, "/admin/")
    pages = ADMIN_PAGES | {
        "admin-territoire": f"/admin/territoires/{seeded.territory_id}",
        "admin-site": f"/admin/territoires/{seeded.territory_id}/sites/{seeded.site_id}",
        "admin-site-nouveau": f"/admin/territoires/{seeded.territory_id}/sites/nouveau",
        "admin-acteur": f"/admin/acteurs/{seeded.actor_id}",
        "admin-utilisateur": f"/admin/utilisateurs/{seeded.admin_id}",
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert audit(page, name) == [], name


def test_a_refused_actor_change_shows_its_french_message_and_changes_nothing(
    page: Page, seeded: Seeded, live_app: LiveApp
) -> None:
    sign_in_as(page, seeded.admin, "/admin/")
    page.goto(f"/admin/acteurs/{seeded.actor_id}")
    page.get_by_label("Rayon d’intervention en km").fill("400")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#radius_km-erreur")).to_have_text(
        "Erreur : Saisissez un rayon supérieur à 0 et d’au plus 300 km."
    )
    expect(page.get_by_role("alert")).to_contain_text("Veuillez corriger ce qui suit")
    assert audit(page, "admin-acteur-refus") == []
    with live_app.runtime.uow() as uow:
        radius = uow.session.scalar(select(Actor.radius_km).where(Actor.id == seeded.actor_id))
        assert radius == Decimal(20)
        assert uow.session.scalar(select(func.count()).select_from(Actor)) >= 1
