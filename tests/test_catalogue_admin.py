"""The catalogue admin edits through the catalogue services: a framework page is checked as a whole
framework (like a file through framework_load), a bad edit comes back with Thai errors and writes
nothing, and results keep the rows they point at."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Assessor, Framework, Indicator, Item
from tests.factories import make_framework
from tests.factories_admin import AssessmentFactory


def _value(bound) -> list[str]:
    value = bound.value()
    if value is None:
        return []
    if isinstance(value, bool):
        return ["on"] if value else []
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    return [str(getattr(value, "pk", value))]


def _page_post(response) -> dict:
    """The POST a browser would send for an admin change page as it was rendered."""
    data: dict[str, list[str]] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data[form.add_prefix(name)] = _value(form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = _value(formset.management_form[name])
        for sub in formset.forms:
            for name in sub.fields:
                data[sub.add_prefix(name)] = _value(sub[name])
    return {k: v for k, v in data.items() if v}


def _row(data: dict, prefix: str, field: str, value: str) -> None:
    data[f"{prefix}-{field}"] = [value]


@pytest.fixture
def framework(db):
    return make_framework(2566, oit_items=4)


def _change(framework):
    return reverse("admin:indicators_framework_change", args=[framework.pk])


def test_a_framework_page_edit_goes_through_the_loader(world, framework):
    client = world.client_for("superuser")
    data = _page_post(client.get(_change(framework)))
    _row(data, "indicators-0", "name", "การปฏิบัติหน้าที่ (แก้ไข)")
    data["pass_mark"] = ["86"]
    response = client.post(_change(framework), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    framework.refresh_from_db()
    assert framework.pass_mark == Decimal("86")
    assert framework.indicators.get(number=1).name == "การปฏิบัติหน้าที่ (แก้ไข)"
    assert framework.indicators.count() == 10 and framework.items.count() == 4


def test_a_bad_framework_edit_shows_thai_errors_and_writes_nothing(world, framework):
    client = world.client_for("superuser")
    data = _page_post(client.get(_change(framework)))
    data["iit_weight"] = ["50"]  # 50 + 30 + 40 ≠ 100
    _row(data, "indicators-1", "name", "ชื่อใหม่ที่ไม่ควรถูกบันทึก")
    response = client.post(_change(framework), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ต้องรวมเป็น 100" in page
    framework.refresh_from_db()
    assert framework.iit_weight == Decimal("30")
    assert framework.indicators.get(number=2).name != "ชื่อใหม่ที่ไม่ควรถูกบันทึก"


def test_removing_an_item_with_results_is_refused_on_the_page(world, framework):
    from indicators.models import ItemResult

    item = framework.items.get(number=1)
    ItemResult.objects.create(assessment=AssessmentFactory(agency=world.agency_a, framework=framework), item=item, passed=True)
    client = world.client_for("superuser")
    data = _page_post(client.get(_change(framework)))
    data[f"items-{_item_index(data, item.pk)}-DELETE"] = ["on"]
    response = client.post(_change(framework), data)
    assert response.status_code == 200
    assert 'class="errorlist nonform"' in response.content.decode()  # Django's own protected-row check
    assert Item.objects.filter(pk=item.pk).exists()


def _item_index(data: dict, pk: int) -> int:
    for key, value in data.items():
        if key.startswith("items-") and key.endswith("-id") and value == [str(pk)]:
            return int(key.split("-")[1])
    raise AssertionError(pk)


def test_a_new_framework_may_not_take_another_ones_year(world, framework):
    client = world.client_for("superuser")
    response = client.get(reverse("admin:indicators_framework_add"))
    data = _page_post(response)
    data.update(
        name=["ซ้ำ"],
        fiscal_year=[str(framework.fiscal_year)],
        assessor=[str(framework.assessor_id)],
        pass_mark=["85"],
        iit_weight=["30"],
        eit_weight=["30"],
        oit_weight=["40"],
        **{
            "indicators-TOTAL_FORMS": ["1"],
            "indicators-0-number": ["1"],
            "indicators-0-name": ["ตัวชี้วัด"],
            "indicators-0-instrument": ["IIT"],
            "indicators-0-stable_key": ["x-1"],
        },
    )
    response = client.post(reverse("admin:indicators_framework_add"), data)
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()  # the form's own unique check
    assert Framework.objects.filter(fiscal_year=framework.fiscal_year).count() == 1


def test_indicator_and_item_pages_edit_through_the_framework(world, framework):
    client = world.client_for("superuser")
    indicator = framework.indicators.get(number=9)
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    data = _page_post(client.get(url))
    data["name"] = ["การเปิดเผยข้อมูล (แก้ไข)"]
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "การเปิดเผยข้อมูล (แก้ไข)"

    item = framework.items.get(number=2)
    url = reverse("admin:indicators_item_change", args=[item.pk])
    data = _page_post(client.get(url))
    data["stable_key"] = ["item-1"]  # another item's key
    response = client.post(url, data)
    assert response.status_code == 200 and "ซ้ำ" in response.content.decode()
    item.refresh_from_db()
    assert item.stable_key == "item-2"


def test_deleting_a_used_framework_is_refused(world, framework):
    from django.core.exceptions import ValidationError

    from indicators.catalogue.edits import framework_delete

    AssessmentFactory(agency=world.agency_a, framework=framework)
    with pytest.raises(ValidationError, match="มีผลการประเมินอ้างถึงแล้ว"):
        framework_delete(framework=framework)
    assert Framework.objects.filter(pk=framework.pk).exists()


def test_supervisors_only_view_the_catalogue(world, framework):
    client = world.client_for("supervisor")
    data = _page_post(world.client_for("superuser").get(_change(framework)))
    data["pass_mark"] = ["50"]
    assert client.post(_change(framework), data).status_code == 403
    assert Framework.objects.get(pk=framework.pk).pass_mark == Decimal("85")
    assert Assessor.objects.count() == 1
    assert Indicator.objects.filter(framework=framework).count() == 10


def test_framework_save_checks_the_whole_framework_before_writing(world, framework):
    from django.core.exceptions import ValidationError

    from indicators.catalogue.edits import framework_data, framework_save
    from indicators.models import IndicatorScore

    other = make_framework(2567, oit_items=2)
    data = framework_data(framework)
    data["fiscal_year"] = 2567  # the place of another framework
    with pytest.raises(ValidationError, match="อยู่แล้ว"):
        framework_save(framework=framework, data=data)

    assessment = AssessmentFactory(agency=world.agency_a, framework=framework)
    IndicatorScore.objects.create(assessment=assessment, indicator=framework.indicators.get(number=3), score=Decimal("90"))
    data = framework_data(framework)
    data["indicators"] = [r for r in data["indicators"] if r["number"] != 3]
    with pytest.raises(ValidationError, match="ตัวชี้วัดที่ 3"):
        framework_save(framework=framework, data=data)
    assert framework.indicators.filter(number=3).exists()

    data = framework_data(framework)
    data["fiscal_year"] = 2568  # a free year: the same row moves, its results stay attached
    moved = framework_save(framework=framework, data=data)
    assert moved.pk == framework.pk and moved.fiscal_year == 2568
    assessment.refresh_from_db()
    assert assessment.framework_id == framework.pk
    assert Framework.objects.get(pk=other.pk).fiscal_year == 2567


def test_deleting_an_unused_item_or_indicator_goes_through_the_framework(world, framework):
    client = world.client_for("superuser")
    item = framework.items.get(number=4)
    assert client.post(reverse("admin:indicators_item_delete", args=[item.pk]), {"post": "yes"}).status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()
    assert framework.items.count() == 3
    indicator = framework.indicators.get(number=10)  # with its remaining items
    assert client.post(reverse("admin:indicators_indicator_delete", args=[indicator.pk]), {"post": "yes"}).status_code == 302
    assert sorted(framework.indicators.values_list("number", flat=True)) == list(range(1, 10))
    assert not framework.items.filter(indicator__number=10).exists()
