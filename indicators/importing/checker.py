"""Checking every row of a score file: agencies, years, indicators and items resolved in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.importing import limits
from indicators.importing.limits import FileTooLarge
from indicators.importing.values import (
    _WIDE_INDICATOR,
    HEADERS,
    LONG,
    MAX_STORED_ERRORS,
    WIDE,
    FileUnreadable,
    agency_code,
    item_code,
    normalise_header,
    parse_result,
    parse_score,
    parse_year,
    read_table,
)
from indicators.importing.values import (
    indicator_number as read_indicator_number,
)
from indicators.item_text import clean_remark, clean_url
from indicators.models import Framework, Indicator, Item
from indicators.selectors import framework_catalogue, framework_for
from ita_portal.agencies.models import Agency
from ita_portal.spreadsheets import unquote_cell


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet: the header is row 1
    message: str

    def __str__(self) -> str:
        return _("แถวที่ %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(slots=True)
class ItemValue:
    passed: bool | None
    url: str
    remark: str
    row: int


@dataclass
class ParsedScores:
    """A checked file: values keyed by (agency id, framework id, indicator/item id), and errors."""

    layout: str = ""
    encoding: str = ""
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    frameworks: dict[int, Framework] = field(default_factory=dict)
    indicator_scores: dict[tuple[int, int, int], tuple[Decimal, int]] = field(default_factory=dict)
    item_results: dict[tuple[int, int, int], ItemValue] = field(default_factory=dict)
    agencies: dict[int, str] = field(default_factory=dict)  # id → name, for the preview
    has_url: bool = False
    has_remark: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.row_count > 0

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, message))

    def summary(self) -> dict:
        return {
            "agencies": len(self.agencies),
            "indicator_scores": len(self.indicator_scores),
            "item_results": len(self.item_results),
            "years": sorted({f.fiscal_year for f in self.frameworks.values()}),
            "agency_names": sorted(self.agencies.values())[:50],
        }


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
) -> ParsedScores:
    """Read and check every row of a score file; nothing is written.

    ``fiscal_year`` is the year the import is for: rows without a year column take it, rows with a
    different year are errors. ``scope`` decides which agencies the file may touch; a row for any
    other agency is an error naming it.
    """
    parsed = ParsedScores()
    try:
        raw_header, rows, parsed.encoding = read_table(content, filename)
    except FileUnreadable as exc:
        parsed.add_error(1, str(exc))
        return parsed
    header = [normalise_header(h) for h in raw_header]
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
    if parsed.error_count:
        return parsed
    parsed.has_url = "url" in columns
    parsed.has_remark = "remark" in columns

    # Every row is cut/padded to the header's width plus one empty cell, so a missing column is
    # index -1 and a row costs plain list indexing (a national file has 440,000 rows).
    width = len(header)
    at = {key: columns.get(key, -1) for key in HEADERS}
    try:
        all_rows = _bounded_rows(rows, width)
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
    resolver = _Resolver(parsed, at)
    long_layout = parsed.layout == LONG

    for number, cells in all_rows:
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
    return parsed


def _bounded_rows(rows, width: int) -> list[tuple[int, list[str]]]:
    """The non-empty rows, each cut/padded to ``width`` + 1 cells; refuses past the cell limit."""
    limits.check_width(width)
    max_rows = limits.MAX_CELLS // max(width, 1)
    all_rows = []
    for number, cells in rows:
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


class _Resolver:
    """Turns one row's indicator/item cells into values, caching every distinct code it meets."""

    def __init__(self, parsed: ParsedScores, at: dict[str, int]):
        self.parsed = parsed
        self.at = at
        self.indicators: dict[tuple[int, str], Indicator | None] = {}
        self.items: dict[tuple[int, str], Item | None] = {}
        self.results: dict[str, bool | str] = {}

    def indicator(self, framework: Framework, numbers: dict[int, Indicator], text: str) -> Indicator | None:
        key = (framework.pk, text)
        if key not in self.indicators:
            number = read_indicator_number(text)
            self.indicators[key] = numbers.get(number) if number is not None else None
        return self.indicators[key]

    def item(self, framework: Framework, codes: dict[str, Item], text: str) -> Item | None:
        key = (framework.pk, text)
        if key not in self.items:
            code = item_code(text)
            self.items[key] = codes.get(code) if code else None
        return self.items[key]

    def score(self, number: int, key: tuple[int, int, int], text: str, indicator_number: int) -> None:
        parsed = self.parsed
        try:
            score = parse_score(text)
        except ValueError as exc:
            parsed.add_error(number, f"{_indicator_label(indicator_number)}: {exc}")
            return
        first = parsed.indicator_scores.get(key)
        if first is not None:
            parsed.add_error(
                number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": _indicator_label(indicator_number), "row": first[1]}
            )
            return
        parsed.indicator_scores[key] = (score, number)

    def result(self, number: int, key: tuple[int, int, int], text: str, code: str, url: str = "", remark: str = "") -> None:
        parsed = self.parsed
        value = self.results.get(text)
        if value is None:
            try:
                value = parse_result(text)
            except ValueError as exc:
                value = str(exc)
            self.results[text] = value
        if isinstance(value, str):
            parsed.add_error(number, f"{_item_label(code)}: {value}")
            return
        first = parsed.item_results.get(key)
        if first is not None:
            parsed.add_error(number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": _item_label(code), "row": first.row})
            return
        try:  # the database's own rules, so that a preview that passes is a commit that passes
            url, remark = (clean_url(url) if url else ""), (clean_remark(remark) if remark else "")
        except ValueError as exc:
            parsed.add_error(number, f"{_item_label(code)}: {exc}")
            return
        parsed.item_results[key] = ItemValue(passed=value, url=url, remark=remark, row=number)

    def long_row(self, number, cells, agency_id, entry) -> None:
        framework, numbers, codes = entry
        parsed, at = self.parsed, self.at
        indicator_text, item_text = cells[at["indicator"]].strip(), cells[at["item"]].strip()
        value = cells[at["score"]].strip() or cells[at["result"]].strip()
        if indicator_text and item_text:
            parsed.add_error(number, _("ระบุได้เพียง ตัวชี้วัดที่ หรือ ข้อ อย่างใดอย่างหนึ่งต่อแถว"))
        elif indicator_text:
            indicator = self.indicator(framework, numbers, indicator_text)
            if indicator is None:
                parsed.add_error(
                    number,
                    _("ไม่พบตัวชี้วัดที่ “%(value)s” ในกรอบการประเมินปี %(year)s")
                    % {"value": indicator_text, "year": framework.fiscal_year},
                )
            elif not value:
                parsed.add_error(number, _("ตัวชี้วัดที่ %(n)s: ไม่ได้กรอกคะแนน") % {"n": indicator.number})
            else:
                self.score(number, (agency_id, framework.pk, indicator.pk), value, indicator.number)
        elif item_text:
            item = self.item(framework, codes, item_text)
            if item is None:
                parsed.add_error(
                    number,
                    _("ไม่พบข้อ “%(value)s” ในกรอบการประเมินปี %(year)s") % {"value": item_text, "year": framework.fiscal_year},
                )
            elif not value:
                parsed.add_error(number, _("ข้อ %(code)s: ไม่ได้กรอกผล") % {"code": item.code})
            else:
                self.result(
                    number,
                    (agency_id, framework.pk, item.pk),
                    value,
                    item.code,
                    unquote_cell(cells[at["url"]].strip()),
                    unquote_cell(cells[at["remark"]].strip()),
                )
        else:
            parsed.add_error(number, _("ไม่ได้ระบุ ตัวชี้วัดที่ หรือ ข้อ"))

    def wide_row(self, number, cells, wide_indicators, wide_items, agency_id, entry) -> None:
        framework, numbers, codes = entry
        parsed = self.parsed
        found = False
        for index, indicator_number in wide_indicators.items():
            text = cells[index].strip()
            if not text:
                continue
            found = True
            indicator = numbers.get(indicator_number)
            if indicator is None:
                parsed.add_error(
                    number,
                    _("ไม่พบ%(label)s ในกรอบการประเมินปี %(year)s")
                    % {"label": _indicator_label(indicator_number), "year": framework.fiscal_year},
                )
                continue
            self.score(number, (agency_id, framework.pk, indicator.pk), text, indicator_number)
        for index, code in wide_items.items():
            text = cells[index].strip()
            if not text:
                continue
            found = True
            item = codes.get(code)
            if item is None:
                parsed.add_error(
                    number, _("ไม่พบข้อ %(code)s ในกรอบการประเมินปี %(year)s") % {"code": code, "year": framework.fiscal_year}
                )
                continue
            self.result(number, (agency_id, framework.pk, item.pk), text, code)
        if not found:
            parsed.add_error(number, _("แถวนี้ไม่มีคะแนนหรือผลรายข้อ"))


def _indicator_label(number: int) -> str:
    return _("ตัวชี้วัดที่ %(n)s") % {"n": number}


def _item_label(code: str) -> str:
    return _("ข้อ %(code)s") % {"code": code}
