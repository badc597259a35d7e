"""Template filters for Thai dates, digits and money (``{% load thai_tags %}``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template

from ita_portal.agencies.templatetags import thai_tags

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
DAY = dt.date(2024, 6, 15)


def render(source: str, **context) -> str:
    return Template("{% load thai_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("", "๑๕ มิถุนายน ๒๕๖๗"),
        ("abbr", "15 มิ.ย. 2567"),
        ("short", "15/06/2567"),
        ("abbr,thai", "๑๕ มิ.ย. ๒๕๖๗"),
        ("short,thai", "๑๕/๐๖/๒๕๖๗"),
        ("arabic", "15 มิถุนายน 2567"),
    ],
)
def test_be_date_forms(arg, expected):
    assert thai_tags.be_date(DAY, arg) == expected


def test_be_date_in_a_template():
    assert render("{{ d|be_date }} · {{ d|be_date:'abbr' }}", d=DAY) == "๑๕ มิถุนายน ๒๕๖๗ · 15 มิ.ย. 2567"


def test_be_date_uses_bangkok_time_for_aware_datetimes():
    # 20:00 UTC on 30 Sep is already 1 Oct in Bangkok, the first day of the next fiscal year.
    moment = dt.datetime(2023, 9, 30, 20, 0, tzinfo=dt.UTC)
    assert thai_tags.be_date(moment, "short") == "01/10/2566"
    assert thai_tags.fiscal_year(moment) == 2567


def test_be_date_of_nothing_is_empty():
    assert (
        render("[{{ d|be_date }}][{{ d|be_datetime }}][{{ d|baht }}][{{ d|fiscal_year }}][{{ d|thai_digits }}]", d=None)
        == "[][][][][]"
    )
    assert thai_tags.be_date("not a date") == ""


def test_be_datetime():
    moment = dt.datetime(2024, 7, 1, 2, 30, tzinfo=dt.UTC)  # 09:30 in Bangkok
    assert thai_tags.be_datetime(moment) == "1 ก.ค. 2567 เวลา 09.30 น."
    assert thai_tags.be_datetime(moment, "") == "๑ กรกฎาคม ๒๕๖๗ เวลา ๐๙.๓๐ น."
    assert thai_tags.be_datetime(DAY) == "15 มิ.ย. 2567"  # a plain date has no time


def test_thai_digits():
    assert thai_tags.thai_digits(2567) == "๒๕๖๗"
    assert thai_tags.thai_digits("ครั้งที่ 12") == "ครั้งที่ ๑๒"
    assert thai_tags.thai_digits("2567", False) == "2567"
    assert render("{{ n|thai_digits:agency_thai }}", n=43, agency_thai=False) == "43"


@pytest.mark.parametrize(
    ("value", "arg", "expected"),
    [
        (Decimal("12500"), "", "12,500.00 บาท"),
        (12500, "thai", "๑๒,๕๐๐.๐๐ บาท"),
        ("1234.5", "plain", "1,234.50"),
        (Decimal("1000"), "text", "หนึ่งพันบาทถ้วน"),
        (Decimal("0"), "", "0.00 บาท"),
        (Decimal("0"), "dash", "-"),
        (None, "dash", "-"),
        (Decimal("500"), "dash", "500.00 บาท"),
        ("abc", "", ""),
    ],
)
def test_baht(value, arg, expected):
    assert thai_tags.baht(value, arg) == expected


def test_baht_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert thai_tags.baht(Decimal("12500")) == "12,500.00 baht"


@pytest.mark.django_db
def test_measure_without_budget_shows_a_dash(world):
    from tests.factories import MeasureFactory

    measure = MeasureFactory(agency=world.agency_a, fiscal_year=2567, budget_planned=0)
    html = world.client_for("staff_a").get(f"/measures/a/{world.agency_a.pk}/2567/m/{measure.pk}/").content.decode()
    assert "0.00 บาท" not in html
    assert "<dd>-</dd>" in html


@pytest.mark.parametrize(
    ("day", "year"),
    [(dt.date(2023, 9, 30), 2566), (dt.date(2023, 10, 1), 2567), (dt.date(2024, 6, 15), 2567)],
)
def test_fiscal_year(day, year):
    assert thai_tags.fiscal_year(day) == year
    assert render("{{ d|fiscal_year }}", d=day) == str(year)


def test_be_year():
    assert thai_tags.be_year(DAY) == 2567
    assert thai_tags.be_year(2024) == 2567
    assert thai_tags.be_year("x") == ""
