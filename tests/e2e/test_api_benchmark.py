"""`reuse bench api` drives its mix of calls against the production topology and reports it."""

from __future__ import annotations

import json

import pytest
from production import Production

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_the_api_benchmark_sends_its_whole_schedule_and_reports_the_figures(
    production: Production,
) -> None:
    printed = production.reuse("bench", "api", "--url", production.url, "--rate", "20",
                               "--seconds", "3", "--warmup", "1", "--json")  # fmt: skip
    figures = json.loads(printed.splitlines()[-1])
    assert figures["requests"] == 60
    assert figures["errors"] == 0, figures["errors_by_status"]
    assert figures["by_kind"]["claim"] > 0
    assert figures["read_p95_ms"] > 0
    assert figures["claim_p95_ms"] > 0
    assert figures["rate"] == pytest.approx(20, rel=0.25)
