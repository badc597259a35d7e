"""Checking every row of a score file: agencies, years, indicators and items resolved in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.importing import limits
from indicators.importing.limits import FileTooLarge
from indicators.importing.parsed import ItemValue, ParsedScores, RowError  # noqa: F401  (re-exported)
from indicators.importing.resolver import Resolver
from indicators.importing.values import (
    _WIDE_INDICATOR,
    HEADERS,
    LONG,
    WIDE,
    FileUnreadable,
    agency_code,
    item_code,
    normalise_header,
    parse_year,
    read_table,
)
from indicators.models import Framework, Indicator, Item
from indicators.selectors import framework_catalogue, framework_for
from ita_portal.agencies.models import Agency
from ita_portal.spreadsheets import unquote_cell


@dataclass
class ScoreScope:
    """Which agencies a file may touch: everything (command line, superuser) or a user's share."""

    everything: bool = False
    ids: frozenset[int] = frozenset()
    prefixes: tuple[str, ...] = ()
    root_path: str = ""

    def allows(self, agency_id: int, path: str) -> bool:
        if self.root_path and not path.startswith(self.root_path):
            return False
        return self.everything or agency_id in self.ids or any(path.startswith(p) for p in self.prefixes)

    @classmethod
    def for_user(cls, user, root: Agency | None = None) -> ScoreScope:
        """Where the policy lets ``user`` load scores (``load_scores``), limited to ``root``'s subtree."""
        from ita_portal.agencies.selectors import Action, reach

        root_path = root.path if root is not None else ""
        where = reach(user, Action.LOAD_SCORES)
        return cls(everything=where.everything, ids=where.ids, prefixes=where.paths, root_path=root_path)


# --- the checker ------------------------------------------------------------------------------

#: ``progress(phase, done, total)``: how far a worker's check is (see ``parse_scores``).
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 5000


class _Catalogue:
    """Frameworks of the file's years, loaded once per year (two queries each)."""

    def __init__(self, assessor_code: str | None):
        self.assessor_code = assessor_code
        self._by_year: dict[int, tuple[Framework, dict[int, Indicator], dict[str, Item]] | None] = {}

    def get(self, year: int):
        if year not in self._by_year:
            framework = framework_for(year, self.assessor_code)
            if framework is None:
                self._by_year[year] = None
            else:
                indicators, items = framework_catalogue(framework)
                self._by_year[year] = (framework, {i.number: i for i in indicators}, {i.code: i for i in items})
        return self._by_year[year]


class _Agencies:
    """Agencies named in the file, looked up in bulk (codes and names), never one query per row."""

    CHUNK = 2000

    def __init__(self, codes: set[str], names: set[str]):
        self.by_code: dict[str, tuple[int, str, str]] = {}
        self.by_name: dict[str, list[tuple[int, str, str]]] = {}
        for field_name, values in (("code", codes), ("name", names)):
            values = sorted(v for v in values if v)
            for start in range(0, len(values), self.CHUNK):
                chunk = values[start : start + self.CHUNK]
                for pk, code, name, path in Agency.objects.filter(is_active=True, **{f"{field_name}__in": chunk}).values_list(
                    "pk", "code", "name", "path"
                ):
                    self.by_code[code] = (pk, name, path)
                    entries = self.by_name.setdefault(name, [])
                    if all(e[0] != pk for e in entries):
                        entries.append((pk, name, path))


def parse_scores(
    content: bytes,
    *,
    filename: str = "",
    fiscal_year: int | None = None,
    assessor_code: str | None = None,
    scope: ScoreScope,
    progress: Progress | None = None,
) -> ParsedScores:
    """Read and check every row of a score file; nothing is written.

    ``fiscal_year`` is the year the import is for: rows without a year column take it, rows with a
    different year are errors. ``scope`` decides which agencies the file may touch; a row for any
    other agency is an error naming it. ``progress(phase, done, total)`` is told every
    ``PROGRESS_EVERY`` rows how far reading (``"read"``, total 0: not known yet) and checking
    (``"check"``) are; the worker shows it as the progress bar.
    """
    parsed = ParsedScores()
    try:
        raw_header, rows, parsed.encoding = read_table(content, filename)
    except FileUnreadable as exc:
        parsed.add_error(1, str(exc))
        return parsed
    header = [normalise_header(h) for h in raw_header]
    columns, wide_indicators, wide_items = _read_columns(header, parsed, fiscal_year)
    if parsed.error_count:
        return parsed
    parsed.has_url = "url" in columns
    parsed.has_remark = "remark" in columns

    # Every row is cut/padded to the header's width plus one empty cell, so a missing column is
    # index -1 and a row costs plain list indexing (a national file has 440,000 rows).
    width = len(header)
    at = {key: columns.get(key, -1) for key in HEADERS}
    try:
        all_rows = _bounded_rows(rows, width, progress)
    except (FileUnreadable, FileTooLarge) as exc:
        parsed.add_error(1, str(exc))
        return parsed
    parsed.row_count = len(all_rows)
    if not all_rows:
        parsed.add_error(2, _("ไฟล์ไม่มีข้อมูลคะแนน"))
        return parsed

    code_at, name_at, year_at = at["agency_code"], at["agency_name"], at["fiscal_year"]
    codes = {agency_code(c) for c in {c[code_at] for _n, c in all_rows}}
    agencies = _Agencies(codes, {unquote_cell(c[name_at].strip()) for _n, c in all_rows})
    catalogue = _Catalogue(assessor_code)
    # A national file repeats the same few thousand agencies, one year and ~50 codes 440,000 times:
    # each distinct value is resolved once, and a row costs a handful of dict look-ups.
    agency_cache: dict[tuple[str, str], tuple[int, str] | str] = {}
    year_cache: dict[str, tuple | str] = {}
    resolver = Resolver(parsed, at)
    long_layout = parsed.layout == LONG
    total = len(all_rows)
    if progress is not None:
        progress("check", 0, total)

    for index, (number, cells) in enumerate(all_rows, start=1):
        if progress is not None and not index % PROGRESS_EVERY:
            progress("check", index, total)
        key = (cells[code_at], cells[name_at])
        agency = agency_cache.get(key)
        if agency is None:
            agency = agency_cache[key] = _resolve_agency((agency_code(key[0]), unquote_cell(key[1].strip())), agencies, scope)
        if agency.__class__ is str:
            parsed.add_error(number, agency)
            continue
        year_text = cells[year_at]
        entry = year_cache.get(year_text)
        if entry is None:
            entry = year_cache[year_text] = _resolve_year(year_text.strip(), fiscal_year, catalogue)
        if entry.__class__ is str:
            parsed.add_error(number, entry)
            continue
        agency_id = agency[0]
        if agency_id not in parsed.agencies:
            parsed.agencies[agency_id] = agency[1]
            parsed.frameworks[entry[0].pk] = entry[0]
        elif entry[0].pk not in parsed.frameworks:
            parsed.frameworks[entry[0].pk] = entry[0]
        if long_layout:
            resolver.long_row(number, cells, agency_id, entry)
        else:
            resolver.wide_row(number, cells, wide_indicators, wide_items, agency_id, entry)
    if progress is not None:
        progress("check", total, total)
    return parsed


def _bounded_rows(rows, width: int, progress: Progress | None = None) -> list[tuple[int, list[str]]]:
    """The non-empty rows, each cut/padded to ``width`` + 1 cells; refuses past the cell limit."""
    limits.check_width(width)
    max_rows = limits.MAX_CELLS // max(width, 1)
    all_rows = []
    for number, cells in rows:
        if progress is not None and not number % PROGRESS_EVERY:
            progress("read", number, 0)
        if not any(cells):
            continue
        del cells[width:]
        cells.extend([""] * (width + 1 - len(cells)))
        all_rows.append((number, cells))
        if len(all_rows) > max_rows:
            raise limits.too_many_cells(len(all_rows) * width)
    return all_rows


def _resolve_agency(key: tuple[str, str], agencies: _Agencies, scope: ScoreScope) -> tuple[int, str] | str:
    """(id, name) of the row's agency, or the Thai error message for the row."""
    code, name = key
    if code:
        found = agencies.by_code.get(code)
        if found is None:
            return _("ไม่พบหน่วยงานรหัส “%(code)s”") % {"code": code}
    elif name:
        matches = agencies.by_name.get(name, [])
        if not matches:
            return _("ไม่พบหน่วยงานชื่อ “%(name)s” (ชื่อต้องตรงทุกตัวอักษร)") % {"name": name}
        if len(matches) > 1:
            return _("มีหน่วยงานชื่อ “%(name)s” หลายแห่ง โปรดระบุรหัสหน่วยงาน") % {"name": name}
        found = matches[0]
    else:
        return _("ไม่ได้ระบุรหัสหรือชื่อหน่วยงาน")
    agency_id, agency_name, agency_path = found
    if not scope.allows(agency_id, agency_path):
        return _("ไม่มีสิทธิ์นำเข้าคะแนนของ %(name)s") % {"name": agency_name}
    return agency_id, agency_name


def _resolve_year(year_text: str, fiscal_year: int | None, catalogue: _Catalogue) -> tuple | str:
    """The row's (framework, indicators by number, items by code), or the Thai error message."""
    if year_text:
        try:
            year = parse_year(year_text)
        except ValueError as exc:
            return str(exc)
        if fiscal_year is not None and year != fiscal_year:
            return _("ปีงบประมาณ %(row_year)s ไม่ตรงกับปีที่นำเข้า (%(year)s)") % {"row_year": year, "year": fiscal_year}
    elif fiscal_year is not None:
        year = fiscal_year
    else:
        return _("ไม่ได้ระบุปีงบประมาณ")
    entry = catalogue.get(year)
    if entry is None:
        return _("ยังไม่มีกรอบการประเมินของปีงบประมาณ %(year)s") % {"year": year}
    return entry


def _read_columns(
    header: list[str], parsed: ParsedScores, fiscal_year: int | None
) -> tuple[dict[str, int], dict[int, int], dict[int, str]]:
    """Which column holds what (named columns; the wide layout's indicator and item columns), and
    the file's layout set on ``parsed``; a header that cannot work is an error on line 1."""
    columns: dict[str, int] = {}
    wide_indicators: dict[int, int] = {}  # column → indicator number
    wide_items: dict[int, str] = {}  # column → item code
    for index, name in enumerate(header):
        for key, spellings in HEADERS.items():
            if name in spellings and key not in columns:
                columns[key] = index
                break
        else:
            if match := _WIDE_INDICATOR.match(name):
                wide_indicators[index] = int(match.group(1))
            elif code := item_code(name):
                wide_items[index] = code
    if "agency_code" not in columns and "agency_name" not in columns:
        parsed.add_error(1, _("ไม่พบคอลัมน์ รหัสหน่วยงาน (agency_code) หรือ ชื่อหน่วยงาน (agency_name)"))
    long_layout = "indicator" in columns or "item" in columns
    if long_layout and (wide_indicators or wide_items):
        parsed.add_error(1, _("ไฟล์มีทั้งคอลัมน์ ตัวชี้วัดที่/ข้อ และคอลัมน์รายตัวชี้วัด ใช้ได้เพียงรูปแบบเดียว"))
    elif long_layout:
        parsed.layout = LONG
        if "score" not in columns and "result" not in columns:
            parsed.add_error(1, _("ไม่พบคอลัมน์ คะแนน (score) หรือ ผล (result)"))
    elif wide_indicators or wide_items:
        parsed.layout = WIDE
    else:
        parsed.add_error(1, _("ไม่พบคอลัมน์คะแนน: ใช้คอลัมน์ ตัวชี้วัดที่ + คะแนน หรือคอลัมน์ ตัวชี้วัดที่ 1 … ตัวชี้วัดที่ 10"))
    if "fiscal_year" not in columns and fiscal_year is None:
        parsed.add_error(1, _("ไม่พบคอลัมน์ ปีงบประมาณ (fiscal_year) และไม่ได้ระบุปีงบประมาณที่นำเข้า"))
    return columns, wide_indicators, wide_items
