"""The agent's pages in French: declare a lot, follow it, change it, cancel it, mark a no-show."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from reuse.domain.french import PARIS
from reuse.domain.lots import MAX_PHOTO_BYTES
from reuse.domain.vocabulary import Role
from reuse.models import Lot, Offer, Site
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import book_pickup, claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_recycler_of, a_site, an_actor, an_agent_of
from tests_web import field_error, page_token, sign_in_as

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PARIS_FORMAT = "%Y-%m-%dT%H:%M"


def an_agent_with_a_site(client: FlaskClient, uow: UnitOfWork) -> int:
    with uow:
        site = a_site(uow.session, name="Déchèterie du Launay")
        uow.commit()
        site_id, territory_id = site.id, site.territory_id
    sign_in_as(client, uow, Role.AGENT, territory_id=territory_id)
    return site_id


def form(client: FlaskClient, site_id: int, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC).astimezone()
    return {
        "csrf_token": page_token(client, "/agent/lots/nouveau"), "site_id": str(site_id),
        "subcategory": "mobilier.canape", "item_count": "1", "estimated_kg": "38,5",
        "condition": "as_is", "description": "Canapé bleu",
        "available_from": now.strftime(PARIS_FORMAT),
        "deadline": (now + timedelta(days=7)).strftime(PARIS_FORMAT),
    } | overrides  # fmt: skip


def lot_count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Lot)) or 0


def declare(client: FlaskClient, site_id: int, **overrides: Any):  # type: ignore[no-untyped-def]
    return client.post("/agent/lots/nouveau", data=form(client, site_id, **overrides),
                       content_type="multipart/form-data")  # fmt: skip


def test_a_declaration_through_the_form_creates_the_lot_and_opens_its_page(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    sent = declare(client, site_id)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Lot déclaré" in page
    assert "38,5\u00a0kg" in page
    assert "Le lot est déclaré" in page
    assert "Déchèterie du Launay" in client.get("/agent/lots").get_data(as_text=True)


def test_each_agent_page_is_in_french(client: FlaskClient, uow: UnitOfWork) -> None:
    site_id = an_agent_with_a_site(client, uow)
    lot_url = declare(client, site_id).headers["Location"]
    expected = {
        "/agent/": "Enlèvements du jour", "/agent/lots/nouveau": "Déclarer un lot",
        "/agent/lots": "Mes lots", lot_url: "Historique", f"{lot_url}/modifier": "Modifier le lot",
        "/mot-de-passe": "Changer mon mot de passe",
    }  # fmt: skip
    for url, heading in expected.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in html
        assert heading in html, url


def test_a_refused_declaration_shows_the_french_reason_next_to_the_field_and_records_nothing(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    before = lot_count(uow)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).astimezone().strftime(PARIS_FORMAT)
    refused = declare(client, site_id, estimated_kg="-2", deadline=yesterday)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error(html, "estimated_kg").endswith("Saisissez un nombre supérieur à 0.")
    assert field_error(html, "deadline").endswith("Doit être après la date de disponibilité.")
    assert 'aria-describedby="estimated_kg-aide estimated_kg-erreur"' in html
    assert lot_count(uow) == before


def test_a_weight_that_is_not_a_number_is_refused_in_french(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    html = declare(client, site_id, estimated_kg="beaucoup").get_data(as_text=True)
    assert "Saisissez un nombre, par exemple 38,5." in field_error(html, "estimated_kg")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"not an image"), "notes.txt"), "Photos au format JPEG, PNG ou WebP"),
        ((io.BytesIO(PNG + b"\x00" * MAX_PHOTO_BYTES), "big.png"), "au plus 10 Mio"),
    ],
)
def test_a_photo_of_the_wrong_type_or_size_is_refused(
    client: FlaskClient, uow: UnitOfWork, app: Flask, upload: Any, message: str
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    before = lot_count(uow)
    refused = declare(client, site_id, photos=[upload])
    assert refused.status_code == 422
    assert message in field_error(refused.get_data(as_text=True), "photos")
    assert lot_count(uow) == before


def test_a_photo_is_kept_and_shown_only_to_those_who_may_read_the_lot(
    client: FlaskClient, uow: UnitOfWork, app: Flask
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    lot_url = declare(client, site_id, photos=[(io.BytesIO(PNG), "canape.png")]).headers["Location"]
    html = client.get(lot_url).get_data(as_text=True)
    photo_url = html.split('<img src="')[1].split('"')[0]
    shown = client.get(photo_url)
    assert (shown.status_code, shown.mimetype, shown.data) == (200, "image/png", PNG)
    stored = Path(app.extensions["reuse"].settings.instance_path, "uploads")
    assert any(p.read_bytes() == PNG for p in stored.iterdir())
    an_agent_with_a_site(client, uow)  # now signed in as an agent of another territory
    assert client.get(photo_url).status_code == 404


def test_another_territorys_lot_gives_the_french_not_found_page(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = an_agent_with_a_site(client, uow)
    lot_url = declare(client, site_id).headers["Location"]
    an_agent_with_a_site(client, uow)
    response = client.get(lot_url)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert client.get(f"{lot_url}/modifier").status_code == 404


def test_a_lot_can_be_changed_then_cancelled_while_nobody_claimed_it(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    lot_url = declare(client, an_agent_with_a_site(client, uow)).headers["Location"]
    changes = form(client, 0, estimated_kg="", item_count="2")
    changes["csrf_token"] = page_token(client, f"{lot_url}/modifier")
    del changes["site_id"]
    assert client.post(f"{lot_url}/modifier", data=changes).status_code == 302
    assert "81\u00a0kg (estimé d’après le nombre d’objets)" in client.get(lot_url).get_data(
        as_text=True
    )
    empty = client.post(f"{lot_url}/annuler", data={"csrf_token": page_token(client, lot_url)})
    assert "Cette information est obligatoire." in field_error(
        empty.get_data(as_text=True), "reason"
    )
    cancelled = client.post(f"{lot_url}/annuler", data={"csrf_token": page_token(client, lot_url),
                                                        "reason": "Parti à la benne"})  # fmt: skip
    assert cancelled.status_code == 302
    page = client.get(lot_url).get_data(as_text=True)
    assert "Lot annulé" in page
    assert "Parti à la benne" in page
    assert "Annuler le lot" not in page


def a_claim_with_a_pickup(uow: UnitOfWork, agent_territory: int, pickup_at: datetime) -> int:
    """A lot of chairs at a site of the territory, claimed by an actor who booked a pickup."""
    with uow:
        site = a_site(uow.session, territory_id=agent_territory)
        actor = an_actor(uow.session, {"mobilier.assise": ["as_is"]})
        recycler, agent = a_recycler_of(uow.session, actor).id, an_agent_of(uow.session, site).id
        uow.commit()
        site_id = site.id
    start = pickup_at - timedelta(days=2)
    draft = a_draft(available_from=start, deadline=start + timedelta(days=7),
                    estimated_kg=Decimal("200"), item_count=40)  # fmt: skip
    lot = declare_lot(uow, by=agent, site_id=site_id, subcategory="mobilier.assise",
                      draft=draft, now=start).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot, now=start)
    with uow:
        offer = uow.session.scalar(select(Offer.id).where(Offer.lot_id == lot))
    assert offer is not None
    claim = claim_offer(uow, by=recycler, offer_id=offer, now=start).claim_id
    book_pickup(uow, by=recycler, claim_id=claim, pickup_at=pickup_at, now=start)
    return lot


def test_an_agent_marks_a_missed_pickup_as_a_no_show(client: FlaskClient, uow: UnitOfWork) -> None:
    an_agent_with_a_site(client, uow)
    with uow:
        territory = uow.session.scalar(select(Site.territory_id).order_by(Site.id.desc()))
    assert territory is not None
    past_weekday = datetime.now(UTC) - timedelta(hours=1)
    while past_weekday.astimezone(PARIS).isoweekday() == 7:
        past_weekday -= timedelta(days=1)
    lot = a_claim_with_a_pickup(uow, territory, past_weekday)
    page = client.get(f"/agent/lots/{lot}").get_data(as_text=True)
    assert "Enlèvement programmé" in page
    if past_weekday.astimezone(PARIS).date() == datetime.now(PARIS).date():
        assert f"Lot {lot}" in client.get("/agent/").get_data(as_text=True)
    button = re.search(r'action="(/agent/lots/\d+/reservations/\d+/absent)"', page)
    assert button, "no no-show button"
    token = page_token(client, f"/agent/lots/{lot}")
    done = client.post(button.group(1), data={"csrf_token": token})
    assert done.status_code == 302
    after = client.get(f"/agent/lots/{lot}").get_data(as_text=True)
    assert "Absence constatée" in after
    assert "L’absence est enregistrée" in after
