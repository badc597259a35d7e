"""Reading score files: CSV or XLSX, any of the encodings and digit sets agencies have, two layouts.

This module only *reads and checks*: it turns a file into validated values plus a list of row
errors in Thai, and never writes. ``indicators.services.scores_import`` /
``import_batch_commit`` write the result, all or nothing. The layouts are documented for users in
``indicators/IMPORT.md``.

- Encodings: UTF-8, UTF-8 with BOM, Windows-874 / TIS-620 (tried in that order).
- Digits: Thai (๐–๙) and Arabic, in headers and values alike.
- Long layout: one row per agency × indicator or item (columns ``ตัวชี้วัดที่``/``indicator`` or
  ``ข้อ``/``item``, with ``คะแนน``/``score`` or ``ผล``/``result``).
- Wide layout: one row per agency, one column per indicator (``ตัวชี้วัดที่ 1`` …) and per item
  (``O1`` …).
- Agencies by code, or else by exact name; any number of agencies per file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.models import Framework, Indicator, Item
from indicators.selectors import framework_catalogue, framework_for
from ita_portal.agencies.models import Agency, Role
from ita_portal.thai import to_arabic_digits

LONG, WIDE = "long", "wide"
MAX_STORED_ERRORS = 500  # a hopeless file still reports its total, but only the first rows in detail

# Header spellings (after normalising: Arabic digits, lower case, single spaces).
HEADERS = {
    "agency_code": {"รหัสหน่วยงาน", "agency_code", "agency code", "code", "รหัส"},
    "agency_name": {"ชื่อหน่วยงาน", "agency_name", "agency name", "หน่วยงาน", "name"},
    "fiscal_year": {"ปีงบประมาณ", "fiscal_year", "fiscal year", "year", "ปี", "ปีงบประมาณ (พ.ศ.)"},
    "indicator": {"ตัวชี้วัดที่", "ตัวชี้วัด", "indicator"},
    "item": {"ข้อ", "item", "รหัสข้อ", "ข้อที่"},
    "score": {"คะแนน", "score"},
    "result": {"ผล", "result", "ผลการประเมิน"},
    "url": {"url", "ลิงก์", "url ที่เผยแพร่", "link"},
    "remark": {"หมายเหตุ", "remark", "ข้อสังเกต", "note"},
}
_WIDE_INDICATOR = re.compile(r"^(?:ตัวชี้วัดที่|ตัวชี้วัด|indicator)[\s_]*(\d+)$")
_ITEM_CODE = re.compile(r"^(?:ข้อ\s*)?([oie])\s*0*(\d+)$")

TRUE_WORDS = {"มี", "ผ่าน", "1", "100", "yes", "y", "pass", "passed", "true", "✓", "✔"}
FALSE_WORDS = {"ไม่มี", "ไม่ผ่าน", "0", "no", "n", "fail", "failed", "false", "✗", "✘", "x"}


class FileUnreadable(ValueError):
    """The file is not a CSV/XLSX this module can read (the message is Thai, for the user)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet: the header is row 1
    message: str

    def __str__(self) -> str:
        return _("แถวที่ %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
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
        """Staff/director: their agency; supervisor: their subtree; limited to ``root``'s subtree."""
        from ita_portal.agencies.selectors import WRITE_ROLES, memberships_of

        root_path = root.path if root is not None else ""
        if getattr(user, "is_superuser", False) and user.is_active:
            return cls(everything=True, root_path=root_path)
        ids, prefixes = set(), []
        for m in memberships_of(user):
            if m.role == Role.SUPERVISOR:
                prefixes.append(m.agency.path)
            elif m.role in WRITE_ROLES:
                ids.add(m.agency_id)
        return cls(ids=frozenset(ids), prefixes=tuple(prefixes), root_path=root_path)


# --- reading the raw table ---------------------------------------------------------------------


def normalise_header(text: object) -> str:
    value = to_arabic_digits(str(text or "")).replace("\ufeff", "").strip().lower()
    return re.sub(r"\s+", " ", value)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = round(value, 6)
        return str(int(value)) if value == int(value) else repr(value)
    return to_arabic_digits(str(value)).strip()


def decode_text(content: bytes) -> tuple[str, str]:
    """Decode a CSV: UTF-8 (with or without BOM), else Windows-874 (a superset of TIS-620)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp874"), "windows-874"
    except UnicodeDecodeError as exc:
        raise FileUnreadable(_("อ่านไฟล์ไม่ได้: การเข้ารหัสอักขระไม่ใช่ UTF-8 หรือ Windows-874/TIS-620")) from exc


def read_table(content: bytes, filename: str = "") -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """Header cells and an iterator of (row number, cells) from CSV or XLSX bytes, plus the encoding."""
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    text, encoding = decode_text(content)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise FileUnreadable(_("ไฟล์ว่าง ไม่มีแถวหัวตาราง")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(reader, start=2):
            yield number, [to_arabic_digits(c).strip() for c in cells]

    return header, rows(), encoding


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileUnreadable(_("อ่านไฟล์ Excel ไม่ได้ (ต้องเป็นไฟล์ .xlsx)")) from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(v) for v in next(values)]
    except StopIteration as exc:
        raise FileUnreadable(_("ไฟล์ว่าง ไม่มีแถวหัวตาราง")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(values, start=2):
            yield number, [_cell(v) for v in cells]
        workbook.close()

    return header, rows(), "xlsx"


# --- values ------------------------------------------------------------------------------------


def parse_score(text: str) -> Decimal:
    """'๙๕.๖๗' or '95.67' → Decimal('95.67'); ValueError with a Thai message otherwise."""
    value = to_arabic_digits(text).strip().rstrip("%").strip()
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(_("คะแนน “%(value)s” ไม่ใช่ตัวเลข") % {"value": text}) from exc
    if not number.is_finite():
        raise ValueError(_("คะแนน “%(value)s” ไม่ใช่ตัวเลข") % {"value": text})
    if number < 0 or number > 100:
        raise ValueError(_("คะแนน %(value)s ต้องอยู่ระหว่าง 0 ถึง 100") % {"value": text})
    if number.as_tuple().exponent < -2:
        raise ValueError(_("คะแนน %(value)s มีทศนิยมเกิน 2 ตำแหน่ง") % {"value": text})
    return number.quantize(Decimal("0.01"))


def parse_result(text: str) -> bool:
    """มี/ไม่มี, ผ่าน/ไม่ผ่าน, 1/0 (and English words) → True/False."""
    value = to_arabic_digits(text).strip().lower()
    if value.endswith(".0"):
        value = value[:-2]
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(_("ผล “%(value)s” ต้องเป็น มี/ไม่มี ผ่าน/ไม่ผ่าน หรือ 1/0") % {"value": text})


def parse_year(text: str) -> int:
    digits = re.sub(r"\D", "", to_arabic_digits(text))
    if not digits:
        raise ValueError(_("ปีงบประมาณ “%(value)s” ไม่ใช่ตัวเลข") % {"value": text})
    year = int(digits)
    if not 2500 <= year <= 2700:
        raise ValueError(_("ปีงบประมาณ %(value)s ต้องเป็นปีพุทธศักราช เช่น 2567") % {"value": text})
    return year


def item_code(text: str) -> str | None:
    """'O12', 'o 12', 'ข้อ O12', 'O012' → 'O12'; None when it is not an item code."""
    match = _ITEM_CODE.match(normalise_header(text))
    return f"{match.group(1).upper()}{int(match.group(2))}" if match else None


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

    all_rows = [(n, cells) for n, cells in rows if any(cells)]
    parsed.row_count = len(all_rows)
    if not all_rows:
        parsed.add_error(2, _("ไฟล์ไม่มีข้อมูลคะแนน"))
        return parsed

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    agencies = _Agencies({cell(c, "agency_code") for _n, c in all_rows}, {cell(c, "agency_name") for _n, c in all_rows})
    catalogue = _Catalogue(assessor_code)

    for number, cells in all_rows:
        # agency
        code, name = cell(cells, "agency_code"), cell(cells, "agency_name")
        if code:
            agency = agencies.by_code.get(code)
            if agency is None:
                parsed.add_error(number, _("ไม่พบหน่วยงานรหัส “%(code)s”") % {"code": code})
                continue
        elif name:
            matches = agencies.by_name.get(name, [])
            if not matches:
                parsed.add_error(number, _("ไม่พบหน่วยงานชื่อ “%(name)s” (ชื่อต้องตรงทุกตัวอักษร)") % {"name": name})
                continue
            if len(matches) > 1:
                parsed.add_error(number, _("มีหน่วยงานชื่อ “%(name)s” หลายแห่ง โปรดระบุรหัสหน่วยงาน") % {"name": name})
                continue
            agency = matches[0]
        else:
            parsed.add_error(number, _("ไม่ได้ระบุรหัสหรือชื่อหน่วยงาน"))
            continue
        agency_id, agency_name, agency_path = agency
        if not scope.allows(agency_id, agency_path):
            parsed.add_error(number, _("ไม่มีสิทธิ์นำเข้าคะแนนของ %(name)s") % {"name": agency_name})
            continue
        # year and framework
        year_text = cell(cells, "fiscal_year")
        if year_text:
            try:
                year = parse_year(year_text)
            except ValueError as exc:
                parsed.add_error(number, str(exc))
                continue
            if fiscal_year is not None and year != fiscal_year:
                parsed.add_error(
                    number,
                    _("ปีงบประมาณ %(row_year)s ไม่ตรงกับปีที่นำเข้า (%(year)s)") % {"row_year": year, "year": fiscal_year},
                )
                continue
        elif fiscal_year is not None:
            year = fiscal_year
        else:
            parsed.add_error(number, _("ไม่ได้ระบุปีงบประมาณ"))
            continue
        entry = catalogue.get(year)
        if entry is None:
            parsed.add_error(number, _("ยังไม่มีกรอบการประเมินของปีงบประมาณ %(year)s") % {"year": year})
            continue
        framework, indicators, items = entry
        parsed.frameworks[framework.pk] = framework
        parsed.agencies[agency_id] = agency_name

        if parsed.layout == LONG:
            _long_row(parsed, number, cells, cell, agency_id, framework, indicators, items)
        else:
            _wide_row(parsed, number, cells, wide_indicators, wide_items, agency_id, framework, indicators, items)
    return parsed


def _set_score(parsed: ParsedScores, number: int, key: tuple[int, int, int], text: str, label: str) -> None:
    try:
        score = parse_score(text)
    except ValueError as exc:
        parsed.add_error(number, f"{label}: {exc}")
        return
    if (first := parsed.indicator_scores.get(key)) is not None:
        parsed.add_error(number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": label, "row": first[1]})
        return
    parsed.indicator_scores[key] = (score, number)


def _set_item(
    parsed: ParsedScores, number: int, key: tuple[int, int, int], text: str, label: str, url: str = "", remark: str = ""
) -> None:
    try:
        result = parse_result(text)
    except ValueError as exc:
        parsed.add_error(number, f"{label}: {exc}")
        return
    if (first := parsed.item_results.get(key)) is not None:
        parsed.add_error(number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": label, "row": first.row})
        return
    parsed.item_results[key] = ItemValue(passed=result, url=url, remark=remark, row=number)


def _long_row(parsed, number, cells, cell, agency_id, framework, indicators, items) -> None:
    indicator_text, item_text = cell(cells, "indicator"), cell(cells, "item")
    value = cell(cells, "score") or cell(cells, "result")
    if indicator_text and item_text:
        parsed.add_error(number, _("ระบุได้เพียง ตัวชี้วัดที่ หรือ ข้อ อย่างใดอย่างหนึ่งต่อแถว"))
    elif indicator_text:
        digits = re.sub(r"\D", "", indicator_text)
        indicator = indicators.get(int(digits)) if digits else None
        if indicator is None:
            parsed.add_error(
                number,
                _("ไม่พบตัวชี้วัดที่ “%(value)s” ในกรอบการประเมินปี %(year)s") % {"value": indicator_text, "year": framework.fiscal_year},
            )
        elif not value:
            parsed.add_error(number, _("ตัวชี้วัดที่ %(n)s: ไม่ได้กรอกคะแนน") % {"n": indicator.number})
        else:
            label = _("ตัวชี้วัดที่ %(n)s") % {"n": indicator.number}
            _set_score(parsed, number, (agency_id, framework.pk, indicator.pk), value, label)
    elif item_text:
        code = item_code(item_text)
        item = items.get(code) if code else None
        if item is None:
            parsed.add_error(
                number, _("ไม่พบข้อ “%(value)s” ในกรอบการประเมินปี %(year)s") % {"value": item_text, "year": framework.fiscal_year}
            )
        elif not value:
            parsed.add_error(number, _("ข้อ %(code)s: ไม่ได้กรอกผล") % {"code": item.code})
        else:
            _set_item(
                parsed,
                number,
                (agency_id, framework.pk, item.pk),
                value,
                _("ข้อ %(code)s") % {"code": item.code},
                cell(cells, "url"),
                cell(cells, "remark"),
            )
    else:
        parsed.add_error(number, _("ไม่ได้ระบุ ตัวชี้วัดที่ หรือ ข้อ"))


def _wide_row(parsed, number, cells, wide_indicators, wide_items, agency_id, framework, indicators, items) -> None:
    found = False
    for index, indicator_number in wide_indicators.items():
        text = cells[index] if index < len(cells) else ""
        if not text:
            continue
        found = True
        indicator = indicators.get(indicator_number)
        label = _("ตัวชี้วัดที่ %(n)s") % {"n": indicator_number}
        if indicator is None:
            parsed.add_error(
                number, _("ไม่พบ%(label)s ในกรอบการประเมินปี %(year)s") % {"label": label, "year": framework.fiscal_year}
            )
            continue
        _set_score(parsed, number, (agency_id, framework.pk, indicator.pk), text, label)
    for index, code in wide_items.items():
        text = cells[index] if index < len(cells) else ""
        if not text:
            continue
        found = True
        item = items.get(code)
        if item is None:
            parsed.add_error(
                number, _("ไม่พบข้อ %(code)s ในกรอบการประเมินปี %(year)s") % {"code": code, "year": framework.fiscal_year}
            )
            continue
        _set_item(parsed, number, (agency_id, framework.pk, item.pk), text, _("ข้อ %(code)s") % {"code": code})
    if not found:
        parsed.add_error(number, _("แถวนี้ไม่มีคะแนนหรือผลรายข้อ"))
