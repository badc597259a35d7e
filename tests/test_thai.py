"""Thai calendar helpers: BE years, fiscal years and quarters, digits, typed dates, baht text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ita_portal import thai


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (dt.date(2023, 9, 30), 2566),
        (dt.date(2023, 10, 1), 2567),
        (dt.date(2024, 9, 30), 2567),
        (dt.date(2024, 10, 1), 2568),
        (dt.date(2024, 1, 1), 2567),
    ],
)
def test_fiscal_year_boundary(day, fy):
    assert thai.fiscal_year_of(day) == fy


def test_fiscal_year_bounds_and_quarters():
    assert thai.fiscal_year_bounds(2567) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert thai.fiscal_quarter_bounds(2567, 1) == (dt.date(2023, 10, 1), dt.date(2023, 12, 31))
    assert thai.fiscal_quarter_bounds(2567, 2) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert thai.fiscal_quarter_bounds(2567, 3) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert thai.fiscal_quarter_bounds(2567, 4) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert [thai.fiscal_quarter_of(dt.date(2024, m, 1)) for m in (10, 12, 1, 3, 4, 6, 7, 9)] == [1, 1, 2, 2, 3, 3, 4, 4]
    with pytest.raises(ValueError):
        thai.fiscal_quarter_bounds(2567, 5)


def test_digits_and_dates():
    assert thai.to_thai_digits("ศธ 04114/123 ปี 2567") == "ศธ ๐๔๑๑๔/๑๒๓ ปี ๒๕๖๗"
    assert thai.to_arabic_digits("๑๕/๐๖/๒๕๖๗") == "15/06/2567"
    assert thai.format_date(dt.date(2024, 6, 15)) == "๑๕ มิถุนายน ๒๕๖๗"
    assert thai.format_date(dt.date(2024, 6, 15), thai_digits=False, abbr=True) == "15 มิ.ย. 2567"
    assert thai.format_short_date(dt.date(2024, 6, 5)) == "05/06/2567"
    assert thai.format_date(None) == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("๑๕/๐๖/๒๕๖๗", dt.date(2024, 6, 15)),
        ("15/6/2567", dt.date(2024, 6, 15)),
        (" 1-10-2566 ", dt.date(2023, 10, 1)),
        ("15.6.67", dt.date(2024, 6, 15)),
        ("2567-06-15", dt.date(2024, 6, 15)),
        ("1 มิ.ย. 2567", dt.date(2024, 6, 1)),
        ("1 มิถุนายน 2567", dt.date(2024, 6, 1)),
        ("๑ มิ.ย. ๖๗", dt.date(2024, 6, 1)),
        ("1 มิย 67", dt.date(2024, 6, 1)),
        ("1 มิถุนา 2567", dt.date(2024, 6, 1)),
        ("15 ธันวาคม พ.ศ. 2567", dt.date(2024, 12, 15)),
        ("2ธ.ค.2567", dt.date(2024, 12, 2)),
        ("29/2/2567", dt.date(2024, 2, 29)),
    ],
)
def test_parse_be_date_accepts(typed, expected):
    assert thai.parse_be_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("15/6/2024", "ปีคริสต์ศักราช"),
        ("15/6/2024", "15/06/2567"),
        ("2024-12-02", "ปีคริสต์ศักราช"),
        ("2024-12-02", "02/12/2567"),
        ("1 มิ.ย. 2024", "01/06/2567"),
        ("1 มิถุนายน ค.ศ. 2024", "ปีคริสต์ศักราช"),
        ("1 มิถุ 2567", "ไม่รู้จักชื่อเดือน"),
        ("31 มิ.ย. 2567", "ไม่มีวันที่"),
        ("31/2/2567", "ไม่มีวันที่"),
        ("29/2/2566", "ไม่มีวันที่"),
        ("hello", "รูปแบบวันที่ไม่ถูกต้อง"),
        ("", "กรุณาระบุวันที่"),
        ("1/1/3000", "นอกช่วง"),
    ],
)
def test_parse_be_date_refuses_with_thai_message(typed, message):
    with pytest.raises(thai.ThaiDateError, match=message):
        thai.parse_be_date(typed)


def test_money():
    assert thai.baht_text(Decimal("1500")) == "หนึ่งพันห้าร้อยบาทถ้วน"
    assert thai.format_baht(Decimal("12500")) == "12,500.00"
    assert thai.format_baht(Decimal("12500"), thai_digits=True) == "๑๒,๕๐๐.๐๐"
