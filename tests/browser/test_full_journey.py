"""The whole journey across three signed-in people, each in a browser of their own: the agent
declares a lot, the worker matches it, the recycler finds it on the board and the map, claims
part, books a pickup, weighs and reports; the intercommunality's dashboard and export hold the
new kilograms; the agent reads it all on the lot's timeline."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from celery.contrib.testing.worker import start_worker
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from reuse.domain.french import MONTHS, PARIS
from reuse.models import Actor, ActorAcceptance, Offer, Site, Subcategory, Territory
from reuse.stats.months import Month
from reuse.stats.service import territory_report
from workers.app import create_app as create_celery

from browser_harness import (
    PARIS_FORMAT,
    LiveApp,
    a_png,
    a_user,
    audit,
    french_tab,
    is_next_week,
    next_at_ten,
    screenshot,
    sign_in,
    sign_in_as,
)

TERRITORY = "morlaix-test"
OFFERED = "Canapés et banquettes — Déchèterie du Launay"
MEASURED = Decimal("39.8")
MATCHED_WITHIN_S = 15.0


def a_ressourcerie_and_a_viewer(live_app: LiveApp) -> tuple[str, str, str]:
    """A ressourcerie at the déchèterie's door taking sofas, its recycler, and a viewer of the
    intercommunality: their e-mails and the ressourcerie's name."""
    tag = uuid.uuid4().hex[:8]
    name = f"Ressourcerie du Launay {tag}"
    with live_app.runtime.uow() as uow:
        session = uow.session
        site = session.scalars(select(Site).where(Site.slug == "launay")).one()
        territory_id = session.scalars(
            select(Territory.id).where(Territory.slug == TERRITORY)
        ).one()
        sofa = session.scalars(
            select(Subcategory).where(Subcategory.slug == "mobilier.canape")
        ).one()
        actor = Actor(slug=f"ressourcerie-launay-{tag}", name=name, kind="ressourcerie",
                      commune_insee="29151", commune_name="Morlaix", lat=site.lat, lon=site.lon,
                      radius_km=Decimal(30), weekly_capacity_kg=Decimal(2000),
                      collection_weekdays=[1, 2, 3, 4, 5, 6])  # fmt: skip
        session.add(actor)
        session.flush()
        session.add(ActorAcceptance(actor_id=actor.id, subcategory_id=sofa.id, condition="as_is"))
        recycler = a_user(f"recycleur-{tag}@morlaix.example", "recycler", actor_id=actor.id)
        viewer = a_user(f"vue-{tag}@morlaix.example", "territory_viewer", territory_id)
        session.add_all([recycler, viewer])
        uow.commit()
    return recycler.email, viewer.email, name


def diverted_this_month(live_app: LiveApp) -> Decimal:
    """What the statistics service counts as diverted in the territory this Paris month."""
    month = Month.of(datetime.now(UTC).astimezone(PARIS))
    report = territory_report(live_app.runtime.uow(), territory=TERRITORY, first=month, last=month)
    return report.totals[0].diverted_kg


def matched_by_the_worker(live_app: LiveApp, lot_id: int) -> None:
    """Run the worker in this process until it has made the lot's offers.

    The live app publishes each committed event on its in-memory broker; a worker built like
    the real one (same settings, same runtime) consumes the LotDeclared event's match task.
    """
    app = create_celery(live_app.runtime.settings, live_app.runtime)
    query = select(func.count()).select_from(Offer).where(Offer.lot_id == lot_id)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + MATCHED_WITHIN_S
        while time.monotonic() < deadline:
            with live_app.runtime.uow() as uow:
                if uow.session.scalar(query):
                    return
            time.sleep(0.1)
    raise AssertionError(f"lot {lot_id} got no offer within {MATCHED_WITHIN_S} s")


def declare_a_sofa_lot(agent: Page) -> int:
    """The agent declares two sofas with a photo through the declaration page; the lot's id."""
    sign_in(agent)
    agent.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Déclarer un lot"
    ).click()
    agent.get_by_label("De quoi s’agit-il ?").select_option("mobilier.canape")
    agent.get_by_label("Nombre d’objets").fill("2")
    expect(agent.get_by_label("Poids en kg")).to_have_value("81")
    agent.get_by_label("Description").fill("Deux canapés en tissu, bon état")
    agent.get_by_label("Photos").set_input_files(
        [{"name": "canape.png", "mimeType": "image/png", "buffer": a_png()}]
    )
    agent.get_by_role("button", name="Déclarer le lot").click()
    expect(agent.get_by_text("Le lot est déclaré")).to_be_visible()
    screenshot(agent, "parcours-1-agent-lot-declare")
    found = re.search(r"/agent/lots/(\d+)$", agent.url)
    assert found is not None, agent.url
    return int(found[1])


def claim_book_weigh_and_report(recycler: Page, email: str, lot_id: int) -> datetime:
    """The recycler finds the lot on the board and the map, claims part, books, weighs, reports;
    the pickup booked."""
    recycler.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    sign_in_as(recycler, email, "/recycleur/")
    row = recycler.get_by_role("row").filter(has_text=f"Lot {lot_id}")
    expect(row).to_contain_text("Déchèterie du Launay")
    expect(row).to_contain_text("81\u00a0kg")
    marker = recycler.get_by_role("button", name=OFFERED)
    expect(marker).to_be_visible()
    screenshot(recycler, "parcours-2-recycleur-propositions")
    marker.click()
    recycler.locator(".leaflet-popup").get_by_role("link", name=OFFERED).click()
    expect(recycler.get_by_role("heading", level=1)).to_contain_text("Canapés et banquettes")

    recycler.get_by_label("Une partie").check()
    recycler.get_by_label("Kilogrammes").fill("40,5")
    recycler.get_by_role("button", name="Réserver", exact=True).click()
    expect(recycler.get_by_text("Vous avez réservé 40,5\u00a0kg")).to_be_visible()
    pickup = next_at_ten(2)
    recycler.get_by_label("Date et heure de l’enlèvement").fill(pickup.strftime(PARIS_FORMAT))
    recycler.get_by_role("button", name="Réserver ce créneau").click()
    expect(recycler.get_by_text("L’enlèvement est réservé.")).to_be_visible()
    screenshot(recycler, "parcours-3-recycleur-reservation")

    recycler.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes enlèvements"
    ).click()
    if is_next_week(pickup):
        recycler.get_by_role("link", name="Semaine suivante").click()
    recycler.locator(".week").get_by_role("link", name=f"Lot {lot_id}").click()
    recycler.get_by_label("Poids reçu en kg").fill("39,8")
    recycler.get_by_role("button", name="Enregistrer la pesée").click()
    expect(recycler.get_by_text("La pesée est enregistrée")).to_be_visible()
    recycler.get_by_label("Réemploi").fill("30")
    recycler.get_by_label("Recyclage").fill("9,8")
    recycler.get_by_role("button", name="Enregistrer le devenir").click()
    expect(recycler.get_by_text("Le devenir est enregistré.")).to_be_visible()
    screenshot(recycler, "parcours-4-recycleur-devenir")
    return pickup


def exported_diverted(viewer: Page, actor: str) -> tuple[Decimal, Decimal]:
    """The month's diverted kg in the dashboard's standard CSV: the territory's, the actor's."""
    with viewer.expect_download() as download:
        viewer.get_by_role("link", name="CSV standard (, et point décimal)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    month = Month.of(datetime.now(UTC).astimezone(PARIS)).label
    [total] = [r for r in rows if r["breakdown"] == "total" and r["month"] == month]
    [by_actor] = [r for r in rows if r["breakdown"] == "actor" and r["label"] == actor]
    return Decimal(total["diverted_kg"]), Decimal(by_actor["diverted_kg"])


def test_a_declared_lot_goes_from_the_agent_to_the_recycler_and_into_the_intercommunality_figures(
    browser: Browser, page: Page, live_app: LiveApp
) -> None:
    recycler_email, viewer_email, actor = a_ressourcerie_and_a_viewer(live_app)
    before = diverted_this_month(live_app)

    lot_id = declare_a_sofa_lot(page)
    matched_by_the_worker(live_app, lot_id)

    with french_tab(browser, live_app) as recycler:
        pickup = claim_book_weigh_and_report(recycler, recycler_email, lot_id)

    after = diverted_this_month(live_app)
    assert after - before == MEASURED
    with french_tab(browser, live_app) as viewer:
        sign_in_as(viewer, viewer_email, "/territoire/")
        diverted = viewer.locator(".key-figures > div").filter(
            has_text="Détourné du flux de déchets"
        )
        expect(diverted.get_by_role("definition")).to_have_text(
            f"{after:.1f}".replace(".", ",") + "\u00a0kg"
        )
        screenshot(viewer, "parcours-5-territoire-tableau-de-bord")
        assert exported_diverted(viewer, actor) == (after, MEASURED)

    page.reload()
    expect(page.locator(".timeline li strong")).to_contain_text([
        "Lot déclaré", "Propositions envoyées", "Réservé", "Enlèvement programmé", "Reçu et pesé",
        "Devenir déclaré",
    ])  # fmt: skip
    claims = page.get_by_role("table", name="Qui a réservé ce lot", exact=False)
    booked = f"{pickup.day} {MONTHS[pickup.month - 1]} {pickup.year} à 10:00"
    expect(claims.get_by_role("row").filter(has_text=actor).get_by_role("cell")).to_have_text(
        [actor, "40,5\u00a0kg", booked, "reçue", "39,8\u00a0kg", ""]
    )
    assert audit(page, "parcours-6-agent-lot-suivi") == []
