"""Helpers of the browser tests: the seeded territory, signing in, screenshots and axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page

from reuse.models import Commune, Membership, Site, Territory, User
from reuse.runtime import Runtime
from reuse.services.accounts import hash_password

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AGENT_EMAIL, AGENT_PASSWORD = "agent@morlaix.example", "mot de passe de test"
BLOCKING = ("serious", "critical")


@dataclass
class Audits:
    """axe-core figures per page, and where the screenshots are."""

    pages: dict[str, dict[str, int]] = field(default_factory=dict)
    shots: list[Path] = field(default_factory=list)


AUDITS = Audits()


@dataclass(frozen=True)
class LiveApp:
    url: str
    runtime: Runtime


def seed_territory(runtime: Runtime) -> None:
    """A territory with one déchèterie and its agent."""
    with runtime.uow() as uow:
        territory = Territory(slug="morlaix-test", name="Morlaix Communauté", siren="242900835")
        uow.session.add(territory)
        uow.session.flush()
        uow.session.add(Commune(insee="29151", name="Morlaix", territory_id=territory.id,
                                lat=48.57784, lon=-3.82792))  # fmt: skip
        site = Site(slug="launay", name="Déchèterie du Launay", territory_id=territory.id,
                    commune_insee="29151", lat=48.57784, lon=-3.82792,
                    opening_weekdays=[1, 2, 3, 4, 5, 6])  # fmt: skip
        uow.session.add(site)
        uow.session.add(User(email=AGENT_EMAIL, display_name="Anne Agent",
                             password_hash=hash_password(AGENT_PASSWORD), created_at=datetime.now(UTC),
                             memberships=[Membership(role="agent", territory_id=territory.id)]))  # fmt: skip
        uow.commit()


@contextmanager
def french_tab(browser: Browser, live_app: LiveApp) -> Iterator[Page]:
    """A tab of its own (own cookies: another user) speaking French, on the live app."""
    context = browser.new_context(
        base_url=live_app.url, locale="fr-FR", viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Page, name: str) -> None:
    """Save the whole page as screenshots/`name`.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    AUDITS.shots.append(shot)


def audit(page: Page, name: str) -> list[dict[str, Any]]:
    """Take a screenshot of the page, run axe-core in it, return the serious and critical violations."""
    screenshot(page, name)
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = results["violations"]
    counts = {impact: sum(1 for v in violations if v["impact"] == impact)
              for impact in ("minor", "moderate", "serious", "critical")}  # fmt: skip
    AUDITS.pages[name] = counts | {"passes": len(results["passes"])}
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in violations
        if v["impact"] in BLOCKING
    ]


def sign_in(page: Page) -> None:
    """Sign in as the seeded agent through the form."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(AGENT_EMAIL)
    page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/agent/")
