"""Kinds of measure (เผยแพร่ข้อมูล, ปรับปรุงกระบวนงาน, …) and the supervisor's roll-up of which
kinds went with gains or losses across the area, worded as a change that came with the measure."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from ita_portal.agencies.models import Agency
from measures.effects import effects_by_kind, measure_effects
from measures.forms.measures import MeasureForm
from measures.models import Measure, MeasureKind
from measures.services.measures import measure_create
from tests.conftest import READERS_OF_A, assert_status
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import save_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(world):
    """Two agencies under S with 2565 and 2566 scores and four measures of 2566 of three kinds."""
    second = AgencyFactory(name="สำนักงานเขตทดสอบที่สอง", short_name="สพป.ทดสอบ ๒", code="A0002", parent=world.supervising)
    before, after = make_framework(2565), make_framework(2566)
    save_scores(world.agency_a, before, {9: 80, 2: 90, 7: 70})
    save_scores(world.agency_a, after, {9: 88, 2: 85, 7: 70})
    save_scores(second, before, {9: 75})
    save_scores(second, after, {9: 79.5})
    ind = {n: before.indicators.get(number=n) for n in (2, 7, 9)}
    for agency, title, kind, number in (
        (world.agency_a, "เผยแพร่ข้อมูลให้ครบ", MeasureKind.DISCLOSURE, 9),
        (second, "เผยแพร่ข้อมูลบนเว็บไซต์", MeasureKind.DISCLOSURE, 9),
        (world.agency_a, "ปรับขั้นตอนการเบิกจ่าย", MeasureKind.PROCESS, 2),
        (world.agency_a, "อบรมการสื่อสาร", MeasureKind.AWARENESS, 7),
        (world.agency_a, "มาตรการที่ยังไม่ระบุประเภท", "", 9),
    ):
        measure_create(agency=agency, fiscal_year=2566, title=title, kind=kind, indicator=ind[number])
    return second


def test_each_kind_counts_measures_with_gains_and_losses(world, area):
    effects = measure_effects(Measure.objects.filter(fiscal_year=2566))
    rows = {r.kind: r for r in effects_by_kind(effects)}
    assert list(rows) == ["disclosure", "process", "awareness", ""]  # MeasureKind order, no kind last
    disclosure = rows["disclosure"]
    assert (disclosure.measures, disclosure.with_scores, disclosure.gains, disclosure.losses) == (2, 2, 2, 0)
    assert disclosure.mean_change == Decimal("6.25")  # (+8 and +4.5) / 2
    assert (rows["process"].gains, rows["process"].losses, rows["process"].mean_change) == (0, 1, Decimal("-5.00"))
    assert (rows["awareness"].unchanged, rows["awareness"].mean_change) == (1, Decimal("0.00"))
    assert rows[""].label == "ยังไม่ระบุประเภท" and rows[""].gains == 1


def test_area_page_shows_the_kinds_to_the_supervisor_with_honest_wording(world, area):
    url = reverse("measures:area_effects", args=[world.supervising.pk, 2566])
    html = world.client_for("supervisor").get(url).content.decode()
    table = html[html.index('id="kind-rollup-table"') : html.index("</table>", html.index('id="kind-rollup-table"'))]
    assert '<tr data-kind="disclosure"><td>เผยแพร่ข้อมูล</td><td class="text-end">2</td>' in table
    assert '<tr data-kind="process"><td>ปรับปรุงกระบวนงาน</td>' in table and "-5.00" in table
    assert "+6.25" in table and 'data-kind="none"' in table
    assert "ไม่ได้พิสูจน์ว่ามาตรการประเภทนั้นเป็นสาเหตุ" in html


def test_area_kinds_refused_outside_reach(world, area):
    # S's roll-up: only its supervisor (and superusers); A's staff and B's people cannot open it.
    url = reverse("measures:area_effects", args=[world.supervising.pk, 2566])
    expected = {
        "anonymous": 302,
        "outsider": 404,
        "staff_a": 404,
        "director_a": 404,
        "staff_b": 404,
        "director_b": 404,
        "supervisor": 200,
        "superuser": 200,
    }
    assert_status(world, url, expected)
    # A's own page (its measures only): its people and S's supervisor, nobody else.
    assert_status(world, reverse("measures:area_effects", args=[world.agency_a.pk, 2566]), READERS_OF_A)
    staff_view = world.client_for("staff_a").get(reverse("measures:area_effects", args=[world.agency_a.pk, 2566]))
    assert "เผยแพร่ข้อมูลบนเว็บไซต์" not in staff_view.content.decode()  # the other agency's measure


def test_kind_is_a_field_of_the_form_and_refused_when_unknown(world):
    form = MeasureForm(agency=world.agency_a, fiscal_year=2567)
    assert [v for v, _label in form.fields["kind"].choices] == ["", *MeasureKind.values]
    assert 'name="kind"' in str(form["kind"])
    bad = MeasureForm({"title": "ทดสอบ", "kind": "propaganda", "budget_planned": "0"}, agency=world.agency_a, fiscal_year=2567)
    assert not bad.is_valid() and "kind" in bad.errors
    with pytest.raises(ValidationError):
        measure_create(agency=world.agency_a, fiscal_year=2567, title="ทดสอบ", kind="propaganda")
    made = measure_create(agency=world.agency_a, fiscal_year=2567, title="อบรม", kind=MeasureKind.AWARENESS)
    detail = world.client_for("staff_a").get(reverse("measures:measure_detail", args=[world.agency_a.pk, 2567, made.pk]))
    assert '<span class="badge text-bg-light border" id="measure-kind">อบรม / สร้างความตระหนัก</span>' in detail.content.decode()


def test_demo_measures_carry_kinds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    demo = Agency.objects.get(code="OBEC-SKN-P")
    kinds = dict(Measure.objects.filter(agency=demo, fiscal_year=2566).values_list("indicator__number", "kind"))
    assert kinds == {9: MeasureKind.DISCLOSURE, 2: MeasureKind.AWARENESS}
    assert not Measure.objects.filter(kind="", agency__code__in=["OBEC-SKN-P", "OPS-ROIET", "OPS-SUKHOTHAI"]).exists()
    rows = {r.kind: r for r in effects_by_kind(measure_effects(Measure.objects.filter(agency=demo, fiscal_year=2566)))}
    assert (rows["disclosure"].gains, rows["disclosure"].mean_change) == (1, Decimal("6.22"))
    assert (rows["awareness"].gains, rows["awareness"].mean_change) == (1, Decimal("5.85"))
