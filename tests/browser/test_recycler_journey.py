"""A recycler in a real browser: the offer on the board and the map (no tiles reachable), claim
part, book a pickup, weigh, report outcomes; refused input; axe-core on every recycler page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from reuse.domain.lots import LotDraft, Photo
from reuse.models import Actor, ActorAcceptance, Claim, Membership, Site, Subcategory, User
from reuse.services.actor_directory import ActorDirectory
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot

from browser_harness import (
    AGENT_EMAIL,
    PARIS_FORMAT,
    LiveApp,
    a_png,
    a_user,
    audit,
    is_next_week,
    next_at_ten,
    sign_in_as,
)


@dataclass(frozen=True)
class Offered:
    email: str
    lot_id: int


def an_offer_to_a_new_recycler(live_app: LiveApp) -> Offered:
    """A ressourcerie near the seeded site with its recycler, and a photographed sofa lot the
    agent declared and matching offered to it (the live app has no worker: match here)."""
    tag = uuid.uuid4().hex[:8]
    email = f"recycleur-{tag}@morlaix.example"
    with live_app.runtime.uow() as uow:
        site = uow.session.scalars(select(Site).where(Site.slug == "launay")).one()
        sofa = uow.session.scalars(
            select(Subcategory).where(Subcategory.slug == "mobilier.canape")
        ).one()
        actor = Actor(slug=f"ressourcerie-{tag}", name="Ressourcerie du Pays de Morlaix", kind="ressourcerie",
                      commune_insee="29151", commune_name="Morlaix", lat=48.5862, lon=-3.8331,
                      radius_km=Decimal(30), weekly_capacity_kg=Decimal(2000),
                      collection_weekdays=[1, 2, 3, 4, 5, 6])  # fmt: skip
        uow.session.add(actor)
        uow.session.flush()
        uow.session.add(
            ActorAcceptance(actor_id=actor.id, subcategory_id=sofa.id, condition="as_is")
        )
        uow.session.add(a_user(email, "recycler", actor_id=actor.id))
        agent_id = uow.session.scalars(select(User.id).where(User.email == AGENT_EMAIL)).one()
        site_id = site.id
        uow.commit()
    return Offered(email, declared_and_matched(live_app, agent_id, site_id))


def declared_and_matched(live_app: LiveApp, agent_id: int, site_id: int) -> int:
    content = a_png()
    photo = Photo(f"{uuid.uuid4().hex}.png", "image/png", len(content))
    uploads = live_app.runtime.settings.instance_path / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / photo.filename).write_bytes(content)
    now = datetime.now(UTC)
    draft = LotDraft(condition="as_is", available_from=now - timedelta(hours=1),
                     deadline=now + timedelta(days=9), estimated_kg=Decimal("81"), item_count=2,
                     description="Deux canapés en tissu", photos=(photo,))  # fmt: skip
    uow = live_app.runtime.uow()
    lot_id = declare_lot(uow, by=agent_id, site_id=site_id, subcategory="mobilier.canape",
                         draft=draft).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot_id)
    return lot_id


@pytest.fixture
def offline_tiles(page: Page) -> Page:
    """No tile server is reachable: every tile request fails at once."""
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    return page


def test_a_recycler_claims_part_of_an_offer_books_collects_and_reports(
    offline_tiles: Page, live_app: LiveApp
) -> None:
    page = offline_tiles
    offered = an_offer_to_a_new_recycler(live_app)
    sign_in_as(page, offered.email, "/recycleur/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propositions en attente")
    row = page.get_by_role("row").filter(has_text=f"Lot {offered.lot_id}")
    expect(row).to_contain_text("Déchèterie du Launay")
    expect(row).to_contain_text("81\u00a0kg")
    expect(row.locator("img.thumbnail")).to_have_js_property("naturalWidth", 64)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator(".leaflet-control-scale-line")).to_be_visible()
    expect(page.locator("#carte-propositions")).to_have_attribute("data-drawn", "1")
    assert audit(page, "recycleur-propositions") == []

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Canapés et banquettes")
    assert audit(page, "recycleur-proposition") == []
    page.get_by_label("Une partie").check()
    page.get_by_label("Kilogrammes").fill("40,5")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.get_by_text("Vous avez réservé 40,5\u00a0kg")).to_be_visible()

    pickup = next_at_ten(2)
    page.get_by_label("Date et heure de l’enlèvement").fill(pickup.strftime(PARIS_FORMAT))
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_text("L’enlèvement est réservé.")).to_be_visible()
    assert audit(page, "recycleur-reservation") == []

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes enlèvements"
    ).click()
    if is_next_week(pickup):
        page.get_by_role("link", name="Semaine suivante").click()
    expect(page.locator(".week")).to_contain_text("10:00")
    assert audit(page, "recycleur-enlevements") == []
    page.locator(".week").get_by_role("link", name=f"Lot {offered.lot_id}").click()

    page.get_by_label("Poids reçu en kg").fill("39,8")
    page.get_by_role("button", name="Enregistrer la pesée").click()
    expect(page.get_by_text("La pesée est enregistrée")).to_be_visible()
    page.get_by_label("Réemploi").fill("30")
    page.get_by_label("Recyclage").fill("9,8")
    page.get_by_role("button", name="Enregistrer le devenir").click()
    expect(page.get_by_text("Le devenir est enregistré.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("30\u00a0kg")
    assert audit(page, "recycleur-devenir") == []

    page.get_by_role("link", name="Mon impact").click()
    expect(page.locator("tfoot")).to_contain_text("39,8\u00a0kg")
    assert audit(page, "recycleur-impact") == []
    page.get_by_role("link", name="Notifications").click()
    assert audit(page, "recycleur-notifications") == []


def test_a_refused_pickup_shows_its_french_message_next_to_the_field_and_books_nothing(
    offline_tiles: Page, live_app: LiveApp
) -> None:
    page = offline_tiles
    offered = an_offer_to_a_new_recycler(live_app)
    sign_in_as(page, offered.email, "/recycleur/")
    page.get_by_role("row").filter(has_text=f"Lot {offered.lot_id}").get_by_role("link").click()
    page.get_by_role("button", name="Réserver", exact=True).click()
    sunday = next_at_ten(7)
    page.get_by_label("Date et heure de l’enlèvement").fill(sunday.strftime(PARIS_FORMAT))
    page.get_by_role("button", name="Réserver ce créneau").click()
    field = page.get_by_label("Date et heure de l’enlèvement")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pickup_at-erreur")).to_contain_text("fermée ce jour-là")
    assert audit(page, "recycleur-creneau-refuse") == []
    with live_app.runtime.uow() as uow:
        query = select(Claim.pickup_at).where(Claim.lot_id == offered.lot_id)
        assert uow.session.scalars(query).all() == [None]


def test_a_recycler_of_two_actors_switches_between_their_notification_settings(
    offline_tiles: Page, live_app: LiveApp
) -> None:
    page = offline_tiles
    tag = uuid.uuid4().hex[:8]
    email = f"deux-structures-{tag}@morlaix.example"
    with live_app.runtime.uow() as uow:
        names = (f"Atelier vélo {tag}", f"Recyclerie des monts {tag}")
        actors = [Actor(slug=f"structure-{n}-{tag}", name=name, kind="ressourcerie",
                        commune_insee="29151", commune_name="Morlaix", lat=48.58, lon=-3.83,
                        radius_km=Decimal(30), weekly_capacity_kg=Decimal(1000),
                        collection_weekdays=[2, 4]) for n, name in enumerate(names)]  # fmt: skip
        uow.session.add_all(actors)
        uow.session.flush()
        user = a_user(email, "recycler", actor_id=actors[0].id)
        user.memberships.append(Membership(role="recycler", actor_id=actors[1].id))
        uow.session.add(user)
        uow.commit()
    sign_in_as(page, email, "/recycleur/")
    page.goto("/recycleur/notifications/")
    choice = page.get_by_role("navigation", name="Vos acteurs du réemploi")
    expect(choice.locator("[aria-current=page]")).to_have_text(names[0])
    assert audit(page, "recycleur-notifications-deux-acteurs") == []
    choice.get_by_role("link", name=names[1]).click()
    expect(choice.locator("[aria-current=page]")).to_have_text(names[1])
    page.get_by_label("Adresse e-mail pour les propositions").fill(f"monts-{tag}@morlaix.example")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Vos réglages de notification sont enregistrés.")).to_be_visible()
    expect(choice.locator("[aria-current=page]")).to_have_text(names[1])
