"""Weaknesses proposed from the scores (seed 001: indicator 9 is the weakest), then confirmed,
edited, dismissed or added by staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import Weakness, WeaknessKind, WeaknessStatus
from measures.services import weaknesses_propose
from measures.weaknesses import IMPROVE, URGENT, propose
from tests.factories import make_framework
from tests.factories_scores import SEED_001_2565, save_scores


@pytest.fixture
def seed(world):
    framework = make_framework(2565)
    return save_scores(world.agency_a, framework, SEED_001_2565, {"O1": True, "O2": False, "O3": True, "O4": True})


def url(world, name="weaknesses", **extra):
    return reverse(f"weaknesses:{name}", kwargs={"agency_id": world.agency_a.pk, "year": 2565, **extra})


def test_seed_001_proposes_indicator_9_urgent_then_2_and_failed_item(seed):
    framework = seed.framework
    proposals = propose(
        indicators=list(framework.indicators.all()),
        items=list(framework.items.all()),
        scores={s.indicator_id: s.score for s in seed.indicator_scores.all()},
        item_results={r.item_id: r.passed for r in seed.item_results.all()},
        pass_mark=framework.pass_mark,
    )
    numbers = {i.pk: i.number for i in framework.indicators.all()}
    assert [(p.kind, numbers[p.indicator_id], p.item_id is not None) for p in proposals] == [
        (URGENT, 9, False),
        (IMPROVE, 2, False),
        (URGENT, 9, True),
    ]
    assert proposals[0].title == "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล"
    assert "86.28 ต่ำที่สุดจาก 10 ตัวชี้วัด" in proposals[0].analysis
    assert proposals[2].title == "ข้อ O2 ข้อทดสอบ 2"


def test_indicators_below_pass_mark_are_all_urgent():
    class Ind:
        def __init__(self, pk, number):
            self.pk, self.number, self.name = pk, number, f"ตัวชี้วัด {number}"

    indicators = [Ind(n, n) for n in range(1, 11)]
    scores = {n: Decimal("90") for n in range(1, 11)} | {3: Decimal("84.99"), 7: Decimal("70"), 5: Decimal("85.00")}
    proposals = propose(indicators=indicators, items=[], scores=scores, item_results={}, pass_mark=Decimal("85"), lowest=3)
    assert [(p.kind, p.indicator_id) for p in proposals] == [(URGENT, 7), (URGENT, 3), (IMPROVE, 5)]
    assert "ต่ำกว่าเกณฑ์การผ่าน 85 คะแนน" in proposals[0].analysis


def test_propose_creates_rows_for_next_year_once(seed, world):
    created = weaknesses_propose(assessment=seed)
    assert len(created) == 3
    rows = list(Weakness.objects.filter(agency=world.agency_a).order_by("order"))
    assert all(w.fiscal_year == 2566 and w.status == WeaknessStatus.PROPOSED and w.is_proposed_by_system for w in rows)
    assert rows[0].indicator.number == 9 and rows[0].kind == WeaknessKind.URGENT and rows[0].item is None
    assert rows[1].indicator.number == 2 and rows[1].kind == WeaknessKind.IMPROVE
    assert rows[2].item.code == "O2"
    assert weaknesses_propose(assessment=seed) == []  # never duplicates
    rows[1].status = WeaknessStatus.DISMISSED
    rows[1].save()
    assert weaknesses_propose(assessment=seed) == []  # a dismissed proposal does not come back


def test_page_propose_confirm_edit_dismiss_add(seed, world):
    client = world.client_for("staff_a")
    response = client.post(url(world))
    assert response.status_code == 302
    html = client.get(url(world)).content.decode()
    assert "ระบบเสนอจุดอ่อนใหม่ 3 รายการ" in html
    urgent_section = html.split('id="urgent-heading"', 1)[1].split('id="improve-heading"', 1)[0]
    assert "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล" in urgent_section and "ข้อ O2" in urgent_section
    improve_section = html.split('id="improve-heading"', 1)[1]
    assert "ตัวชี้วัดที่ 2 การใช้งบประมาณ" in improve_section
    assert "ปีงบประมาณ 2565 ไปสู่การปรับปรุงการดำเนินงานของปีงบประมาณ 2566" in html

    nine, two, item = Weakness.objects.order_by("order")
    client.post(url(world, "weakness_status", pk=nine.pk), {"status": "confirmed"})
    nine.refresh_from_db()
    assert nine.status == WeaknessStatus.CONFIRMED
    listing = client.get(url(world)).content.decode()
    entry = listing.split(f'id="weakness-{nine.pk}"', 1)[1].split("</li>", 1)[0]
    assert "ยืนยันแล้ว" in entry and "ระบบเสนอ (รอยืนยัน)" not in entry
    client.post(url(world, "weakness_status", pk=item.pk), {"status": "dismissed"})
    item.refresh_from_db()
    assert item.status == WeaknessStatus.DISMISSED
    bad = client.post(url(world, "weakness_status", pk=item.pk), {"status": "whatever"}, follow=True)
    assert "สถานะไม่ถูกต้อง" in bad.content.decode()

    edit = client.post(
        url(world, "weakness_edit", pk=two.pk),
        {"kind": "urgent", "title": "การใช้งบประมาณ", "analysis": "บุคลากรบางส่วนยังขาดการรับรู้แผนการใช้จ่ายงบประมาณ"},
    )
    assert edit.status_code == 302
    two.refresh_from_db()
    assert (two.kind, two.status, two.analysis) == ("urgent", "confirmed", "บุคลากรบางส่วนยังขาดการรับรู้แผนการใช้จ่ายงบประมาณ")

    invalid = client.post(url(world, "weakness_add"), {"kind": "improve", "title": "", "analysis": "วิเคราะห์ไว้แล้ว"})
    assert invalid.status_code == 200
    text = invalid.content.decode()
    assert "กรุณากรอกประเด็น" in text and "วิเคราะห์ไว้แล้ว" in text
    indicator7 = seed.framework.indicators.get(number=7)
    added = client.post(
        url(world, "weakness_add"),
        {"kind": "improve", "title": "การสื่อสารช่องทางออนไลน์", "analysis": "ควรพัฒนาเว็บไซต์", "indicator": indicator7.pk},
    )
    assert added.status_code == 302
    own = Weakness.objects.get(title="การสื่อสารช่องทางออนไลน์")
    assert own.fiscal_year == 2566 and own.status == "confirmed" and not own.is_proposed_by_system and own.indicator == indicator7
    assert own.created_by == world.users["staff_a"]


def test_propose_without_scores_shows_message(world):
    make_framework(2565)
    client = world.client_for("staff_a")
    html = client.post(url(world), follow=True).content.decode()
    assert "ยังไม่มีคะแนนของปีนี้ จึงเสนอจุดอ่อนไม่ได้" in html
    assert not Weakness.objects.exists()


def test_weakness_from_another_year_is_404(seed, world):
    weaknesses_propose(assessment=seed)
    w = Weakness.objects.first()
    other_year = reverse("weaknesses:weakness_edit", kwargs={"agency_id": world.agency_a.pk, "year": 2566, "pk": w.pk})
    assert world.client_for("staff_a").get(other_year).status_code == 404


def test_proposals_are_stored_in_thai_even_for_an_english_reader(seed, world):
    from django.conf import settings

    client = world.client_for("staff_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url(world))
    assert page["Content-Language"] == "en"
    from django.utils import translation

    with translation.override("en"):
        weaknesses_propose(assessment=seed)
    titles = list(Weakness.objects.filter(agency=world.agency_a).values_list("title", "analysis"))
    assert titles and all("ตัวชี้วัดที่" in t or "ข้อ" in t for t, _a in titles)
    assert all("คะแนน" in a or "ไม่ผ่าน" in a for _t, a in titles)
