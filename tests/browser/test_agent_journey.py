"""An agent in a real browser: declare a lot, find it, read its timeline; refused input; axe-core."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from reuse.models import Lot

from browser_harness import LiveApp, audit, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def lot_count(live_app: LiveApp) -> int:
    with live_app.runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Lot)) or 0


def test_the_sign_in_page_passes_the_audit(page: Page) -> None:
    page.goto("/connexion")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert audit(page, "connexion") == []


def test_an_agent_declares_a_lot_and_follows_it(page: Page, live_app: LiveApp) -> None:
    sign_in(page)
    assert audit(page, "agent-accueil") == []
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Déclarer un lot"
    ).click()
    page.get_by_label("De quoi s’agit-il ?").select_option("mobilier.canape")
    page.get_by_label("Nombre d’objets").fill("2")
    expect(page.get_by_label("Poids en kg")).to_have_value("81")
    page.get_by_label("Pour pièces").check()
    page.get_by_label("Description").fill("Deux canapés en tissu")
    page.get_by_label("Photos").set_input_files(
        [{"name": "canape.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert audit(page, "agent-declarer") == []
    page.get_by_role("button", name="Déclarer le lot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Canapés et banquettes")
    expect(page.get_by_text("Le lot est déclaré")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Lot déclaré")
    expect(page.locator("dl.facts")).to_contain_text(
        "81\u00a0kg (estimé d’après le nombre d’objets)"
    )
    expect(page.locator(".photos img")).to_have_count(1)
    assert audit(page, "agent-lot") == []
    page.get_by_role("link", name="Modifier la déclaration").click()
    assert audit(page, "agent-modifier") == []
    page.get_by_role("link", name="Mes lots").click()
    expect(page.get_by_role("table")).to_contain_text("Déchèterie du Launay")
    assert audit(page, "agent-mes-lots") == []


def test_a_bad_input_shows_its_french_message_next_to_the_field_and_changes_nothing(
    page: Page, live_app: LiveApp
) -> None:
    sign_in(page)
    before = lot_count(live_app)
    page.goto("/agent/lots/nouveau")
    page.get_by_label("De quoi s’agit-il ?").select_option("mobilier.canape")
    page.get_by_label("Poids en kg").fill("-2")
    page.get_by_role("button", name="Déclarer le lot").click()
    weight = page.get_by_label("Poids en kg")
    expect(weight).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#estimated_kg-erreur")).to_have_text(
        "Erreur : Saisissez un nombre supérieur à 0."
    )
    expect(weight).to_have_accessible_description(
        "Prérempli d’après le poids habituel d’un objet ; corrigez-le si vous avez pesé le lot. "
        "Laissé vide, il est estimé d’après le nombre d’objets. Erreur : Saisissez un nombre supérieur à 0."
    )
    expect(page.get_by_role("alert")).to_contain_text("Veuillez corriger ce qui suit")
    assert audit(page, "agent-declarer-refus") == []
    assert lot_count(live_app) == before
