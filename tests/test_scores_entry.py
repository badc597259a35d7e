"""Score entry: one page for all indicators and OIT items, Thai messages, typed input kept on error,
computed overall/grade, and saving through ``assessment_save_scores``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Assessment, AssessmentSource, IndicatorScore, ItemResult
from indicators.services import ItemInput, assessment_save_scores
from ita_portal.thai import to_thai_digits
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import SEED_001_2565


@pytest.fixture
def framework(db):
    return make_framework(2565)


def entry_url(world, year=2565):
    return reverse("indicators:entry", kwargs={"agency_id": world.agency_a.pk, "year": year})


def seed_post(framework, thai=False) -> dict:
    data = {}
    for indicator in framework.indicators.all():
        value = SEED_001_2565[indicator.number]
        data[f"ind-{indicator.pk}-score"] = to_thai_digits(value) if thai else value
    items = list(framework.items.order_by("number"))
    data[f"item-{items[0].pk}-result"] = "1"
    data[f"item-{items[0].pk}-url"] = "https://www.example.go.th/ita/o1"
    data[f"item-{items[1].pk}-result"] = "0"
    data[f"item-{items[1].pk}-remark"] = "ยังไม่เผยแพร่รายงานรอบ 6 เดือน"
    data["rating_text"] = "ผ่าน"
    return data


def test_page_lists_every_indicator_and_item(world, framework):
    html = world.client_for("staff_a").get(entry_url(world)).content.decode()
    for indicator in framework.indicators.all():
        assert f'name="ind-{indicator.pk}-score"' in html and indicator.name in html
    for item in framework.items.all():
        assert f'name="item-{item.pk}-result"' in html and f'name="item-{item.pk}-url"' in html
    assert 'name="overall' not in html and 'name="grade' not in html  # computed, never typed


@pytest.mark.parametrize("thai", [False, True])
def test_save_computes_overall_grade_and_items(world, framework, thai):
    client = world.client_for("director_a")
    response = client.post(entry_url(world), seed_post(framework, thai))
    assert response.status_code == 302
    assessment = Assessment.objects.get(agency=world.agency_a, framework=framework)
    assert (assessment.overall_score, assessment.grade, assessment.passed) == (Decimal("93.17"), "A", True)
    assert assessment.source == AssessmentSource.ENTERED and assessment.updated_by == world.users["director_a"]
    assert assessment.rating_text == "ผ่าน"
    results = {r.item.number: r for r in ItemResult.objects.filter(assessment=assessment).select_related("item")}
    assert set(results) == {1, 2}
    assert results[1].passed is True and results[1].url == "https://www.example.go.th/ita/o1"
    assert results[2].passed is False and results[2].remark == "ยังไม่เผยแพร่รายงานรอบ 6 เดือน"
    dashboard = client.get(response["Location"]).content.decode()
    assert "บันทึกคะแนนแล้ว" in dashboard and 'id="overall">93.17<' in dashboard


def test_invalid_submission_keeps_everything_typed(world, framework):
    data = seed_post(framework)
    ind1 = framework.indicators.get(number=1)
    ind2 = framework.indicators.get(number=2)
    item = framework.items.order_by("number").first()
    data[f"ind-{ind1.pk}-score"] = "101"
    data[f"ind-{ind2.pk}-score"] = "แปดสิบ"
    data[f"item-{item.pk}-url"] = "ไม่ใช่ลิงก์ ที่ถูกต้อง"
    response = world.client_for("staff_a").post(entry_url(world), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "คะแนนต้องไม่เกิน 100" in html
    assert "กรุณากรอกคะแนนเป็นตัวเลข เช่น 95.67" in html
    assert "กรุณากรอก URL ให้ถูกต้อง" in html
    assert "บันทึกไม่สำเร็จ" in html
    assert 'value="101"' in html
    assert 'value="แปดสิบ"' in html and 'value="96.04"' in html and "ยังไม่เผยแพร่รายงานรอบ 6 เดือน" in html
    assert not Assessment.objects.exists()


def test_three_decimals_rejected_in_thai(world, framework):
    data = seed_post(framework)
    data[f"ind-{framework.indicators.get(number=9).pk}-score"] = "84.995"
    html = world.client_for("staff_a").post(entry_url(world), data).content.decode()
    assert "คะแนนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง" in html


def test_clearing_a_score_removes_it_and_the_grade(world, framework):
    client = world.client_for("staff_a")
    client.post(entry_url(world), seed_post(framework))
    data = seed_post(framework)
    data[f"ind-{framework.indicators.get(number=5).pk}-score"] = ""
    data[f"item-{framework.items.order_by('number').first().pk}-result"] = ""
    data[f"item-{framework.items.order_by('number').first().pk}-url"] = ""
    client.post(entry_url(world), data)
    assessment = Assessment.objects.get()
    assert IndicatorScore.objects.filter(assessment=assessment).count() == 9
    assert ItemResult.objects.filter(assessment=assessment).count() == 1
    assert assessment.overall_score is None and assessment.grade == "" and assessment.passed is None
    assert assessment.iit_score is None and assessment.oit_score == Decimal("93.14")


def test_page_prefills_saved_values(world, framework):
    client = world.client_for("staff_a")
    client.post(entry_url(world), seed_post(framework))
    html = client.get(entry_url(world)).content.decode()
    assert 'value="86.28"' in html and 'value="https://www.example.go.th/ita/o1"' in html


def test_no_framework_message(world):
    html = world.client_for("staff_a").get(entry_url(world, 2571)).content.decode()
    assert "ยังไม่มีกรอบการประเมิน (รายการตัวชี้วัดและข้อ) ของปีงบประมาณ 2571" in html


def test_service_rejects_foreign_indicator_and_out_of_range(framework):
    other = make_framework(2566)
    agency = AgencyFactory()
    foreign = other.indicators.first()
    with pytest.raises(ValidationError):
        assessment_save_scores(agency=agency, framework=framework, scores={foreign.pk: Decimal("90")})
    with pytest.raises(ValidationError):
        assessment_save_scores(agency=agency, framework=framework, scores={framework.indicators.first().pk: Decimal("100.01")})
    with pytest.raises(ValidationError):
        assessment_save_scores(
            agency=agency, framework=framework, scores={}, items={other.items.first().pk: ItemInput(passed=True)}
        )
    assert not Assessment.objects.exists()


def test_save_query_count_does_not_grow_with_items(world):
    few, many = make_framework(2565, oit_items=4), make_framework(2566, oit_items=40)
    counts = []
    for fw in (few, many):
        items = {i.pk: ItemInput(passed=True) for i in fw.items.all()}
        scores = {i.pk: Decimal("90") for i in fw.indicators.all()}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assessment_save_scores(agency=world.agency_a, framework=fw, scores=scores, items=items)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_result_drop_downs_are_the_forms_own_choices_and_values(world, framework):
    """The drop-down written in the template offers exactly what ItemResultForm's Select widget
    would render, with the saved (or typed) value selected: after a save, and on a refused post."""
    import re

    from indicators.forms import ItemResultForm

    client = world.client_for("director_a")
    assert client.post(entry_url(world), seed_post(framework)).status_code == 302
    items = list(framework.items.order_by("number"))
    bad = {**seed_post(framework), f"item-{items[2].pk}-result": "0", f"ind-{framework.indicators.first().pk}-score": "ร้อย"}
    saved = {items[0].pk: "1", items[1].pk: "0"}
    pages = [(client.get(entry_url(world)).content.decode(), None), (client.post(entry_url(world), bad).content.decode(), bad)]
    assert "กรุณากรอกคะแนนเป็นตัวเลข" in pages[1][0]
    for html, data in pages:
        for item in items:
            select = re.search(rf'<select name="item-{item.pk}-result"[^>]*>(.*?)</select>', html, re.S)
            assert select, item
            options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
            form = ItemResultForm(data, prefix=f"item-{item.pk}", initial={"result": saved.get(item.pk, "")})
            want = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', str(form["result"]))
            assert options == want, item
            chosen = [v for v, sel, _ in options if sel]
            assert chosen == [bad.get(f"item-{item.pk}-result", "") if data else saved.get(item.pk, "")]


def test_row_forms_share_their_fields_and_keep_their_own_data_and_errors():
    """The entry page's row forms (@shared_fields) share field objects instead of a deep copy per
    row; each keeps its own data, errors and cleaned values, and the widgets their classes."""
    from indicators.forms import IndicatorScoreForm, ItemResultForm

    bad = IndicatorScoreForm({"a-score": "๑๐๑"}, prefix="a")
    good = IndicatorScoreForm({"b-score": "๙๕.๖๗"}, prefix="b")
    assert bad.fields["score"] is good.fields["score"]
    assert bad.fields is not good.fields
    assert not bad.is_valid() and good.is_valid()
    assert "score" in bad.errors and not good.errors
    assert str(good.cleaned_data["score"]) == "95.67"
    first, second = ItemResultForm({"result": "1", "url": "", "remark": ""}), ItemResultForm({"result": "x"})
    assert first.is_valid() and not second.is_valid() and first.passed() is True
    html = str(first["result"]) + str(first["remark"]) + str(first["url"])
    assert html.count("form-control form-control-sm") == 2 and "form-select form-select-sm" in html
