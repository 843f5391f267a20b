"""The recycler's pages in French: board and map, claim, pickup, reception, outcomes, settings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from reuse.domain.french import PARIS
from reuse.domain.vocabulary import Role
from reuse.models import Claim, Membership, NotificationSettings, Offer, OutcomeLine, Reception
from reuse.services.actor_directory import ActorDirectory
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_site, an_actor, an_agent_of
from tests_web import field_error, page_token, sign_in_as

PARIS_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Offered:
    offer_id: int
    lot_id: int
    actor_id: int


def an_offer(uow: UnitOfWork, capacity_kg: str = "2000", items: int = 1) -> Offered:
    """40 kg of sofas declared at a Morlaix site an hour ago and offered to a nearby actor."""
    now = datetime.now(UTC)
    with uow:
        site = a_site(uow.session, name="Déchèterie du Launay")
        actor = an_actor(uow.session, name="Ressourcerie du Léon",
                         weekly_capacity_kg=Decimal(capacity_kg))  # fmt: skip
        agent = an_agent_of(uow.session, site)
        uow.commit()
        site_id, actor_id, agent_id = site.id, actor.id, agent.id
    draft = a_draft(available_from=now - timedelta(hours=1), deadline=now + timedelta(days=8),
                    estimated_kg=Decimal("40"), item_count=items)  # fmt: skip
    lot_id = declare_lot(uow, by=agent_id, site_id=site_id, subcategory="mobilier.canape",
                         draft=draft).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot_id)  # rolled back: no index kept across tests
    with uow:
        offer_id = uow.session.scalar(select(Offer.id).where(Offer.lot_id == lot_id))
    assert offer_id is not None
    return Offered(offer_id, lot_id, actor_id)


def a_recycler_with_an_offer(
    client: FlaskClient, uow: UnitOfWork, capacity_kg: str = "2000", items: int = 1
) -> Offered:
    offered = an_offer(uow, capacity_kg, items)
    sign_in_as(client, uow, Role.RECYCLER, actor_id=offered.actor_id)
    return offered


def claim(client: FlaskClient, offer_id: int, **fields: str) -> Any:
    url = f"/recycleur/propositions/{offer_id}"
    data = {"csrf_token": page_token(client, url), "share": "all"} | fields
    return client.post(f"{url}/reserver", data=data)


def a_claim(client: FlaskClient, offered: Offered, **fields: str) -> str:
    """Claim the offer and return the claim page's URL."""
    claimed = claim(client, offered.offer_id, **fields)
    assert claimed.status_code == 302, claimed.get_data(as_text=True)
    return str(claimed.headers["Location"])


def post(client: FlaskClient, page_url: str, action: str, **fields: Any) -> Any:
    """Send a form of the page at `page_url` to its `action` below that page."""
    target = f"{page_url.rstrip('/')}/{action}"
    return client.post(target, data={"csrf_token": page_token(client, page_url)} | fields)


def count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def next_weekday(iso_day: int, after: datetime) -> datetime:
    """10:00 Paris on the next `iso_day` (1 = Monday) at least a day after `after`."""
    day = (after + timedelta(days=1)).astimezone(PARIS).date()
    day += timedelta(days=(iso_day - day.isoweekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)


def test_the_board_lists_the_offer_and_puts_its_site_on_the_map(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    html = client.get("/recycleur/").get_data(as_text=True)
    assert f'href="/recycleur/propositions/{offered.offer_id}"' in html
    assert "Déchèterie du Launay" in html
    assert "40\u00a0kg" in html
    points = re.search(r'<script type="application/json" id="carte-propositions-points">(.*?)</script>',
                       html, re.S)  # fmt: skip
    assert points is not None
    markers = json.loads(points.group(1))
    assert [(m["lat"], m["lon"]) for m in markers] == [(48.57784, -3.82792)]
    assert "vendor/leaflet/leaflet.js" in html


def test_with_no_tile_server_set_the_map_asks_for_no_tiles(
    app: Flask, client: FlaskClient, uow: UnitOfWork
) -> None:
    a_recycler_with_an_offer(client, uow)
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in client.get(
        "/recycleur/"
    ).get_data(as_text=True)
    app.config["REUSE_TILE_URL"] = ""
    assert 'data-tiles=""' in client.get("/recycleur/").get_data(as_text=True)


def test_each_recycler_page_is_in_french(client: FlaskClient, uow: UnitOfWork) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    claim_url = a_claim(client, offered)
    expected = {
        "/recycleur/": "Propositions en attente",
        f"/recycleur/propositions/{offered.offer_id}": "Réserver ce lot",
        "/recycleur/enlevements": "Mes enlèvements",
        claim_url: "Créneau d’enlèvement",
        "/recycleur/notifications/": "Comment vous êtes prévenu",
        "/recycleur/impact": "Mois par mois",
    }
    for url, heading in expected.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in html
        assert heading in html, url


def test_claiming_part_of_an_offer_takes_those_kilograms_and_opens_the_claim(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    claim_url = a_claim(client, offered, share="part", kg="12,5")
    html = client.get(claim_url).get_data(as_text=True)
    assert "Vous avez réservé 12,5\u00a0kg" in html
    offer_page = client.get(f"/recycleur/propositions/{offered.offer_id}").get_data(as_text=True)
    assert "27,5\u00a0kg" in offer_page


def test_a_claim_beyond_what_is_left_says_in_french_what_is_left_and_writes_nothing(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    a_claim(client, offered, share="part", kg="30")
    before = count(uow, Claim)
    refused = claim(client, offered.offer_id, share="part", kg="20")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Il ne reste que 10\u00a0kg de ce lot" in html
    assert count(uow, Claim) == before


def test_a_claim_beyond_my_weekly_capacity_says_how_much_capacity_is_left(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow, capacity_kg="25", items=2)
    refused = claim(client, offered.offer_id)
    assert refused.status_code == 409
    assert "il vous reste 25\u00a0kg cette semaine" in refused.get_data(as_text=True)
    assert count(uow, Claim) == 0


def test_a_malformed_claim_is_refused_next_to_the_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    refused = claim(client, offered.offer_id, share="part", kg="-3")
    assert refused.status_code == 422
    assert "Saisissez un nombre supérieur à 0." in field_error(refused.get_data(as_text=True), "kg")
    assert count(uow, Claim) == 0


def test_a_pickup_on_a_day_the_site_is_closed_is_refused_next_to_the_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    sunday = next_weekday(7, datetime.now(UTC))
    refused = post(client, claim_url, "creneau", pickup_at=sunday.strftime(PARIS_FORMAT))
    assert refused.status_code == 422
    assert "fermée ce jour-là" in field_error(refused.get_data(as_text=True), "pickup_at")
    with uow:
        assert uow.session.scalar(select(Claim.pickup_at)) is None


def test_a_booked_pickup_shows_on_its_day_in_my_pickups(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    tuesday = next_weekday(2, datetime.now(UTC))
    booked = post(client, claim_url, "creneau", pickup_at=tuesday.strftime(PARIS_FORMAT))
    assert booked.status_code == 302
    week = client.get(f"/recycleur/enlevements?semaine={tuesday.date().isoformat()}")
    html = week.get_data(as_text=True)
    assert "10:00" in html
    assert "Déchèterie du Launay" in html
    assert "Chaque réservation a son créneau." in html


def test_a_weight_that_looks_wrong_is_asked_to_be_confirmed_then_recorded(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    asked = post(client, claim_url, "reception", measured_kg="40000")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert "grammes" in field_error(html, "measured_kg")
    assert 'name="confirmed"' in html
    assert count(uow, Reception) == 0
    confirmed = post(client, claim_url, "reception", measured_kg="40000", confirmed="y")
    assert confirmed.status_code == 302
    assert count(uow, Reception) == 1


def test_outcomes_above_the_received_weight_are_refused_then_reported_and_corrected(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    assert post(client, claim_url, "reception", measured_kg="38").status_code == 302
    too_much = post(client, claim_url, "devenir", outcome_reemploi="30", outcome_recyclage="10")
    assert too_much.status_code == 422
    assert "C’est plus que le poids reçu." in too_much.get_data(as_text=True)
    assert count(uow, OutcomeLine) == 0
    bad_line = post(client, claim_url, "devenir", outcome_reemploi="-1")
    assert "supérieur à 0" in field_error(bad_line.get_data(as_text=True), "outcome_reemploi")
    assert post(client, claim_url, "devenir", outcome_reemploi="30").status_code == 302
    no_reason = post(client, claim_url, "devenir/correction", outcome_reemploi="25")
    assert "obligatoire" in field_error(no_reason.get_data(as_text=True), "reason")
    corrected = post(client, claim_url, "devenir/correction", outcome_reemploi="25",
                     outcome_recyclage="13", reason="Deux pieds cassés")  # fmt: skip
    assert corrected.status_code == 302
    with uow:
        lines = dict(uow.session.execute(select(OutcomeLine.outcome_slug, OutcomeLine.kg)).all())
    assert lines == {"reemploi": Decimal("25.000"), "recyclage": Decimal("13.000")}


def test_nothing_collected_needs_a_reason(client: FlaskClient, uow: UnitOfWork) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    refused = post(client, claim_url, "rien-collecte", reason="  ")
    assert "obligatoire" in field_error(refused.get_data(as_text=True), "reason")
    assert post(client, claim_url, "rien-collecte", reason="Lot déjà parti").status_code == 302
    with uow:
        assert uow.session.scalar(select(Claim.status)) == "not_collected"


def test_another_actors_offer_and_claim_are_not_found(client: FlaskClient, uow: UnitOfWork) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    claim_url = a_claim(client, offered, share="part", kg="5")
    with uow:
        other = an_actor(uow.session, lat=43.3, lon=5.4)
        uow.commit()
        other_id = other.id
    sign_in_as(client, uow, Role.RECYCLER, actor_id=other_id)
    assert client.get(f"/recycleur/propositions/{offered.offer_id}").status_code == 404
    assert client.get(claim_url).status_code == 404
    token = page_token(client, "/recycleur/notifications/")
    sent = client.post(f"/recycleur/propositions/{offered.offer_id}/reserver",
                       data={"csrf_token": token, "share": "all"})  # fmt: skip
    assert sent.status_code in (403, 404)
    assert count(uow, Claim) == 1


def test_notification_settings_are_saved_and_a_bad_address_is_refused_in_french(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    offered = a_recycler_with_an_offer(client, uow)
    url = "/recycleur/notifications/"
    refused = client.post(url, data={"csrf_token": page_token(client, url), "email": "pas-une-adresse",
                                     "mode": "digest"})  # fmt: skip
    assert refused.status_code == 422
    assert "adresse e-mail" in field_error(refused.get_data(as_text=True), "email")
    with uow:
        assert uow.session.get(NotificationSettings, offered.actor_id) is None
    saved = client.post(url, data={"csrf_token": page_token(client, url), "email": "tri@leon.fr",
                                   "mode": "digest", "categories_of_interest": ["mobilier"]})  # fmt: skip
    assert saved.status_code == 302
    with uow:
        settings = uow.session.get_one(NotificationSettings, offered.actor_id)
        assert (settings.email, settings.daily_digest, settings.categories_of_interest) == (
            "tri@leon.fr", True, ["mobilier"],
        )  # fmt: skip


def test_a_new_webhook_shows_its_secret_once_and_a_test_delivery_is_logged(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    a_recycler_with_an_offer(client, uow)
    url = "/recycleur/notifications/"
    bad = post(client, url, "webhook", url="ftp://example.org")
    assert "https://" in field_error(bad.get_data(as_text=True), "url")
    saved = post(client, url, "webhook", url="http://127.0.0.1:9/reuse")
    html = saved.get_data(as_text=True)
    assert "Copiez-le maintenant" in html
    secret = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert secret is not None
    assert secret.group(1) not in client.get(url).get_data(as_text=True)
    tested = post(client, url, "webhook/essai")
    assert tested.status_code == 302
    log = client.get(url).get_data(as_text=True)
    assert "webhook.test" in log
    assert "n’a pas été remis" in log


def test_my_impact_shows_this_months_received_and_reused_kilograms_in_a_chart_and_a_table(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    claim_url = a_claim(client, a_recycler_with_an_offer(client, uow))
    post(client, claim_url, "reception", measured_kg="38")
    post(client, claim_url, "devenir", outcome_reemploi="30", outcome_recyclage="8")
    html = client.get("/recycleur/impact").get_data(as_text=True)
    assert '<svg role="img"' in html
    assert "Kilogrammes reçus par mois" in html
    totals = " ".join(
        re.sub(r"<[^>]+>", " ", html.split("<tfoot>")[1].split("</tfoot>")[0]).split()
    )
    assert totals.startswith("Douze mois 38 kg 30 kg")  # received, reused, then CO2e
    assert totals.endswith(" 1")  # one collection


def test_a_recycler_of_two_actors_chooses_which_one_its_settings_and_impact_pages_are_about(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    with uow:
        first = an_actor(uow.session, name="Emmaüs Morlaix")
        second = an_actor(uow.session, name="Ressourcerie du Léon")
        stranger = an_actor(uow.session, name="Recyclerie de Brest")
        uow.commit()
        first_id, second_id, stranger_id = first.id, second.id, stranger.id
    user_id = sign_in_as(client, uow, Role.RECYCLER, actor_id=first_id)
    with uow:
        uow.session.add(Membership(user_id=user_id, role=Role.RECYCLER.value, actor_id=second_id))
        uow.commit()

    page = client.get("/recycleur/notifications/").get_data(as_text=True)
    assert 'aria-current="page">Emmaüs Morlaix</a>' in page  # the first by name
    assert f'href="/recycleur/notifications/?acteur={second_id}">Ressourcerie du Léon</a>' in page

    url = f"/recycleur/notifications/?acteur={second_id}"
    saved = client.post(url, data={"csrf_token": page_token(client, url), "email": "leon@tri.fr",
                                   "mode": "digest"})  # fmt: skip
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"?acteur={second_id}")
    with uow:
        assert uow.session.get(NotificationSettings, first_id) is None
        assert uow.session.get_one(NotificationSettings, second_id).email == "leon@tri.fr"

    impact = client.get(f"/recycleur/impact?acteur={second_id}").get_data(as_text=True)
    assert "Impact de Ressourcerie du Léon" in impact
    assert client.get(f"/recycleur/impact?acteur={stranger_id}").status_code == 404
    assert client.get(f"/recycleur/notifications/?acteur={stranger_id}").status_code == 404


def test_a_recycler_of_one_actor_sees_no_choice_of_actor(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    a_recycler_with_an_offer(client, uow)
    page = client.get("/recycleur/notifications/").get_data(as_text=True)
    assert "actor-choice" not in page
    assert 'action="/recycleur/notifications/"' in page
