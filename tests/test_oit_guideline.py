"""Guideline text per O-item from the catalogue: loaded from the framework JSON (the 2568 and 2569
fixtures carry unofficial guidance), kept when a file or page does not mention it, edited in the
catalogue editor and the admin item page, and shown on the OIT workspace (collapsible on phones)
and the item's page."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from indicators.catalogue import framework_export, framework_load
from indicators.models import Framework, Item
from tests.test_catalogue_admin import _page_post
from tests.test_catalogue_upkeep import _form_data, _row

pytestmark = pytest.mark.django_db

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


def _data(name: str) -> dict:
    return json.loads((FRAMEWORKS / name).read_text(encoding="utf-8"))


def _load(year: int) -> Framework:
    call_command("load_framework", f"fixtures/frameworks/nacc-{year}.json", stdout=io.StringIO())
    return Framework.objects.get(assessor__code="nacc", fiscal_year=year)


@pytest.mark.parametrize("year, count", [(2568, 28), (2569, 26)])
def test_current_cycle_fixtures_have_a_guideline_for_every_o_item_marked_unofficial(year, count):
    framework = _load(year)
    items = list(framework.items.filter(kind="O"))
    assert len(items) == count and all(len(i.guideline) > 40 for i in items)
    assert not framework.is_confirmed
    assert "แนวทางรายข้อ (guideline)" in framework.source_note and "ไม่ใช่ข้อความจากคู่มือ" in framework.source_note
    # The merged 2569 items say what they took over.
    if year == 2569:
        assert "สถิติการให้บริการ" in framework.items.get(stable_key="e-service").guideline


def test_load_export_and_absent_means_unchanged():
    data = _data("nacc-2569.json")
    framework = framework_load(data=data)
    o3 = framework.items.get(number=3)
    exported = framework_export(framework=framework)
    assert exported["items"] == data["items"]  # the file round-trips, guideline included
    edited = copy.deepcopy(data)
    edited["items"][2]["guideline"] = "แนวทางที่แก้ไขแล้ว"
    framework_load(data=edited)
    o3.refresh_from_db()
    assert o3.guideline == "แนวทางที่แก้ไขแล้ว"
    # A file (e.g. from CSV) that does not carry the field keeps what is stored.
    without = copy.deepcopy(data)
    for item in without["items"]:
        item.pop("guideline", None)
    framework_load(data=without)
    o3.refresh_from_db()
    assert o3.guideline == "แนวทางที่แก้ไขแล้ว"
    # An explicit empty text clears it.
    edited["items"][2]["guideline"] = ""
    framework_load(data=edited)
    o3.refresh_from_db()
    assert o3.guideline == ""


def test_too_long_guideline_is_refused_in_thai_and_nothing_changes():
    data = _data("nacc-2569.json")
    framework_load(data=data)
    data["items"][0]["guideline"] = "ก" * 3001
    with pytest.raises(ValidationError) as refused:
        framework_load(data=data)
    assert "ข้อ O1: แนวทางยาวเกิน 3000 ตัวอักษร" in refused.value.messages
    assert not Item.objects.get(framework__fiscal_year=2569, number=1).guideline.startswith("กกก")


def test_catalogue_editor_edits_the_guideline_and_refuses_staff(world):
    _load(2569)
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2569])
    client = world.client_for("superuser")
    data = _form_data(client, edit)
    assert "ผลการประเมิน ITA ปีก่อน" in data[_row(data, "O25") + "-guideline"]
    data[_row(data, "O3") + "-guideline"] = "ที่อยู่ โทรศัพท์ และแผนที่ (แก้ในหน้าแก้ไข)"
    response = client.post(edit, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    o3 = Item.objects.get(framework__fiscal_year=2569, kind="O", number=3)
    assert o3.guideline == "ที่อยู่ โทรศัพท์ และแผนที่ (แก้ในหน้าแก้ไข)"
    for role in ("staff_a", "director_a"):
        data[_row(data, "O3") + "-guideline"] = "ไม่ควรบันทึก"
        assert world.client_for(role).post(edit, data).status_code == 403, role
    o3.refresh_from_db()
    assert o3.guideline == "ที่อยู่ โทรศัพท์ และแผนที่ (แก้ในหน้าแก้ไข)"


def test_admin_item_page_edits_it_and_the_framework_page_keeps_it(world):
    framework = _load(2569)
    client = world.client_for("superuser")
    item = framework.items.get(kind="O", number=4)
    url = reverse("admin:indicators_item_change", args=[item.pk])
    data = _page_post(client.get(url))
    data["guideline"] = ["ข่าวประชาสัมพันธ์ของปี (แก้ในหน้าผู้ดูแล)"]
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.guideline == "ข่าวประชาสัมพันธ์ของปี (แก้ในหน้าผู้ดูแล)"
    # Saving the framework page (whose item rows do not show the guideline) leaves it as it is.
    page = reverse("admin:indicators_framework_change", args=[framework.pk])
    data = _page_post(client.get(page))
    data["name"] = [framework.name + " (แก้)"]
    assert client.post(page, data).status_code == 302
    item.refresh_from_db()
    assert item.guideline == "ข่าวประชาสัมพันธ์ของปี (แก้ในหน้าผู้ดูแล)"
    assert world.client_for("supervisor").post(url, data).status_code == 403


def test_workspace_and_item_page_show_the_guideline(world):
    framework = _load(2569)
    o25 = framework.items.get(kind="O", number=25)
    client = world.client_for("staff_a")
    html = client.get(reverse("oit:workspace", kwargs={"agency_id": world.agency_a.pk, "year": 2569})).content.decode()
    row = re.search(r'<tr data-code="O25">(.*?)</tr>', html, re.S).group(1)
    # Shown under the title on wide screens, folded in a <details> on phones.
    assert 'class="oit-guideline small text-body-secondary mb-0 mt-1 d-none d-md-block"' in row
    assert re.search(r'<details class="oit-guideline-phone[^"]*d-md-none"><summary>แนวทาง</summary>', row)
    assert row.count(o25.guideline) == 2
    assert html.count('<details class="oit-guideline-phone') == 26
    assert 'id="guideline-note"' in html and "ไม่เป็นทางการ" in html
    item_html = client.get(
        reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O25"})
    ).content.decode()
    assert 'id="item-guideline"' in item_html and o25.guideline in item_html
    # Another agency's staff cannot open the page at all.
    assert (
        world.client_for("staff_b")
        .get(reverse("oit:workspace", kwargs={"agency_id": world.agency_a.pk, "year": 2569}))
        .status_code
        == 404
    )


def test_workspace_without_guidelines_shows_no_note(world):
    from tests.factories import make_framework

    make_framework(2569, oit_items=3)
    html = (
        world.client_for("staff_a")
        .get(reverse("oit:workspace", kwargs={"agency_id": world.agency_a.pk, "year": 2569}))
        .content.decode()
    )
    assert 'id="guideline-note"' not in html and "oit-guideline" not in html
