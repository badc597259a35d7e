"""Tables out of the portal: XLSX and CSV (UTF-8 with BOM so Excel shows Thai), and the import
templates in both layouts. Each exporter is a function returning headers and rows; one helper
(``download``, from ``ita_portal.spreadsheets``) turns them into a download. No cell is ever a formula."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import Indicator, Item
from ita_portal.spreadsheets import FORMATS, XLSX_TYPE, csv_bytes, download, xlsx_bytes

# The one writer (UTF-8 BOM CSV, XLSX, formula neutralisation) lives in ita_portal.spreadsheets so
# that the admin's export actions (ita_portal.admin_exports) write through it too.
__all__ = ["FORMATS", "XLSX_TYPE", "csv_bytes", "download", "xlsx_bytes"]


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


RESULT_WORDS = ("มี", "ไม่มี")
TITLE_HEADER = "ชื่อตัวชี้วัด/ข้อ"
WIDE_TITLE_LENGTH = 60


def _wide_header(code: str, title: str) -> str:
    """'O1: การเปิดเผยข้อมูล…' — the code the import reads, then the title (cut to a header's length)."""
    title = " ".join(str(title).split())
    if len(title) > WIDE_TITLE_LENGTH:
        title = title[: WIDE_TITLE_LENGTH - 1] + "…"
    return f"{code}: {title}" if title else code


def template_table(
    layout: str, year: int, indicators: Sequence[Indicator], items: Sequence[Item], agencies: Sequence[tuple[str, str]]
) -> tuple[list[str], list[list], list[tuple[str, Sequence[str]]]]:
    """An import template for ``year``: the framework's indicators and items with their titles,
    the user's agencies, and the item result cells that take มี/ไม่มี (as XLSX drop-downs).

    ``agencies`` are (code, name) pairs; at least one example row is always written. The long
    layout has a title column beside the codes (the import ignores it); the wide layout's headers
    are ``ตัวชี้วัดที่ 1: title`` and ``O1: title`` (the import reads the code before the colon).
    """
    from openpyxl.utils import get_column_letter

    agencies = list(agencies) or [("รหัสหน่วยงาน", "ชื่อหน่วยงาน")]
    if layout == "wide":
        headers = [
            "รหัสหน่วยงาน",
            "ชื่อหน่วยงาน",
            "ปีงบประมาณ",
            *[_wide_header(f"ตัวชี้วัดที่ {i.number}", i.name) for i in indicators],
            *[_wide_header(i.code, i.title) for i in items],
        ]
        rows = [[code, name, year, *[""] * (len(indicators) + len(items))] for code, name in agencies]
        first = 4 + len(indicators)
        choices = []
        if items:
            span = f"{get_column_letter(first)}2:{get_column_letter(first + len(items) - 1)}{len(rows) + 1}"
            choices.append((span, RESULT_WORDS))
        return headers, rows, choices
    headers = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัดที่", "ข้อ", TITLE_HEADER, "คะแนน", "ผล", "url", "หมายเหตุ"]
    result_column = get_column_letter(headers.index("ผล") + 1)
    rows, cells = [], []
    for code, name in agencies:
        rows += [[code, name, year, i.number, "", i.name, "", "", "", ""] for i in indicators]
        start = len(rows) + 2
        rows += [[code, name, year, "", i.code, i.title, "", "", "", ""] for i in items]
        if items:
            cells.append(f"{result_column}{start}:{result_column}{len(rows) + 1}")
    return headers, rows, [(" ".join(cells), RESULT_WORDS)] if cells else []
