"""Helpers of the browser tests: the seeded territory, signing in, screenshots and axe-core."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page

from reuse.domain.french import PARIS
from reuse.models import Commune, Membership, Site, Territory, User
from reuse.runtime import Runtime
from reuse.services.accounts import hash_password

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AGENT_EMAIL, PASSWORD = "agent@morlaix.example", "mot de passe de test"
PARIS_FORMAT = "%Y-%m-%dT%H:%M"
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
        uow.session.add(a_user(AGENT_EMAIL, "agent", territory_id=territory.id))
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


def a_user(
    email: str, role: str, territory_id: int | None = None, actor_id: int | None = None
) -> User:
    """A user with the test password and one membership."""
    return User(email=email, display_name=email.split("@")[0], password_hash=hash_password(PASSWORD),
                created_at=datetime.now(UTC),
                memberships=[Membership(role=role, territory_id=territory_id, actor_id=actor_id)])  # fmt: skip


def sign_in_as(page: Page, email: str, lands_on: str) -> None:
    """Sign in through the form and wait for the role's start page."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{lands_on}")


def sign_in(page: Page) -> None:
    """Sign in as the seeded agent through the form."""
    sign_in_as(page, AGENT_EMAIL, "/agent/")


def a_png(width: int = 64, height: int = 48) -> bytes:
    """A small green PNG, built by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x2e\x7d\x32" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def next_at_ten(iso_day: int) -> datetime:
    """10:00 Paris on the first `iso_day` (1 = Monday) from tomorrow on."""
    day = (datetime.now(UTC) + timedelta(days=1)).astimezone(PARIS).date()
    day += timedelta(days=(iso_day - day.isoweekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)


def is_next_week(moment: datetime) -> bool:
    today = datetime.now(PARIS).date()
    return moment.date() - timedelta(days=moment.weekday()) > today - timedelta(
        days=today.weekday()
    )
