"""The ITA catalogue as data: every fixture file loads, stable keys link years, loads are idempotent,
CSV/XLSX round-trip, and a broken file is refused whole with Thai messages."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from indicators.catalogue import (
    framework_export,
    framework_export_csv,
    framework_export_xlsx,
    framework_import_file,
    framework_load,
)
from indicators.models import Assessment, Assessor, Framework, Indicator, Item, ItemResult
from tests.factories import AgencyFactory

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
EXPECTED_ITEMS = {
    "nacc-2563.json": 43,
    "nacc-2564.json": 43,
    "nacc-2565.json": 43,
    "nacc-2566.json": 43,
    "nacc-2568.json": 28,
    "nacc-2569.json": 26,
    "moe-ops-2567.json": 33,
}


def _data(name: str) -> dict:
    return json.loads((FRAMEWORKS / name).read_text(encoding="utf-8"))


def _counts() -> tuple[int, int, int, int]:
    return Assessor.objects.count(), Framework.objects.count(), Indicator.objects.count(), Item.objects.count()


def test_fixture_directory_holds_exactly_the_expected_files():
    assert sorted(p.name for p in FRAMEWORKS.glob("*.json")) == sorted(EXPECTED_ITEMS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED_ITEMS))
def test_every_framework_file_loads_with_ten_indicators(name):
    framework = framework_import_file(file=FRAMEWORKS / name)
    assert framework.indicators.count() == 10
    assert framework.items.count() == EXPECTED_ITEMS[name]
    assert list(framework.indicators.values_list("instrument", flat=True)) == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert (framework.iit_weight, framework.eit_weight, framework.oit_weight) == (30, 30, 40)
    assert framework.pass_mark == 85
    # Years whose list does not come from an official manual say so.
    assert framework.is_confirmed is (EXPECTED_ITEMS[name] == 43)
    assert framework.is_draft is False
    # No rating rule is known for any shipped year: none is guessed.
    assert framework.rating_rules == []


@pytest.mark.django_db
def test_2563_to_2565_share_one_item_list_and_2566_has_its_own():
    for name in ("nacc-2563.json", "nacc-2564.json", "nacc-2565.json", "nacc-2566.json"):
        framework_import_file(file=FRAMEWORKS / name)

    def items(year):
        return list(
            Item.objects.filter(framework__fiscal_year=year).order_by("number").values_list("number", "title", "stable_key")
        )

    assert items(2563) == items(2564) == items(2565)
    assert items(2566) != items(2565)
    fw65 = Framework.objects.get(fiscal_year=2565)
    o1 = fw65.items.get(number=1)
    assert (o1.title, o1.sub_area, o1.indicator.number) == ("โครงสร้าง", "ข้อมูลพื้นฐาน", 9)
    assert fw65.items.filter(indicator__number=9).count() == 33
    assert fw65.items.filter(indicator__number=10).count() == 10
    assert set(fw65.items.values_list("sub_area", flat=True)) == {
        "ข้อมูลพื้นฐาน",
        "การบริหารงาน",
        "การบริหารเงินงบประมาณ",
        "การบริหารและพัฒนาทรัพยากรบุคคล",
        "การส่งเสริมความโปร่งใส",
        "การป้องกันการทุจริต",
    }
    assert Item.objects.get(framework__fiscal_year=2566, number=10).title == "นโยบายคุ้มครองข้อมูลส่วนบุคคล"


@pytest.mark.django_db
def test_stable_keys_link_2566_measures_pair_to_2569_although_codes_change():
    call_command("load_framework", "--all", stdout=io.StringIO())
    o42 = Item.objects.get(framework__fiscal_year=2566, framework__assessor__code="nacc", kind="O", number=42)
    o43 = Item.objects.get(framework__fiscal_year=2566, framework__assessor__code="nacc", kind="O", number=43)
    successor = Item.objects.get(framework__fiscal_year=2569, stable_key=o42.stable_key)
    report = Item.objects.get(framework__fiscal_year=2569, stable_key=o43.stable_key)
    assert (successor.code, successor.title) == ("O25", "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร")
    assert report.code == "O26"
    # The same key reaches back to 2563 where the item was also O42.
    assert Item.objects.get(framework__fiscal_year=2563, stable_key=o42.stable_key).code == "O42"
    # A renumbered item: the anti-corruption annual report is O41 → O38 → O26 (2568).
    codes = dict(
        Item.objects.filter(stable_key="anti-corruption-annual-report", framework__assessor__code="nacc").values_list(
            "framework__fiscal_year", "number"
        )
    )
    assert codes == {2563: 41, 2564: 41, 2565: 41, 2566: 38, 2568: 26, 2569: 24}
    # Every key used in 2566 that also exists in 2565 points at the same subject (spot check).
    assert Item.objects.get(framework__fiscal_year=2566, stable_key="hr-policy").number == 23
    assert Item.objects.get(framework__fiscal_year=2565, stable_key="hr-policy").number == 25


@pytest.mark.django_db
def test_ministry_variant_is_a_separate_assessor_for_2567():
    framework = framework_import_file(file=FRAMEWORKS / "moe-ops-2567.json")
    assert framework.assessor.name == "สำนักงานปลัดกระทรวงศึกษาธิการ"
    assert not framework.is_confirmed
    e15 = framework.items.get(kind="E", number=15)
    assert e15.indicator.instrument == "EIT"
    assert e15.sub_area.startswith("ประเด็นที่ ๑.๗")
    assert framework.items.get(kind="O", number=14).title == "คู่มือหรือมาตรฐานการปฏิบัติงาน"


@pytest.mark.django_db
def test_reload_is_idempotent_and_applies_edits_in_place():
    call_command("load_framework", "--all", stdout=io.StringIO())
    before = _counts()
    item_ids = dict(Item.objects.filter(framework__fiscal_year=2566).values_list("stable_key", "pk"))
    call_command("load_framework", "--all", stdout=io.StringIO())
    assert _counts() == before
    assert dict(Item.objects.filter(framework__fiscal_year=2566).values_list("stable_key", "pk")) == item_ids

    data = _data("nacc-2566.json")
    data["pass_mark"] = 90
    data["items"][0]["title"] = "โครงสร้างหน่วยงาน"
    # Swap the codes of O42 and O43 (a renumbering): matched by stable key, no constraint trips.
    by_key = {i["stable_key"]: i for i in data["items"]}
    by_key["integrity-measures"]["code"], by_key["integrity-measures-report"]["code"] = "O43", "O42"
    framework_load(data=data)
    assert _counts() == before
    fw = Framework.objects.get(fiscal_year=2566, assessor__code="nacc")
    assert fw.pass_mark == Decimal("90")
    assert fw.items.get(number=1).title == "โครงสร้างหน่วยงาน"
    assert fw.items.get(stable_key="integrity-measures").number == 43
    assert fw.items.get(stable_key="integrity-measures").pk == item_ids["integrity-measures"]


@pytest.mark.django_db
def test_item_matched_by_code_when_its_key_changes_and_removed_items_go():
    framework_load(data=_data("nacc-2569.json"))
    o25 = Item.objects.get(framework__fiscal_year=2569, number=25)
    data = _data("nacc-2569.json")
    by_code = {i["code"]: i for i in data["items"]}
    by_code["O25"]["stable_key"] = "ita-results-to-development"
    data["items"].remove(by_code["O26"])
    framework_load(data=data)
    items = Item.objects.filter(framework__fiscal_year=2569)
    assert items.count() == 25 and not items.filter(number=26).exists()
    assert items.get(number=25).pk == o25.pk
    assert items.get(number=25).stable_key == "ita-results-to-development"


@pytest.mark.django_db
def test_changing_the_key_of_an_item_with_results_is_refused_and_changes_nothing():
    framework = framework_load(data=_data("nacc-2569.json"))
    assessment = Assessment.objects.create(agency=AgencyFactory(), framework=framework)
    ItemResult.objects.create(assessment=assessment, item=framework.items.get(number=25), passed=True)
    data = _data("nacc-2569.json")
    data["name"] = "ชื่อใหม่"
    next(i for i in data["items"] if i["code"] == "O25")["stable_key"] = "something-else"
    with pytest.raises(ValidationError) as exc:
        framework_load(data=data)
    assert "ข้อ O25 มีผลการประเมินแล้ว จึงเปลี่ยนรหัสคงที่" in exc.value.messages[0]
    framework.refresh_from_db()
    assert framework.name != "ชื่อใหม่"
    assert framework.items.get(number=25).stable_key == "integrity-measures"


@pytest.mark.django_db
def test_removing_an_item_that_has_results_is_refused_and_changes_nothing():
    framework = framework_load(data=_data("nacc-2569.json"))
    assessment = Assessment.objects.create(agency=AgencyFactory(), framework=framework)
    ItemResult.objects.create(assessment=assessment, item=framework.items.get(number=26), passed=True)
    data = _data("nacc-2569.json")
    data["name"] = "ชื่อใหม่"
    data["items"] = [i for i in data["items"] if i["code"] != "O26"]
    with pytest.raises(ValidationError) as exc:
        framework_load(data=data)
    assert "ลบข้อ O26 ออกจากกรอบการประเมินไม่ได้" in exc.value.messages[0]
    framework.refresh_from_db()
    assert framework.name != "ชื่อใหม่"
    assert framework.items.count() == 26


def _catalogue(framework: Framework) -> dict:
    return framework_export(framework=framework)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nacc-2565.json", "moe-ops-2567.json"])
def test_csv_with_bom_round_trip(name):
    framework = framework_import_file(file=FRAMEWORKS / name)
    original = _catalogue(framework)
    content = framework_export_csv(framework=framework)
    assert content.startswith(b"\xef\xbb\xbf")
    assert "ตัวชี้วัดที่" in content.decode("utf-8-sig").splitlines()[0]
    # An indicator without items (the IIT/EIT ones) still has its own row.
    bare = {i["number"] for i in original["indicators"]} - {i["indicator"] for i in original["items"]}
    assert len(content.decode("utf-8-sig").strip().splitlines()) == 1 + len(original["items"]) + len(bare)
    Framework.objects.all().delete()
    Assessor.objects.all().delete()
    again = framework_import_file(file=SimpleUploadedFile("catalogue.csv", content))
    assert _catalogue(again) == original


@pytest.mark.django_db
def test_csv_without_bom_and_with_thai_digits_imports():
    framework = framework_import_file(file=FRAMEWORKS / "nacc-2569.json")
    text = framework_export_csv(framework=framework).decode("utf-8-sig").replace("O25", "O๒๕")
    framework.items.all().delete()
    again = framework_import_file(file=SimpleUploadedFile("c.csv", text.encode("utf-8")))
    assert again.items.get(stable_key="integrity-measures").code == "O25"


@pytest.mark.django_db
def test_xlsx_round_trip():
    from openpyxl import load_workbook

    framework = framework_import_file(file=FRAMEWORKS / "nacc-2566.json")
    original = _catalogue(framework)
    content = framework_export_xlsx(framework=framework)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=1, column=11).value == "ตัวชี้วัดที่"
    Framework.objects.all().delete()
    again = framework_import_file(file=SimpleUploadedFile("catalogue.xlsx", content))
    assert _catalogue(again) == original


@pytest.mark.django_db
def test_csv_without_framework_columns_takes_year_and_assessor_from_arguments():
    framework_import_file(file=FRAMEWORKS / "nacc-2569.json")
    rows = [
        "ตัวชี้วัดที่,ประเด็นตัวชี้วัด,เครื่องมือ,รหัสคงที่ตัวชี้วัด,ข้อ,ชื่อข้อ,รหัสคงที่ข้อ",
        *[f"{i},ตัวชี้วัด {i},{'IIT' if i <= 5 else 'EIT' if i <= 8 else 'OIT'},ind-{i},,," for i in range(1, 10)],
        "10,การป้องกันการทุจริต,OIT,corruption-prevention,O25,การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร,integrity-measures",
    ]
    content = "\n".join(rows).encode("utf-8")
    with pytest.raises(ValidationError) as exc:
        framework_import_file(file=SimpleUploadedFile("x.csv", content))
    assert any("ไม่ทราบปีงบประมาณ" in m for m in exc.value.messages)
    framework = framework_import_file(file=SimpleUploadedFile("x.csv", content), fiscal_year=2569, assessor_code="nacc")
    assert framework.items.count() == 1
    assert framework.oit_weight == 40  # kept from the stored framework
    assert framework.indicators.get(number=1).name == "ตัวชี้วัด 1"


BROKEN_CSV = (
    "ปีงบประมาณ,รหัสผู้ประเมิน,ชื่อผู้ประเมิน,ชื่อกรอบการประเมิน,ตัวชี้วัดที่,ประเด็นตัวชี้วัด,เครื่องมือ,รหัสคงที่ตัวชี้วัด,ข้อ,ชื่อข้อ,รหัสคงที่ข้อ\n"
    "2570,nacc,ป.ป.ช.,ITA 2570,9,การเปิดเผยข้อมูล,OIT,disclosure,O1,โครงสร้าง,structure\n"
    "2570,nacc,ป.ป.ช.,ITA 2570,9,การเปิดเผยข้อมูล,OIT,disclosure,X2,ข้อมูลผู้บริหาร,executives\n"
    "2570,nacc,ป.ป.ช.,ITA 2570,10,การป้องกันการทุจริต,XYZ,corruption-prevention,O3,,structure\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        (
            "broken.csv",
            BROKEN_CSV.encode("utf-8-sig"),
            ["ข้อ X2: รหัสข้อต้องเป็น O, I หรือ E", "ข้อ O3: ไม่มีชื่อข้อ", "เครื่องมือต้องเป็น IIT, EIT หรือ OIT"],
        ),
        ("broken.json", b'{"fiscal_year": 2570, "assessor": {"code": "nacc"', ["อ่านไฟล์ JSON ไม่ได้"]),
        ("broken.xlsx", b"not a workbook", ["อ่านไฟล์ XLSX ไม่ได้"]),
        ("broken.txt", b"x", ["รองรับเฉพาะไฟล์ .json, .csv และ .xlsx"]),
    ],
)
def test_broken_file_is_refused_with_thai_messages_and_leaves_nothing(filename, content, expected):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        framework_import_file(file=SimpleUploadedFile(filename, content))
    text = " | ".join(exc.value.messages)
    for fragment in expected:
        assert fragment in text
    assert _counts() == before
    assert not Framework.objects.filter(fiscal_year=2570).exists()


@pytest.mark.django_db
def test_invalid_data_is_refused_before_anything_is_written():
    data = copy.deepcopy(_data("nacc-2566.json"))
    data["fiscal_year"] = 2030  # a CE year by mistake
    data["weights"] = {"iit": 30, "eit": 30, "oit": 30}
    data["items"][5]["stable_key"] = data["items"][4]["stable_key"]
    data["items"][6]["indicator"] = 11
    with pytest.raises(ValidationError) as exc:
        framework_load(data=data)
    text = " | ".join(exc.value.messages)
    assert "ปีงบประมาณ 2030 ต้องเป็นปีพุทธศักราช" in text
    assert "น้ำหนัก IIT + EIT + OIT ต้องรวมเป็น 100" in text
    assert "ซ้ำกับข้ออื่น" in text
    assert "ข้อ O7: ไม่มีตัวชี้วัดที่ 11 ในกรอบนี้" in text
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_commands_load_and_export(tmp_path):
    out = io.StringIO()
    call_command("load_framework", str(FRAMEWORKS / "nacc-2566.json"), stdout=out)
    assert "nacc 2566 — ตัวชี้วัด 10 ข้อ 43" in out.getvalue()
    for fmt in ("json", "csv", "xlsx"):
        target = tmp_path / f"f.{fmt}"
        call_command("export_framework", "๒๕๖๖", "nacc", "--format", fmt, "-o", str(target), stdout=io.StringIO())
        assert target.stat().st_size > 1000
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == _catalogue(Framework.objects.get())
    with pytest.raises(CommandError, match="ไม่พบกรอบการประเมินปี 2599"):
        call_command("export_framework", "2599", "nacc", "-o", str(tmp_path / "x.json"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"fiscal_year": 2566}', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="โหลดไม่สำเร็จ 1 ไฟล์"):
        call_command("load_framework", str(bad), stdout=io.StringIO(), stderr=err)
    assert "ไม่มีข้อมูลผู้ประเมิน" in err.getvalue()


@pytest.mark.django_db
def test_2568_and_2569_follow_items_across_renumbering_and_merges():
    call_command("load_framework", "--all", stdout=io.StringIO())

    def code(year, key):
        item = Item.objects.filter(framework__fiscal_year=year, framework__assessor__code="nacc", stable_key=key).first()
        return item.code if item else None

    # The measures pair: O42/O43 (2566) → O27/O28 (2568) → O25/O26 (2569).
    assert [code(y, "integrity-measures") for y in (2566, 2568, 2569)] == ["O42", "O27", "O25"]
    assert [code(y, "integrity-measures-report") for y in (2566, 2568, 2569)] == ["O43", "O28", "O26"]
    # Renumbered with the same subject.
    assert [code(y, "strategic-plan") for y in (2566, 2568, 2569)] == ["O4", "O5", "O5"]
    # Merged: 2568 O1 keeps "structure" and absorbs "authority", which ends.
    o1 = Item.objects.get(framework__fiscal_year=2568, framework__assessor__code="nacc", number=1)
    assert (o1.stable_key, o1.absorbs) == ("structure", ["authority"])
    assert code(2568, "authority") is None
    # Ended without successor (no item of 2568 asks for it).
    assert code(2568, "qa") is None and code(2568, "privacy-policy") is None
    f68 = Framework.objects.get(fiscal_year=2568, assessor__code="nacc")
    assert f68.items.filter(indicator__number=10).count() == 8
    assert len(set(f68.items.values_list("sub_area", flat=True))) == 13
    assert "ยังไม่ยืนยัน" in f68.source_note and "rtrda" in f68.source_note


def test_shipped_files_carry_no_research_only_fields():
    allowed = {"code", "indicator", "sub_area", "title", "stable_key", "absorbs", "guideline"}
    for path in FRAMEWORKS.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data["items"]:
            assert set(item) <= allowed, (path.name, item["code"], set(item) - allowed)
