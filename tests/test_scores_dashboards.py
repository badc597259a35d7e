"""Dashboards: seed 001's ranked table, the chart data, years compared, a supervisor's area,
exports read back, and constant query counts."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from measures.models import MeasureStatus
from tests.factories import AgencyFactory, MeasureFactory, make_framework
from tests.factories_scores import SEED_001_2565, save_scores

SEED_TABLE = [
    ["1", "10", "การป้องกันการทุจริต", "100.00", "AA", "ผ่าน"],
    ["2", "6", "คุณภาพการดำเนินงาน", "96.04", "AA", "ผ่าน"],
    ["3", "1", "การปฏิบัติหน้าที่", "95.67", "AA", "ผ่าน"],
    ["4", "7", "ประสิทธิภาพการสื่อสาร", "94.40", "A", "ผ่าน"],
    ["5", "3", "การใช้อำนาจ", "93.91", "A", "ผ่าน"],
    ["6", "8", "การปรับปรุงระบบการทำงาน", "93.79", "A", "ผ่าน"],
    ["7", "4", "การใช้ทรัพย์สินของราชการ", "90.22", "A", "ผ่าน"],
    ["8", "5", "การแก้ไขปัญหาการทุจริต", "89.66", "A", "ผ่าน"],
    ["9", "2", "การใช้งบประมาณ", "88.69", "A", "ผ่าน"],
    ["10", "9", "การเปิดเผยข้อมูล", "86.28", "A", "ผ่าน"],
]
# Seed 001 prints 96.04 and 95.67 as "A"; the NACC bands (AA from 95) make them AA — the portal
# follows the bands, which is why the grade is computed and never typed.
HEADERS = ["ลำดับ", "ตัวชี้วัดที่", "ประเด็นตัวชี้วัด", "คะแนน", "ระดับ", "ผ่าน/ไม่ผ่าน"]


def table_cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    out = []
    for row in rows:
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        out.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return out


@pytest.fixture
def seed(world):
    framework = make_framework(2565)
    assessment = save_scores(world.agency_a, framework, SEED_001_2565, {"O1": True, "O2": False, "O3": True})
    return framework, assessment


def dashboard_url(world, year=2565, agency=None):
    return reverse("indicators:dashboard", kwargs={"agency_id": (agency or world.agency_a).pk, "year": year})


def test_ranked_table_is_seed_001(world, seed):
    response = world.client_for("staff_a").get(dashboard_url(world))
    html = response.content.decode()
    cells = table_cells(html, "ranked-table")
    assert cells[0] == HEADERS
    assert cells[1:] == SEED_TABLE
    assert 'id="overall">93.17<' in html and 'id="grade">A<' in html
    assert "เกณฑ์การผ่าน 85 คะแนน" in html
    chart = json.loads(re.search(r'id="scores-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert chart["passMark"] == 85.0
    assert chart["scores"][-1] == 86.28 and chart["labels"][-1] == "9. การเปิดเผยข้อมูล"
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/scores-charts.js" in html


def test_failing_indicator_marked(world):
    framework = make_framework(2566)
    save_scores(world.agency_a, framework, {**SEED_001_2565, 9: "84.99"})
    cells = table_cells(world.client_for("staff_a").get(dashboard_url(world, 2566)).content.decode(), "ranked-table")
    assert cells[-1] == ["10", "9", "การเปิดเผยข้อมูล", "84.99", "B", "ไม่ผ่าน"]


def test_dashboard_without_framework_or_scores(world):
    html = world.client_for("staff_a").get(dashboard_url(world, 2570)).content.decode()
    assert "ยังไม่มีกรอบการประเมิน (รายการตัวชี้วัดและข้อ) ของปีงบประมาณ 2570" in html
    make_framework(2570)
    html = world.client_for("staff_a").get(dashboard_url(world, 2570)).content.decode()
    assert "ยังไม่มีคะแนนของปีนี้" in html


def test_exports_read_back(world, seed):
    client = world.client_for("supervisor")
    xlsx = client.get(
        reverse("indicators:dashboard_export", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "fmt": "xlsx"})
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[-1] == [10, 9, "การเปิดเผยข้อมูล", 86.28, "A", "ผ่าน"]
    response = client.get(
        reverse("indicators:dashboard_export", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "fmt": "csv"})
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert parsed[0] == HEADERS and parsed[1:] == SEED_TABLE
    bad = client.get(reverse("indicators:dashboard_export", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "fmt": "pdf"}))
    assert bad.status_code == 404


def test_year_over_year_matches_by_stable_key(world, seed):
    newer = make_framework(2566)
    # The next year renumbers indicator 9 but keeps its stable key.
    Indicator.objects.filter(framework=newer, number=9).update(number=99, name="การเปิดเผยข้อมูลสาธารณะ")
    save_scores(world.agency_a, newer, {**{n: v for n, v in SEED_001_2565.items() if n != 9}, 99: "92.50", 2: "94.54"})
    url = reverse("indicators:trend", kwargs={"agency_id": world.agency_a.pk, "year": 2566})
    html = world.client_for("staff_a").get(url).content.decode()
    cells = table_cells(html, "trend-table")
    assert cells[0] == ["ตัวชี้วัดที่", "ประเด็นตัวชี้วัด", "2565", "2566"]
    row = next(c for c in cells if c[0] == "99")
    assert row[1] == "การเปิดเผยข้อมูลสาธารณะ"
    assert row[2] == "86.28" and re.sub(r"\s+", " ", row[3]) == "92.50 +6.22"
    row2 = next(c for c in cells if c[0] == "2")
    assert re.sub(r"\s+", " ", row2[3]) == "94.54 +5.85"
    chart = json.loads(re.search(r'id="trend-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert chart["years"] == [2565, 2566]
    csv_response = world.client_for("staff_a").get(url + "export.csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ตัวชี้วัดที่", "ประเด็นตัวชี้วัด", "คะแนน 2565", "เปลี่ยนแปลง 2565"]
    assert ["99", "การเปิดเผยข้อมูลสาธารณะ", "86.28", "", "92.50", "6.22"] in rows


def build_area(world, count: int, framework):
    agencies = []
    for n in range(count):
        agency = AgencyFactory(parent=world.supervising, name=f"หน่วยงานในสังกัด {n:02d}", code=f"AR{n:03d}")
        scores = {k: Decimal(v) - n - 1 for k, v in SEED_001_2565.items()}
        save_scores(agency, framework, scores)
        MeasureFactory(agency=agency, fiscal_year=2565, status=MeasureStatus.DONE)
        MeasureFactory(agency=agency, fiscal_year=2565, status=MeasureStatus.IN_PROGRESS)
        agencies.append(agency)
    return agencies


def area_url(world, **params):
    url = reverse("area:area", kwargs={"agency_id": world.supervising.pk, "year": 2565})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_area_dashboard_rows_filters_sorting(world, seed):
    framework, _ = seed
    build_area(world, 3, framework)
    client = world.client_for("supervisor")
    html = client.get(area_url(world, sort="-score")).content.decode()
    cells = table_cells(html, "area-table")
    names = [row[1] for row in cells[1:]]
    assert names[0] == world.agency_a.name  # 93.17, then the area agencies 92.17, 91.17 …
    assert names[1:] == ["หน่วยงานในสังกัด 00", "หน่วยงานในสังกัด 01", "หน่วยงานในสังกัด 02", world.supervising.name]
    ascending = [row[1] for row in table_cells(client.get(area_url(world, sort="score")).content.decode(), "area-table")[1:]]
    assert ascending == ["หน่วยงานในสังกัด 02", "หน่วยงานในสังกัด 01", "หน่วยงานในสังกัด 00", world.agency_a.name, world.supervising.name]
    assert world.agency_b.name not in html
    first = cells[1]
    assert first[2] == "93.17" and first[3].startswith("A")
    assert first[4].startswith("9. การเปิดเผยข้อมูล") and "(86.28)" in first[4]
    assert "ยังไม่มีมาตรการ" in first[5]
    assert "ดำเนินการแล้ว 1/2 · กำลังดำเนินการ 1" in cells[2][5]
    # S itself has no score: "missing" shows it alone.
    missing = table_cells(client.get(area_url(world, result="missing")).content.decode(), "area-table")
    assert [r[1] for r in missing[1:]] == [world.supervising.name]
    searched = table_cells(client.get(area_url(world, q="AR001")).content.decode(), "area-table")
    assert [r[0] for r in searched[1:]] == ["AR001"]
    by_grade = table_cells(client.get(area_url(world, grade="A", sort="code")).content.decode(), "area-table")
    assert [r[0] for r in by_grade[1:]] == ["A0001", "AR000", "AR001", "AR002"]
    failed = table_cells(client.get(area_url(world, result="failed")).content.decode(), "area-table")
    assert failed[1:] == [["ไม่พบหน่วยงาน"]]


def test_area_export_readable(world, seed):
    framework, _ = seed
    build_area(world, 2, framework)
    client = world.client_for("supervisor")
    base = reverse("area:area_export", kwargs={"agency_id": world.supervising.pk, "year": 2565, "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(client.get(base + "?sort=code").content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "คะแนนรวม", "ระดับ", "ผ่าน/ไม่ผ่าน"]
    assert rows[1][:5] == ["A0001", world.agency_a.name, 93.17, "A", "ผ่าน"]
    assert len(rows) == 1 + 4  # S, A and two area agencies
    response = client.get(base.replace("xlsx", "csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "หน่วยงานในสังกัด 01" in response.content.decode("utf-8-sig")


def count_queries(client, url) -> int:
    """Queries of a warm request (the catalogue's years come from the cache after the first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def namespace_of(name: str) -> str:
    """The weakness pages sit under /scores/ but belong to the measures app (namespace "weaknesses")."""
    return "weaknesses" if name.startswith("weakness") else "indicators"


@pytest.mark.parametrize(
    "name",
    ["area", "area_export_csv", "dashboard", "trend", "entry", "weaknesses", "import_upload", "template"],
)
def test_query_counts_constant_2_vs_12_agencies(world, name):
    framework = make_framework(2565)

    def url_for() -> str:
        kwargs = {"agency_id": world.supervising.pk, "year": 2565}
        if name == "area":
            return reverse("area:area", kwargs=kwargs)
        if name == "area_export_csv":
            return reverse("area:area_export", kwargs={**kwargs, "fmt": "csv"})
        if name == "template":
            return reverse("indicators:import_template", kwargs={**kwargs, "layout": "wide", "fmt": "xlsx"})
        return reverse(f"{namespace_of(name)}:{name}", kwargs=kwargs)

    save_scores(world.supervising, framework, SEED_001_2565)
    client = world.client_for("supervisor")
    build_area(world, 2, framework)
    small = count_queries(client, url_for())
    build_area_more = [AgencyFactory(parent=world.supervising, code=f"MORE{n}") for n in range(10)]
    for agency in build_area_more:
        save_scores(agency, framework, SEED_001_2565)
        MeasureFactory(agency=agency, fiscal_year=2565)
    large = count_queries(client, url_for())
    assert small == large, f"{name}: {small} queries with 2 agencies, {large} with 12"


def test_dashboard_queries_do_not_grow_with_items(world):
    few = make_framework(2565, oit_items=4)
    many = make_framework(2566, oit_items=40)
    save_scores(world.agency_a, few, SEED_001_2565, {f"O{n}": True for n in range(1, 5)})
    save_scores(world.agency_a, many, SEED_001_2565, {f"O{n}": n % 2 == 0 for n in range(1, 41)})
    client = world.client_for("staff_a")
    for name in ("dashboard", "entry", "weaknesses"):
        a = count_queries(client, reverse(f"{namespace_of(name)}:{name}", kwargs={"agency_id": world.agency_a.pk, "year": 2565}))
        b = count_queries(client, reverse(f"{namespace_of(name)}:{name}", kwargs={"agency_id": world.agency_a.pk, "year": 2566}))
        assert a == b, f"{name}: {a} vs {b}"


def test_area_is_paginated_keeping_filters(world):
    make_framework(2565)
    for n in range(55):
        AgencyFactory(parent=world.supervising, name=f"โรงเรียนทดสอบ {n:02d}", code=f"P{n:03d}")
    client = world.client_for("supervisor")
    first = client.get(area_url(world, q="โรงเรียนทดสอบ", sort="code")).content.decode()
    assert len(table_cells(first, "area-table")) == 1 + 50
    assert "55 หน่วยงาน" in first and "page=2" in first and "q=" in first
    second = client.get(area_url(world, q="โรงเรียนทดสอบ", sort="code", page=2)).content.decode()
    assert [r[0] for r in table_cells(second, "area-table")[1:]] == [f"P{n:03d}" for n in range(50, 55)]


def test_area_rows_words_follow_the_language_and_names_are_escaped_once(world, seed):
    """The rows' link, weakest indicator and progress are made once per page in the view (not by
    template tags per row): still in the request's language, names escaped exactly once."""
    framework, _ = seed
    build_area(world, 1, framework)
    framework.indicators.filter(number=9).update(name="การเปิดเผย <ข้อมูล> & ผล")
    client = world.client_for("supervisor")
    html = client.get(area_url(world, sort="-score")).content.decode()
    assert "9. การเปิดเผย &lt;ข้อมูล&gt; &amp; ผล" in html and "&amp;lt;" not in html
    dashboard = reverse("indicators:dashboard", args=[world.agency_a.pk, 2565])
    assert f'<a href="{dashboard}">{world.agency_a.name}</a>' in html
    client.cookies["django_language"] = "en"
    english = table_cells(client.get(area_url(world, sort="-score")).content.decode(), "area-table")
    assert "Done 1/2 · in progress 1" in english[2][5]
