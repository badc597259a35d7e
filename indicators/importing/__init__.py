"""Reading score files: CSV or XLSX, any of the encodings and digit sets agencies have, two layouts.

This module only *reads and checks*: it turns a file into validated values plus a list of row
errors in Thai, and never writes. ``indicators.services.scores_import`` /
``import_batch_commit`` write the result, all or nothing. The layouts are documented for users in
README.md ("Importing scores").

- Encodings: UTF-8, UTF-8 with BOM, Windows-874 / TIS-620 (tried in that order).
- Digits: Thai (๐–๙) and Arabic, in headers and values alike.
- Long layout: one row per agency × indicator or item (columns ``ตัวชี้วัดที่``/``indicator`` or
  ``ข้อ``/``item``, with ``คะแนน``/``score`` or ``ผล``/``result``).
- Wide layout: one row per agency, one column per indicator (``ตัวชี้วัดที่ 1`` …) and per item
  (``O1`` …).
- Agencies by code, or else by exact name; any number of agencies per file.
"""

from indicators.importing.checker import ItemValue, ParsedScores, RowError, ScoreScope, parse_scores
from indicators.importing.values import (
    LONG,
    WIDE,
    FileUnreadable,
    decode_text,
    item_code,
    parse_result,
    parse_score,
    parse_year,
    read_table,
)

__all__ = [
    "LONG",
    "WIDE",
    "FileUnreadable",
    "ItemValue",
    "ParsedScores",
    "RowError",
    "ScoreScope",
    "decode_text",
    "item_code",
    "parse_result",
    "parse_score",
    "parse_scores",
    "parse_year",
    "read_table",
]
