"""What actors received from a generated lot, weighed on arrival, and what became of it."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from reuse.demo.mix import REUSE_OUTCOMES
from reuse.demo.story import Line, Payload, Story
from reuse.demo.world import DemoWorld
from reuse.domain.lifecycle import Step
from reuse.domain.quantities import GRAM, kg
from reuse.models import Claim, Reception

REPAIRED = frozenset({"gros_electromenager", "petit_electromenager", "sport_loisirs"})


def receive(story: Story, rng: random.Random, world: DemoWorld) -> None:
    """Weigh every claim on arrival, then report outcomes; the last of each moves the lot on."""
    _weigh(story, rng, world)
    _report(story, rng, world.category_of[story.lot.subcategory_id])


def _weigh(story: Story, rng: random.Random, world: DemoWorld) -> None:
    receptions = [_reception(rng, claim, world) for claim in story.claims]
    story.receptions = sorted(receptions, key=lambda r: r.received_at)
    for position, reception in enumerate(story.receptions, start=1):
        last = position == len(story.receptions)
        story.happen(
            reception.received_at, "ClaimReceived", _received(story, reception),
            Step.RECEIVE_LAST if last else None, by=reception.recorded_by_id,
            reason=f"received {reception.measured_kg} kg",
        )  # fmt: skip


def _report(story: Story, rng: random.Random, category: str) -> None:
    reports = [(_outcomes(rng, r, category, story.lot.condition), r) for r in story.receptions]
    reports.sort(key=lambda pair: pair[0][0].reported_at)
    for position, (lines, reception) in enumerate(reports, start=1):
        story.lines.extend(lines)
        last = position == len(reports)
        story.happen(
            lines[0].reported_at, "OutcomeReported", _reported(story, reception, lines),
            Step.REPORT_LAST_OUTCOMES if last else None, by=lines[0].reported_by_id,
            reason="outcomes reported",
        )  # fmt: skip


def _reception(rng: random.Random, claim: Claim, world: DemoWorld) -> Reception:
    assert claim.pickup_at is not None
    noise = Decimal(str(round(rng.uniform(0.8, 1.15), 3)))
    return Reception(
        claim=claim,
        measured_kg=max(kg(claim.kg * noise), GRAM),
        received_at=claim.pickup_at + timedelta(minutes=rng.randint(20, 150)),
        recorded_by_id=world.recyclers.get(claim.actor_id),
        anomaly=None,
        note="",
    )


def _outcomes(
    rng: random.Random, reception: Reception, category: str, condition: str
) -> list[Line]:
    """Split the measured kg: mostly reuse, some recycling, a little disposal, maybe some in stock."""
    measured = reception.measured_kg
    reported = measured if rng.random() > 0.1 else kg(measured * Decimal("0.9"))
    at = reception.received_at + timedelta(hours=rng.randint(18, 120))
    shares = _shares(rng, category, condition)
    kilograms = {slug: (reported * share).quantize(GRAM, ROUND_DOWN) for slug, share in shares[1:]}
    kilograms[shares[0][0]] = reported - sum(kilograms.values(), Decimal(0))
    return [
        Line(reception, slug, amount, at, reception.recorded_by_id)
        for slug, amount in kilograms.items()
        if amount > 0
    ]


def _shares(rng: random.Random, category: str, condition: str) -> list[tuple[str, Decimal]]:
    """Outcome shares, the main reuse outcome first (it takes the rounding rest)."""
    reuse = rng.uniform(0.8, 0.97)
    repaired = (
        reuse * rng.uniform(0.3, 0.8) if condition != "as_is" or category in REPAIRED else 0.0
    )
    rest = 1 - reuse
    recycled = rest * rng.uniform(0.6, 1.0)
    main = rng.choices(REUSE_OUTCOMES, (0.7, 0.3))[0]
    pairs = [("reparation", repaired), ("recyclage", recycled), ("elimination", rest - recycled)]
    return [(main, Decimal(0))] + [(slug, Decimal(str(round(s, 4)))) for slug, s in pairs]


def _received(story: Story, reception: Reception) -> Payload:
    return lambda: {
        "lot_id": story.lot.id,
        "claim_id": reception.claim.id,
        "reception_id": reception.id,
        "measured_kg": str(reception.measured_kg),
    }


def _reported(story: Story, reception: Reception, lines: list[Line]) -> Payload:
    return lambda: {
        "lot_id": story.lot.id,
        "reception_id": reception.id,
        "lines": [{"outcome": line.outcome_slug, "kg": str(line.kg)} for line in lines],
    }
