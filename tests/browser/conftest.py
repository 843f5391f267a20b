"""A real browser on the real app: a live server on a fresh SQLite database, Debian's chromium.

Screenshots go to test-artifacts/screenshots/ and the axe-core figures of each page to
test-artifacts/axe.json; both paths are printed at the end of the run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from reuse.config import Settings
from reuse.migrate import upgrade
from reuse.runtime import Runtime
from reuse.services.refdata import load_reference_data
from web import create_app

from browser_harness import (
    ARTIFACTS,
    AUDITS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    LiveApp,
    seed_territory,
)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The real app served over HTTP on 127.0.0.1, on a fresh migrated and seeded database."""
    instance = tmp_path_factory.mktemp("browser-instance")
    settings = Settings.from_env({
        "REUSE_INSTANCE_PATH": str(instance), "REUSE_BROKER_URL": "memory://",
        "REUSE_COOKIE_SECURE": "0", "REUSE_SECRET_KEY": "browser-tests",
    })  # fmt: skip
    runtime = Runtime.start(settings)
    upgrade(runtime.engine)
    load_reference_data(runtime.uow())
    seed_territory(runtime)
    server = make_server("127.0.0.1", 0, create_app(settings, runtime), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveApp(f"http://127.0.0.1:{server.server_port}", runtime)
    server.shutdown()
    runtime.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; the run fails (never skips) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, live_app: LiveApp) -> Iterator[Page]:
    """A fresh French-speaking tab (no cookies) on the live app."""
    context = browser.new_context(
        base_url=live_app.url, locale="fr-FR", viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the screenshots are and what axe-core found on each page."""
    if not AUDITS.pages:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(AUDITS.pages, indent=2, sort_keys=True))
    terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")
    for name, counts in sorted(AUDITS.pages.items()):
        figures = ", ".join(f"{k} {v}" for k, v in counts.items())
        terminalreporter.write_line(f"axe-core {name}: {figures}")
