"""Imports keep text as typed (issue 18, item 5): doubled quotes inside quoted cells read right
whatever the sniffer guesses, and Thai digits are converted only in numbers and codes."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from indicators.catalogue.files import _csv_rows
from indicators.importing import ScoreScope, read_table
from indicators.models import ItemResult
from indicators.services import scores_import
from tests.factories import AgencyFactory, make_framework

EVERYTHING = ScoreScope(everything=True)
NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครสวรรค์ เขต ๓"


@pytest.fixture
def agency(db):
    make_framework(2565)
    return AgencyFactory(code="10003", name=NAME)


def test_doubled_quotes_in_a_quoted_cell(agency):
    text = 'รหัสหน่วยงาน,ปีงบประมาณ,ข้อ,ผล,หมายเหตุ\r\n10003,2565,O1,มี,"ตามหนังสือ ""ด่วนที่สุด"" ที่ ศธ ๐๒๑๐"\r\n'
    _header, rows, _enc = read_table(text.encode("utf-8"))
    assert next(iter(rows))[1][4] == 'ตามหนังสือ "ด่วนที่สุด" ที่ ศธ ๐๒๑๐'
    outcome = scores_import(content=text.encode("utf-8"), scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    assert ItemResult.objects.get().remark == 'ตามหนังสือ "ด่วนที่สุด" ที่ ศธ ๐๒๑๐'


def test_catalogue_csv_reads_doubled_quotes():
    text = 'ตัวชี้วัดที่,ชื่อข้อ\r\n9,"มีข้อมูล ""ข่าวประชาสัมพันธ์"""\r\n'
    assert _csv_rows(text.encode("utf-8"))[1] == ["9", 'มีข้อมูล "ข่าวประชาสัมพันธ์"']


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_thai_digits_converted_in_numbers_and_codes_only(agency, fmt):
    rows = [
        ["ชื่อหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัดที่", "ข้อ", "คะแนน", "ผล", "url", "หมายเหตุ"],
        [NAME, "๒๕๖๕", "๙", "", "๘๖.๒๘", "", "", ""],
        [NAME, "๒๕๖๕", "", "O๑", "", "๑", "https://example.go.th/ita/๒๕๖๕/o1", "ศธ ๐๒๑๐ ลงวันที่ ๑ ต.ค."],
    ]
    if fmt == "csv":
        content = "\r\n".join(",".join(r) for r in rows).encode("utf-8-sig")
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    outcome = scores_import(content=content, filename=f"x.{fmt}", scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]  # the name with "เขต ๓" matched
    result = ItemResult.objects.get()
    assert result.passed is True
    assert result.remark == "ศธ ๐๒๑๐ ลงวันที่ ๑ ต.ค."
    assert result.url == "https://example.go.th/ita/๒๕๖๕/o1"
    assert str(agency.assessments.get().indicator_scores.get().score) == "86.28"


def test_agency_code_in_thai_digits_still_matches(agency):
    text = "รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,คะแนน\r\n๑๐๐๐๓,๒๕๖๕,๙,๙๐\r\n"
    outcome = scores_import(content=text.encode("utf-8"), scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
