"""Exports of a report: CSV for French spreadsheets and the standard variant, XLSX, open data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook

from reuse.stats.columns import HEADER, Cell, row_of
from reuse.stats.figures import Figures
from reuse.stats.service import Report

BOM = "\ufeff"


def report_rows(report: Report) -> list[list[Cell]]:
    """The report as rows: the monthly totals with comparisons, then its breakdown."""
    rows = [row_of(report.territory, "total", f, _earlier(report, f)) for f in report.totals]
    return rows + [row_of(report.territory, report.dimension, f) for f in report.rows]


def _earlier(report: Report, figures: Figures) -> tuple[Cell, Cell]:
    previous = report.previous_month(figures.month)
    last_year = report.same_month_last_year(figures.month)
    return (
        previous.diverted_kg if previous else None,
        last_year.diverted_kg if last_year else None,
    )


def csv_bytes(rows: Iterable[Sequence[Cell]], *, french: bool) -> bytes:
    """CSV in UTF-8: French variant with BOM, `;` and decimal comma, else `,` and `.`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_text(cell, french) for cell in row])
    return ((BOM if french else "") + buffer.getvalue()).encode("utf-8")


def _text(cell: Cell, french: bool) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal) and french:
        return str(cell).replace(".", ",")
    return str(cell)


def xlsx_bytes(rows: Iterable[Sequence[Cell]], title: str = "figures") -> bytes:
    """An XLSX workbook with one sheet: the header, then numbers as numbers (kg to the gram)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, Decimal | float):
                cell.number_format = "0.000"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_data_rows(reports: Iterable[Report]) -> list[list[Cell]]:
    """Long-format open data: every report's totals once, then each report's breakdown."""
    reports = list(reports)
    rows = report_rows(reports[0])[: len(reports[0].totals)] if reports else []
    for report in reports:
        rows += [row_of(report.territory, report.dimension, f) for f in report.rows]
    return rows
