"""Score files are bounded by what they expand to, before parsing (issue 18, item 2): an XLSX
whose sheet declares millions of rows or whose shared strings inflate past the limit is refused
without openpyxl opening it; rows, cells, columns and CSV characters are capped; every refusal is
a Thai message on row 1, never a dead worker."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from indicators.importing import ScoreScope, limits, parse_scores
from tests.factories import AgencyFactory, make_framework

EVERYTHING = ScoreScope(everything=True)


@pytest.fixture
def setup(db):
    make_framework(2565)
    AgencyFactory(code="10001")


def small_xlsx(rows=3) -> bytes:
    book = Workbook()
    book.active.append(["รหัสหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัดที่", "คะแนน"])
    for _ in range(rows):
        book.active.append(["10001", 2565, 9, 80])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(content: bytes, **members: bytes) -> bytes:
    """``content`` with some zip members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info))
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened before its size was checked")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def only_error(content: bytes, filename="x.xlsx") -> str:
    parsed = parse_scores(content, filename=filename, scope=EVERYTHING, fiscal_year=2565)
    assert not parsed.ok and len(parsed.errors) == 1 and parsed.errors[0].row == 1, [str(e) for e in parsed.errors]
    return parsed.errors[0].message


def test_sheet_declaring_three_million_rows_is_refused_unopened(setup, openpyxl_must_not_open):
    content = small_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:D4"/>', b'<dimension ref="A1:D3000000"/>')
    assert b"3000000" in sheet
    message = only_error(rewrite(content, **{"xl/worksheets/sheet1.xml": sheet}))
    assert "มากกว่า 600,000 แถว (พบ 2,999,999 แถว)" in message


def test_shared_strings_bomb_is_refused_unopened(setup, openpyxl_must_not_open):
    bomb = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * 4_000_000 + b"</sst>"
    )
    content = rewrite(small_xlsx(), **{"xl/sharedStrings.xml": bomb})
    assert len(content) < 2 * 1024 * 1024 < limits.MAX_XLSX_SHARED_STRINGS < len(bomb)
    assert "เมื่อขยายแล้วมีขนาด" in only_error(content)


def test_total_uncompressed_size_is_bounded(setup, openpyxl_must_not_open, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_UNCOMPRESSED", 20_000)
    content = rewrite(small_xlsx(), **{"xl/media/padding.bin": b"\0" * 50_000})
    assert "เกินที่รับได้" in only_error(content)


def test_rows_are_capped_while_reading_when_the_sheet_declares_nothing(setup, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    assert "มากกว่า 50 แถว" in only_error(small_xlsx(rows=80))
    csv_text = "รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,คะแนน\r\n" + "\r\n" * 60 + "10001,2565,9,80\r\n"
    assert "มากกว่า 50 แถว" in only_error(csv_text.encode(), filename="x.csv")  # empty rows count too


def test_cells_columns_and_characters_are_capped(setup, monkeypatch):
    header = "รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,คะแนน"
    wide = ",".join([header, *[f"c{n}" for n in range(600)]])
    assert "คอลัมน์ เกินที่รับได้ 500 คอลัมน์" in only_error(f"{wide}\r\n10001,2565,9,80\r\n".encode(), filename="x.csv")
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    rows = "".join("10001,2565,9,80\r\n" for _ in range(20))
    assert "มากกว่า 40 ช่อง" in only_error(f"{header}\r\n{rows}".encode(), filename="x.csv")
    monkeypatch.setattr(limits, "MAX_CSV_CHARACTERS", 100)
    assert "ตัวอักษร เกินที่รับได้ 100 ตัวอักษร" in only_error(f"{header}\r\n{rows}".encode(), filename="x.csv")


def test_a_cell_past_the_csv_field_limit_is_a_message_not_a_crash(setup):
    text = "รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,คะแนน\r\n" + '10001,2565,9,"' + "ก" * 200_000 + '"\r\n'
    assert "อ่านไฟล์ CSV ไม่ได้" in only_error(text.encode(), filename="x.csv")
