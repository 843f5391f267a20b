"""End to end over HTTP on the production topology: from a declaration to the territory's kg,
and `reuse bench api` driving its mix of calls against it.

gunicorn, two Celery workers and beat run as real processes on PostgreSQL and Redis; people and
programs only talk HTTP to the web front (users are made with `reuse users create`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from production import Production

from web.api_client import ApiClient

PARIS = ZoneInfo("Europe/Paris")
TERRITORY, SITE = "morlaix-communaute", "decheterie_morlaix"
PASSWORD = "e2e correct horse battery"

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def a_person(production: Production, role: str, *scope: str) -> ApiClient:
    """A user made with the command line, signed in over HTTP with a session cookie."""
    email = f"{role}.e2e@reuse.invalid"
    production.reuse("users", "create", "--email", email, "--name", f"E2E {role}",
                     "--password", PASSWORD, "--role", role, *scope)  # fmt: skip
    person = ApiClient(production.url)
    person.sign_in(email, PASSWORD)
    return person


def eventually(probe: Callable[[], Any], timeout_s: float = 60.0) -> Any:
    """The first truthy answer of `probe`, polled until `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.5)
    raise AssertionError(f"nothing came within {timeout_s:g} s")


def this_month(viewer: ApiClient, territory_id: int) -> dict[str, Decimal]:
    """The territory's figures for the current month, as the viewer reads them."""
    stats = viewer.expect("GET", f"/api/territories/{territory_id}/stats")
    figures = stats["months"][-1]["figures"]
    return {name: Decimal(figures[name]) for name in ("diverted_kg", "reused_kg", "recycled_kg")}


def next_opening(opening_weekdays: list[int]) -> datetime:
    """10:00 in Paris on the next day the site is open."""
    day = datetime.now(PARIS).replace(hour=10, minute=0, second=0, microsecond=0)
    for ahead in range(1, 8):
        candidate = day + timedelta(days=ahead)
        if candidate.isoweekday() in opening_weekdays:
            return candidate
    raise AssertionError(f"the site never opens: {opening_weekdays}")


def test_a_declared_lot_is_claimed_collected_weighed_and_counted_by_the_territory(
    production: Production,
) -> None:
    agent = a_person(production, "agent", "--territory", TERRITORY, "--site", SITE)
    viewer = a_person(production, "territory_viewer", "--territory", TERRITORY)
    me = agent.expect("GET", "/api/me")
    territory_id, site_id = me["territory_ids"][0], me["site_ids"][0]
    before = this_month(viewer, territory_id)

    declared = agent.expect("POST", "/api/lots", {
        "site_id": site_id, "subcategory": "mobilier.canape", "condition": "as_is",
        "estimated_kg": "40", "item_count": 1, "description": "Canapé trois places, bon état",
    }, status=201)  # fmt: skip
    lot_id = declared["lot_id"]
    offers = eventually(lambda: agent.expect("GET", f"/api/lots/{lot_id}")["offers"])
    chosen = agent.expect("GET", f"/api/actors/{offers[0]['actor_id']}")

    recycler = a_person(production, "recycler", "--actor", chosen["slug"])
    recycler.issue_token("stock software")  # from here on, a program with a bearer token
    mine = recycler.expect("GET", "/api/offers?status=open")["items"]
    offer = next(o for o in mine if o["lot"]["id"] == lot_id)
    claim = recycler.expect("POST", f"/api/offers/{offer['id']}/claims", {"kg": "15"}, status=201)
    assert (claim["kg"], claim["lot_remaining_kg"]) == ("15.000", "25.000")
    assert claim["lot_status"] == "partially_claimed"

    sites = agent.expect("GET", f"/api/territories/{territory_id}/sites")
    opening = next(s["opening_weekdays"] for s in sites if s["id"] == site_id)
    pickup_at = next_opening(opening).isoformat()
    recycler.expect("POST", f"/api/claims/{claim['claim_id']}/pickup", {"pickup_at": pickup_at})
    reception = recycler.expect("POST", f"/api/claims/{claim['claim_id']}/reception",
                                {"measured_kg": "14.2"}, status=201)  # fmt: skip
    recycler.expect("POST", f"/api/receptions/{reception['reception_id']}/outcomes",
                    {"lines": {"reemploi": "10", "recyclage": "4.2"}})  # fmt: skip

    after = eventually(lambda: (f := this_month(viewer, territory_id)) != before and f)
    assert after["diverted_kg"] - before["diverted_kg"] == Decimal("14.2")
    assert after["reused_kg"] - before["reused_kg"] == Decimal("10")
    assert after["recycled_kg"] - before["recycled_kg"] == Decimal("4.2")


def test_the_api_benchmark_sends_its_whole_schedule_and_reports_the_figures(
    production: Production,
) -> None:
    printed = production.reuse("bench", "api", "--url", production.url, "--rate", "10",
                               "--seconds", "4", "--warmup", "1", "--json")  # fmt: skip
    figures = json.loads(printed.splitlines()[-1])
    assert figures["requests"] == 40
    assert figures["errors"] == 0, figures["errors_by_status"]
    assert figures["by_kind"]["claim"] > 0
    assert figures["read_p95_ms"] > 0
    assert figures["claim_p95_ms"] > 0
    # Against a running front, the bench counts its own CPU time and the local PostgreSQL's.
    assert set(figures["cpu_ms_per_request"]) == {"load", "postgres"}
    assert figures["cpu_ms_per_request"]["load"] > 0
    assert figures["rate_at_full_cpu"] > 0
