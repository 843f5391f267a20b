"""The report as a terminal table, numbers the French way (tonnes, decimal comma)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from reuse.domain.french import french_number
from reuse.stats.figures import Figures
from reuse.stats.service import Report

Render = Callable[[Figures], str]
CENTS = Decimal("0.01")
LABEL_WIDTH = 30
BREAKDOWN_TITLES = {
    "category": "catégorie",
    "subcategory": "sous-catégorie",
    "site": "déchèterie",
    "commune": "commune de la déchèterie",
    "rep": "filière REP",
    "actor": "acteur du réemploi",
}


def tonnes(value: Decimal | None) -> str:
    """Kilograms as tonnes with two decimals (never "-0,00"); blank when not applicable."""
    if value is None:
        return ""
    rounded = (value / 1000).quantize(CENTS, ROUND_HALF_UP)
    return french_number(rounded.copy_abs() if rounded == 0 else rounded, 2)


def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with one decimal."""
    return "" if value is None else f"{french_number(value * 100, 1)} %"


def change(now: Decimal, before: Figures | None) -> str:
    """The change of diverted kg against an earlier month, in percent."""
    if before is None or before.diverted_kg == 0:
        return "–"
    return f"{(now / before.diverted_kg - 1) * 100:+.1f} %".replace(".", ",")


FIGURES: tuple[tuple[str, Render], ...] = (
    ("Déclaré t", lambda f: tonnes(f.declared_kg)),
    ("Détourné t", lambda f: tonnes(f.diverted_kg)),
    ("Réemploi t", lambda f: tonnes(f.reused_kg)),
    ("Recyclage t", lambda f: tonnes(f.recycled_kg)),
    ("Valo. én. t", lambda f: tonnes(f.energy_recovered_kg)),
    ("Élimin. t", lambda f: tonnes(f.disposed_kg)),
    ("Manqué t", lambda f: tonnes(f.missed_kg)),
    ("Taux", lambda f: percent(f.diversion_rate)),
    ("CO2e évité t", lambda f: tonnes(f.avoided_co2e_kg)),
    ("Écart pesée t", lambda f: tonnes(f.gap_kg)),
)


def render_report(report: Report) -> str:
    """The monthly totals with comparisons, then the breakdown if one was asked for."""
    head = ["Mois", "Lots", *(name for name, _ in FIGURES), "Méd. h", "vs M-1", "vs N-1"]
    body = [
        [f.month, str(f.lots), *(render(f) for _, render in FIGURES),
         _hours(f.median_hours_to_first_claim),
         change(f.diverted_kg, report.previous_month(f.month)),
         change(f.diverted_kg, report.same_month_last_year(f.month))]
        for f in report.totals
    ]  # fmt: skip
    title = f"{report.territory_name}: {report.months[0]} → {report.months[-1]}"
    parts = [title, f"facteurs CO2e {report.factor_set}", "", _grid(head, body)]
    if report.rows:
        title = BREAKDOWN_TITLES.get(report.dimension, report.dimension)
        parts += ["", f"Par {title}", "", _breakdown(report.rows)]
    return "\n".join(parts)


def _breakdown(rows: Sequence[Figures]) -> str:
    head = ["Mois", "Clé", *(name for name, _ in FIGURES)]
    body = [[f.month, _short(f.label), *(render(f) for _, render in FIGURES)] for f in rows]
    return _grid(head, body, left=2)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_WIDTH else f"{label[: LABEL_WIDTH - 1]}…"


def _hours(value: Decimal | None) -> str:
    return "" if value is None else french_number(value, 1)


def _grid(head: list[str], body: list[list[str]], left: int = 1) -> str:
    """Columns separated by two spaces: the first `left` ones are text, the others numbers."""
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        texts = (c.ljust(w) for c, w in zip(cells[:left], widths[:left], strict=True))
        numbers = (c.rjust(w) for c, w in zip(cells[left:], widths[left:], strict=True))
        return "  ".join([*texts, *numbers])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(row) for row in body)])
