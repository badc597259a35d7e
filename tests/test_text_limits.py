"""Every text a printed document carries has a length limit in the form that takes it (issue 18,
item 2): a 300,000-character memo body is refused with a Thai message instead of tying up the
web worker for half a minute."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from ita_portal.text_limits import DEFAULT_MAX, MEMO_BODY_MAX
from measures.forms.followups import FollowUpForm, MinutesForm
from measures.forms.measures import MeasureForm, StepForm
from measures.forms.progress import ProgressForm
from measures.forms.weaknesses import WeaknessForm
from reports.forms import ApproveForm, NoteForm, ReportForm, ReturnForm
from tests.factories_admin import rows_for

FORMS = [MeasureForm, StepForm, ProgressForm, MinutesForm, WeaknessForm, ReportForm, NoteForm, ReturnForm, ApproveForm]


def build(form_class, world):
    if form_class is ReportForm:
        return ReportForm(agency=world.agency_a, year=2567, kind="measures_plan")
    if form_class in (FollowUpForm, MeasureForm):
        return form_class(agency=world.agency_a, fiscal_year=2567)
    try:
        return form_class()
    except TypeError:
        return form_class(agency=world.agency_a, fiscal_year=2567)


@pytest.mark.parametrize("form_class", [*FORMS, FollowUpForm])
def test_every_text_field_of_a_document_form_is_bounded(world, form_class):
    form = build(form_class, world)
    texts = {n: f for n, f in form.fields.items() if type(f) is forms.CharField}
    assert texts and not [n for n, f in texts.items() if not f.max_length]
    for name, field in texts.items():
        assert field.max_length <= MEMO_BODY_MAX, name
        assert field.widget.attrs.get("maxlength") == str(field.max_length), name


def test_memo_body_of_300k_characters_is_refused_in_thai(world):
    rows = rows_for(world.agency_a, "ของเอ")
    url = reverse("reports:edit", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": rows.report.pk})
    client = world.client_for("staff_a")
    page = client.get(url)
    assert page.status_code == 200
    data = {"subject": "รายงาน", "addressee": "ผู้อำนวยการ", "body": "ก" * 300_000, "closing": "จึงเรียนมาเพื่อโปรดพิจารณา"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"ข้อความยาวได้ไม่เกิน {MEMO_BODY_MAX} ตัวอักษร (ที่กรอกมี 300000 ตัวอักษร)" in html
    rows.report.refresh_from_db()
    assert len(rows.report.body) < 1000


def test_default_limit_applies_to_measure_texts(world):
    form = MeasureForm(
        {"title": "มาตรการ", "guideline": "ก" * (DEFAULT_MAX + 1), "fiscal_year": 2567}, agency=world.agency_a, fiscal_year=2567
    )
    assert not form.is_valid()
    assert form.errors["guideline"] == [f"ข้อความยาวได้ไม่เกิน {DEFAULT_MAX} ตัวอักษร (ที่กรอกมี {DEFAULT_MAX + 1} ตัวอักษร)"]
