"""Reading a score file into cells, and reading one cell's value (scores, results, years, codes).

Cells are kept as typed. Thai digits (๐–๙) are converted only where a number or a code is read
(``parse_score``, ``parse_result``, ``parse_year``, ``item_code``, ``agency_code``, headers); text
that is stored or matched as written — agency names, URLs, remarks — keeps its digits."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.importing import limits
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
# A wide header may carry the title after a colon, as the portal's template writes it:
# 'ตัวชี้วัดที่ 1: การปฏิบัติหน้าที่', 'O1: โครงสร้าง'.
_TITLE = r"(?:\s*:.*)?"
_WIDE_INDICATOR = re.compile(rf"^(?:ตัวชี้วัดที่|ตัวชี้วัด|indicator)[\s_]*(\d+){_TITLE}$", re.S)
_ITEM_CODE = re.compile(rf"^(?:ข้อ\s*)?([oie])\s*0*(\d+){_TITLE}$", re.S)

TRUE_WORDS = {"มี", "ผ่าน", "1", "100", "yes", "y", "pass", "passed", "true", "✓", "✔"}
FALSE_WORDS = {"ไม่มี", "ไม่ผ่าน", "0", "no", "n", "fail", "failed", "false", "✗", "✘", "x"}


class FileUnreadable(ValueError):
    """The file is not a CSV/XLSX this module can read (the message is Thai, for the user)."""


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
    return str(value).strip()  # text as typed: Thai digits are read where a number is meant


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


def csv_reader(text: str):
    """A reader for CSV ``text``: the separator is sniffed from the header line, the quoting is
    always Excel's (a quote inside a quoted cell is doubled). The sniffer alone guesses
    ``doublequote=False`` from a header without doubled quotes and then mis-reads a cell written
    as ``"a ""b"" c"``."""
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)


def read_table(content: bytes, filename: str = "") -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """Header cells and an iterator of (row number, cells) from CSV or XLSX bytes, plus the encoding."""
    try:
        if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
            limits.check_xlsx(content)  # before openpyxl expands anything
            return _read_xlsx(content)
        text, encoding = decode_text(content)
        limits.check_csv_text(text)
    except limits.FileTooLarge as exc:
        raise FileUnreadable(str(exc)) from exc
    # Digits are left as typed: codes, years, numbers and results convert Thai digits where they
    # are read (each distinct value once); names, URLs and remarks keep them.
    reader = csv_reader(text)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise FileUnreadable(_("ไฟล์ว่าง ไม่มีแถวหัวตาราง")) from exc
    except csv.Error as exc:
        raise FileUnreadable(_("อ่านไฟล์ CSV ไม่ได้: %(error)s") % {"error": exc}) from exc

    return header, _capped(enumerate(reader, start=2)), encoding


def _capped(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Stop a file past ``limits.MAX_ROWS`` rows (empty rows count: they cost time too)."""
    last = limits.MAX_ROWS + 1
    try:
        for number, cells in rows:
            if number > last:
                raise FileUnreadable(str(limits.too_many_rows(number - 1)))
            yield number, cells
    except csv.Error as exc:  # e.g. one cell past csv.field_size_limit (128 KB)
        raise FileUnreadable(_("อ่านไฟล์ CSV ไม่ได้: %(error)s") % {"error": exc}) from exc


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileUnreadable(_("อ่านไฟล์ Excel ไม่ได้ (ต้องเป็นไฟล์ .xlsx)")) from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True, max_col=limits.MAX_COLUMNS + 1)  # a sheet may claim 16,384 columns
    try:
        header = [_cell(v) for v in next(values)]
        while header and not header[-1]:  # read-only rows are padded to max_col
            header.pop()
    except StopIteration as exc:
        raise FileUnreadable(_("ไฟล์ว่าง ไม่มีแถวหัวตาราง")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(values, start=2):
            yield number, [_cell(v) for v in cells]
        workbook.close()

    return header, _capped(rows()), "xlsx"


# --- values ------------------------------------------------------------------------------------


def parse_score(text: str) -> Decimal:
    """'๙๕.๖๗' or '95.67' → Decimal('95.67'); ValueError with a Thai message otherwise."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        try:
            number = Decimal(to_arabic_digits(text).strip().rstrip("%").strip())
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


def agency_code(text: str) -> str:
    """An agency code as stored: Arabic digits ('๑๐๐๐๑' → '10001'), trimmed."""
    return to_arabic_digits(text).strip()


def indicator_number(text: str) -> int | None:
    """'9', '๙', 'ตัวชี้วัดที่ 9' → 9; None without digits."""
    digits = re.sub(r"\D", "", to_arabic_digits(text))
    return int(digits) if digits else None


def item_code(text: str) -> str | None:
    """'O12', 'o 12', 'ข้อ O12', 'O012' → 'O12'; None when it is not an item code."""
    match = _ITEM_CODE.match(normalise_header(text))
    return f"{match.group(1).upper()}{int(match.group(2))}" if match else None
