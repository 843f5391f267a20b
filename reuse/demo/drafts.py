"""The lots agents declare in one month: which site, what, how many, how heavy, when."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from reuse.demo.calendar import Month, at_local
from reuse.demo.mix import DIVERTED_SHARE, LOT_KINDS, SEASON_KG, SITE_WEIGHTS, LotKind
from reuse.demo.world import DemoWorld
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition
from reuse.models import Site


@dataclass(frozen=True)
class Declaration:
    """A lot as an agent declares it; `weeks_earlier` moves it back when its story runs late."""

    site: Site
    kind: LotKind
    item_count: int
    condition: Condition
    estimated_kg: Decimal
    weight_is_estimate: bool
    day: date
    minute_of_day: int
    deadline_days: int
    seed: int

    def declared_at(self, weeks_earlier: int = 0) -> datetime:
        """When the lot is declared (UTC)."""
        hour, minute = divmod(self.minute_of_day, 60)
        return at_local(self.day - timedelta(weeks=weeks_earlier), hour, minute)

    def deadline(self, weeks_earlier: int = 0) -> datetime:
        """When the lot must be gone (18:00 in Paris, a few days after declaration)."""
        due = self.day + timedelta(days=self.deadline_days) - timedelta(weeks=weeks_earlier)
        return at_local(due, 18, 0)


def draw_month(rng: random.Random, world: DemoWorld, month: Month) -> list[Declaration]:
    """Draw the month's declarations until their weight reaches the season's share."""
    target = Decimal(SEASON_KG[month.first_day.month]) / DIVERTED_SHARE
    declarations: list[Declaration] = []
    total = Decimal(0)
    while total < target:
        declaration = _declaration(rng, world, month)
        declarations.append(declaration)
        total += declaration.estimated_kg
    return sorted(declarations, key=lambda d: (d.day, d.minute_of_day))


def _declaration(rng: random.Random, world: DemoWorld, month: Month) -> Declaration:
    site = rng.choices(world.sites, [SITE_WEIGHTS.get(s.slug, 1.0) for s in world.sites])[0]
    kind = rng.choices(LOT_KINDS, [k.weight for k in LOT_KINDS])[0]
    count = rng.randint(*kind.items)
    estimated, is_estimate = _weight(rng, world.subcategories[kind.subcategory].unit_kg, count)
    open_days = [d for d in month.days if d.isoweekday() in site.opening_weekdays]
    return Declaration(
        site=site,
        kind=kind,
        item_count=count,
        condition=_condition(rng, kind),
        estimated_kg=estimated,
        weight_is_estimate=is_estimate,
        day=rng.choice(open_days),
        minute_of_day=rng.randint(9 * 60, 17 * 60 + 30),
        deadline_days=rng.randint(6, 9),
        seed=rng.getrandbits(64),
    )


def _weight(rng: random.Random, unit_kg: Decimal, count: int) -> tuple[Decimal, bool]:
    """An agent's typed estimate (unit weight × items × noise), or the platform's own."""
    if rng.random() < 0.3:
        return kg(unit_kg * count), True
    noise = Decimal(str(round(rng.uniform(0.85, 1.2), 3)))
    return max(kg(unit_kg * count * noise), Decimal("0.001")), False


def _condition(rng: random.Random, kind: LotKind) -> Condition:
    roll = rng.random()
    if roll < kind.to_repair:
        return Condition.FOR_PARTS if roll < kind.to_repair * 0.15 else Condition.TO_REPAIR
    return Condition.AS_IS
