"""Tables out of the portal: XLSX and CSV (UTF-8 with BOM so Excel shows Thai), and the import
templates in both layouts. Each exporter is a function returning headers and rows; one helper
turns them into a download. No cell is ever a formula (``ita_portal.spreadsheets``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from indicators.models import Indicator, Item
from ita_portal.spreadsheets import csv_row, xlsx_append

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV text encoded UTF-8 with a BOM (Excel on Windows then reads Thai correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(str(h) for h in headers))
    for row in rows:
        writer.writerow(csv_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "ITA") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    xlsx_append(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, [_xlsx_value(v) for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, min(60, len(str(header)) + 6))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    """Numbers stay numbers (Decimal → float for Excel); lazy Thai labels become plain text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def download(filename: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence], title: str = "ITA") -> HttpResponse:
    """An attachment response of the table in ``fmt`` ("xlsx" or "csv")."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- the tables --------------------------------------------------------------------------------


def _two_places(value: Decimal | None) -> Decimal | None:
    # Subquery annotations come back unquantised on SQLite (93.1700000000000).
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def ranked_table(rows) -> tuple[list[str], list[list]]:
    """Seed 001's table: ลำดับ, ตัวชี้วัดที่, ประเด็นตัวชี้วัด, คะแนน, ระดับ, ผ่าน/ไม่ผ่าน."""
    headers = [_("ลำดับ"), _("ตัวชี้วัดที่"), _("ประเด็นตัวชี้วัด"), _("คะแนน"), _("ระดับ"), _("ผ่าน/ไม่ผ่าน")]
    return headers, [
        [r.rank, r.indicator.number, r.indicator.name, r.score, r.grade, _("ผ่าน") if r.passed else _("ไม่ผ่าน")] for r in rows
    ]


def trend_table(trend) -> tuple[list[str], list[list]]:
    headers = [_("ตัวชี้วัดที่"), _("ประเด็นตัวชี้วัด")]
    for year in trend.years:
        headers += [_("คะแนน %(year)s") % {"year": year}, _("เปลี่ยนแปลง %(year)s") % {"year": year}]
    rows = []
    for row in trend.rows:
        cells = [row.number, row.name]
        for year in trend.years:
            cells += [row.scores.get(year), row.changes.get(year)]
        rows.append(cells)
    return headers, rows


def area_table(agencies, statuses: Sequence[tuple[str, str]]) -> tuple[list[str], list[list]]:
    headers = [
        _("รหัสหน่วยงาน"),
        _("ชื่อหน่วยงาน"),
        _("คะแนนรวม"),
        _("ระดับ"),
        _("ผ่าน/ไม่ผ่าน"),
        _("ตัวชี้วัดที่ต่ำที่สุด"),
        _("คะแนนตัวชี้วัดที่ต่ำที่สุด"),
        _("มาตรการทั้งหมด"),
        *[label for _value, label in statuses],
    ]
    rows = []
    for a in agencies:
        result = "" if a.passed is None else (_("ผ่าน") if a.passed else _("ไม่ผ่าน"))
        weakest = f"{a.weakest_number} {a.weakest_name}" if a.weakest_number else ""
        rows.append(
            [
                a.code,
                a.name,
                _two_places(a.overall),
                a.grade or "",
                result,
                weakest,
                _two_places(a.weakest_score),
                a.measures_total,
                *[getattr(a, f"measures_{value}") for value, _label in statuses],
            ]
        )
    return headers, rows


# --- import templates --------------------------------------------------------------------------


def template_table(
    layout: str, year: int, indicators: Sequence[Indicator], items: Sequence[Item], agencies: Sequence[tuple[str, str]]
) -> tuple[list[str], list[list]]:
    """An import template for ``year``: the framework's indicators and items, the user's agencies.

    ``agencies`` are (code, name) pairs; at least one example row is always written.
    """
    agencies = list(agencies) or [("รหัสหน่วยงาน", "ชื่อหน่วยงาน")]
    if layout == "wide":
        headers = [
            "รหัสหน่วยงาน",
            "ชื่อหน่วยงาน",
            "ปีงบประมาณ",
            *[f"ตัวชี้วัดที่ {i.number}" for i in indicators],
            *[i.code for i in items],
        ]
        return headers, [[code, name, year, *[""] * (len(indicators) + len(items))] for code, name in agencies]
    headers = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัดที่", "ข้อ", "คะแนน", "ผล", "url", "หมายเหตุ"]
    rows = []
    for code, name in agencies:
        rows += [[code, name, year, i.number, "", "", "", "", ""] for i in indicators]
        rows += [[code, name, year, "", i.code, "", "", "", ""] for i in items]
    return headers, rows
