"""The yearly catalogue routine: copy last year's as a draft (command and browser pages), edit it,
compare it with last year, confirm it; who may do it; results are never orphaned; rating bands."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators import selectors
from indicators.catalogue.diff import framework_diff
from indicators.catalogue.upkeep import catalogue_editors_for, framework_copy, previous_framework
from indicators.models import Framework, Item
from indicators.rating import rating_for
from ita_portal.agencies.models import AgencyKind, Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.factories_scores import save_scores

LIST = reverse("indicators:catalogue_list")
COPY = reverse("indicators:catalogue_copy")


def _load_all():
    call_command("load_framework", "--all", stdout=io.StringIO())


def _nacc(year: int) -> Framework:
    return Framework.objects.get(assessor__code="nacc", fiscal_year=year)


def _keys(framework: Framework) -> dict[str, str]:
    return dict(framework.items.values_list("stable_key", "title"))


def _unrelated_supervisor():
    """A supervisor of a provincial office: supervises agencies, but not at ministry level."""
    user = UserFactory(username="province_supervisor", is_staff=True)
    MembershipFactory(user=user, agency=AgencyFactory(kind=AgencyKind.PROVINCIAL, code="P0001"), role=Role.SUPERVISOR)
    return user


# --- command line -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copy_framework_makes_an_invisible_draft_with_the_same_items_and_keys():
    _load_all()
    out = io.StringIO()
    call_command("copy_framework", "nacc", "2569", "2570", stdout=out)
    draft = _nacc(2570)
    assert "ฉบับร่าง" in out.getvalue() and "ข้อ 26" in out.getvalue()
    assert (draft.is_draft, draft.is_confirmed, draft.items.count(), draft.indicators.count()) == (True, False, 26, 10)
    source = _nacc(2569)
    assert set(_keys(draft)) == set(_keys(source))
    assert dict(draft.items.values_list("stable_key", "number")) == dict(source.items.values_list("stable_key", "number"))
    assert "2570" in draft.name and "2569" not in draft.name
    # No merge is copied: 2569's merges compare 2569 with 2568, not 2570 with 2569.
    assert not any(draft.items.values_list("absorbs", flat=True))
    # A draft is not the year's catalogue yet.
    assert selectors.framework_for(2570) is None
    with pytest.raises(CommandError, match="มีกรอบการประเมินปี 2570"):
        call_command("copy_framework", "nacc", "2569", "2570", stdout=io.StringIO())
    with pytest.raises(CommandError, match="ไม่มีกรอบการประเมินปี 2567"):
        call_command("copy_framework", "nacc", "2567", "2571", stdout=io.StringIO())


@pytest.mark.django_db
def test_fresh_load_all_has_the_years_the_research_supports():
    _load_all()
    years = dict(Framework.objects.filter(assessor__code="nacc").values_list("fiscal_year", "is_draft"))
    assert sorted(years) == [2563, 2564, 2565, 2566, 2568, 2569]
    assert (_nacc(2568).items.count(), _nacc(2569).items.count()) == (28, 26)


# --- the comparison with last year -------------------------------------------------------------


def _kinds(diff) -> dict[str, list[str]]:
    out = {}
    for row in diff.rows:
        key = (row.after or row.before).stable_key if row.kinds != ["merged"] else row.before.stable_key
        out[key] = row.kinds
    return out


@pytest.mark.django_db
def test_diff_2566_to_2568_to_2569_follows_renumbering_merges_and_ends():
    _load_all()
    f68, f69 = _nacc(2568), _nacc(2569)
    assert previous_framework(f68).fiscal_year == 2566  # no NACC 2567 list: compared with 2566
    d68 = _kinds(framework_diff(framework=f68, previous=previous_framework(f68)))
    assert d68["integrity-measures"] == ["renumbered"]  # O42 → O27, same title
    assert d68["structure"] == ["renamed"]  # O1 โครงสร้าง → โครงสร้างและอำนาจหน้าที่
    assert d68["authority"] == ["merged"]  # into O1
    assert d68["qa"] == ["ended"]
    assert d68["annual-plan-6m-report"] == ["merged"]
    d69 = framework_diff(framework=f69, previous=f68)
    k69 = _kinds(d69)
    assert k69["integrity-measures"] == ["renumbered", "renamed"]  # O27 → O25 การนำผลการประเมิน ITA ไปสู่…
    assert k69["service-statistics"] == ["merged"]
    merged = next(r for r in d69.rows if r.before and r.before.stable_key == "service-statistics")
    assert (merged.before.code, merged.after.code) == ("O11", "O10")
    assert k69["procurement-plan"] == ["ended"]
    assert k69["procurement-monthly-summary"] == ["new"]
    assert k69["strategic-plan"] == ["kept"]
    assert d69.count("new") == 1 and d69.count("ended") == 1 and d69.count("merged") == 2


# --- who may keep catalogues -------------------------------------------------------------------


@pytest.mark.django_db
def test_only_superusers_and_ministry_supervisors_reach_the_catalogue_pages(world):
    _load_all()
    pages = [
        LIST,
        reverse("indicators:catalogue_detail", args=["nacc", 2569]),
        reverse("indicators:catalogue_edit", args=["nacc", 2569]),
    ]
    unrelated = _unrelated_supervisor()
    for url in pages:
        for role, status in {
            "anonymous": 302,
            "outsider": 403,
            "staff_a": 403,
            "director_a": 403,
            "director_b": 403,
            "supervisor": 200,
            "superuser": 200,
        }.items():
            assert world.client_for(role).get(url).status_code == status, (url, role)
        client = world.client_for("anonymous")
        client.force_login(unrelated)
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_refused_users_cannot_copy_edit_or_confirm_and_nothing_changes(world):
    _load_all()
    framework_copy(assessor_code="nacc", from_year=2569, to_year=2570)
    unrelated = _unrelated_supervisor()
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2570])
    confirm = reverse("indicators:catalogue_confirm", args=["nacc", 2570])
    for role in ("staff_a", "director_a", "staff_b", "outsider", "unrelated"):
        client = world.client_for("anonymous")
        client.force_login(unrelated if role == "unrelated" else world.users[role])
        assert client.post(COPY, {"assessor": "nacc", "from_year": 2569, "to_year": 2571}).status_code == 403
        assert client.post(edit, {}).status_code == 403
        assert client.post(confirm).status_code == 403
    assert not Framework.objects.filter(fiscal_year=2571).exists()
    assert _nacc(2570).is_draft


@pytest.mark.django_db
def test_staff_are_told_whom_to_ask(world):
    editors = catalogue_editors_for(world.agency_a)
    assert [m.user.username for m in editors] == ["supervisor"]
    assert catalogue_editors_for(world.agency_b) == []


# --- the browser pages (forms posted as the browser does) --------------------------------------


def _form_data(client, url) -> dict:
    """Every field of the edit form as the page renders it."""
    response = client.get(url)
    assert response.status_code == 200
    ctx = response.context
    data = {}
    for form in (ctx["meta"], *ctx["items"].forms, *ctx["ratings"].forms):
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = value
    for fs in (ctx["items"], ctx["ratings"]):
        for name, value in fs.management_form.initial.items():
            data[f"{fs.prefix}-{name}"] = value
    return data


def _row(data: dict, code: str) -> str:
    return next(k[: -len("-code")] for k, v in data.items() if k.endswith("-code") and v == code)


@pytest.mark.django_db
def test_supervisor_copies_edits_compares_and_confirms_in_the_browser(world):
    _load_all()
    client = world.client_for("supervisor")
    response = client.post(COPY, {"assessor": "nacc", "from_year": 2569, "to_year": 2570})
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2570])
    assert response.status_code == 302 and response["Location"] == edit
    data = _form_data(client, edit)
    data[_row(data, "O1") + "-title"] = "โครงสร้างและอำนาจหน้าที่ของหน่วยงาน"  # renamed
    data[_row(data, "O25") + "-code"], data[_row(data, "O26") + "-code"] = "O30", "O31"  # renumbered
    data[_row(data, "O2") + "-merge_into"] = "structure"  # O2 merged into O1
    data[_row(data, "O4") + "-DELETE"] = "on"  # ended
    blank = "items-26"
    data.update(
        {
            f"{blank}-code": "O32",
            f"{blank}-indicator": "10",
            f"{blank}-title": "ข้อใหม่ทดสอบ",
            f"{blank}-stable_key": "test-new-item",
        }
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    draft = _nacc(2570)
    assert draft.items.count() == 26 - 2 + 1
    assert draft.items.get(stable_key="structure").absorbs == ["executives"]
    assert draft.items.get(stable_key="integrity-measures").code == "O30"
    page = client.get(reverse("indicators:catalogue_detail", args=["nacc", 2570])).content.decode()
    for label in ("เปลี่ยนเลขข้อ", "เปลี่ยนชื่อ", "รวมเข้ากับข้ออื่น", "ข้อใหม่", "สิ้นสุด (ไม่มีข้อต่อ)", "คงเดิม"):
        assert label in page
    assert selectors.framework_for(2570) is None
    client.post(reverse("indicators:catalogue_confirm", args=["nacc", 2570]))
    assert selectors.framework_for(2570) == draft
    # The measures pair still follows its key across the renumbering.
    assert Item.objects.get(framework=draft, stable_key="integrity-measures-report").code == "O31"


@pytest.mark.django_db
def test_bad_edit_is_refused_with_thai_message_naming_the_item_and_keeps_the_input(world):
    _load_all()
    client = world.client_for("superuser")
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2569])
    data = _form_data(client, edit)
    data[_row(data, "O3") + "-code"] = "O5"  # duplicate code
    data[_row(data, "O1") + "-title"] = "ชื่อที่แก้แล้ว"
    response = client.post(edit, data)
    assert response.status_code == 400
    assert any("ข้อ O5: รหัสข้อซ้ำ" in e for e in response.context["errors"])
    assert "ชื่อที่แก้แล้ว" in response.content.decode()  # nothing typed is lost
    assert _nacc(2569).items.get(number=1).title == "โครงสร้าง หน้าที่และอำนาจ"


@pytest.mark.django_db
def test_framework_with_results_refuses_an_orphaning_edit_and_nothing_changes(world):
    _load_all()
    framework = _nacc(2569)
    save_scores(world.agency_a, framework, {n: 90 for n in range(1, 11)}, items={"O25": True})
    before = sorted(framework.items.values_list("number", "title", "stable_key"))
    client = world.client_for("supervisor")
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2569])
    for change in ("delete", "merge", "rekey"):
        data = _form_data(client, edit)
        data[_row(data, "O1") + "-title"] = "เปลี่ยนแล้ว"
        row = _row(data, "O25")
        if change == "delete":
            data[row + "-DELETE"] = "on"
        elif change == "merge":
            data[row + "-merge_into"] = "integrity-measures-report"
        else:
            data[row + "-stable_key"] = "another-key"
        response = client.post(edit, data)
        assert response.status_code == 400, change
        assert any("O25" in e for e in response.context["errors"]), (change, response.context["errors"])
    assert sorted(framework.items.values_list("number", "title", "stable_key")) == before


# --- the qualitative rating --------------------------------------------------------------------

BANDS = [
    {"label": "ผ่านดี", "min_score": "85", "min_instruments": {"eit": "85"}},
    {"label": "ผ่าน", "min_score": "85", "min_instruments": {}},
]


def test_rating_follows_the_bands_and_is_empty_without_them():
    scores = {"iit": Decimal("97"), "eit": Decimal("84.99"), "oit": Decimal("99")}
    assert rating_for(BANDS, Decimal("94.64"), scores) == "ผ่าน"  # EIT below 85: not ผ่านดี
    assert rating_for(BANDS, Decimal("94.64"), {**scores, "eit": Decimal("85")}) == "ผ่านดี"
    assert rating_for(BANDS, Decimal("80"), scores) == ""
    assert rating_for([], Decimal("99"), scores) == ""


@pytest.mark.django_db
def test_rating_entered_by_a_supervisor_is_shown_beside_the_grade(world):
    _load_all()
    framework = _nacc(2569)
    scores = {n: 95 for n in range(1, 11)} | {6: 80, 7: 80, 8: 80}  # EIT 80
    save_scores(world.agency_a, framework, scores)
    dashboard = reverse("indicators:dashboard", args=[world.agency_a.pk, 2569])
    assert "portal-rating" not in world.client_for("staff_a").get(dashboard).content.decode()
    client = world.client_for("supervisor")
    edit = reverse("indicators:catalogue_edit", args=["nacc", 2569])
    data = _form_data(client, edit)
    data.update(
        {
            "rating-0-label": "ผ่านดี",
            "rating-0-min_score": "85",
            "rating-0-min_eit": "85",
            "rating-1-label": "ผ่าน",
            "rating-1-min_score": "85",
        }
    )
    assert client.post(edit, data).status_code == 302
    page = world.client_for("staff_a").get(dashboard).content.decode()
    assert 'portal-rating" title' in page and ">ผ่าน</span>" in page and "ผ่านดี</span>" not in page
    area = world.client_for("supervisor").get(reverse("area:area", args=[world.supervising.pk, 2569])).content.decode()
    assert 'portal-rating">ผ่าน</span>' in area


# --- a year without a catalogue is not a dead end ------------------------------------------------


def _year_pages(world, year):
    a = world.agency_a.pk
    return [
        reverse("indicators:entry", args=[a, year]),
        reverse("indicators:import_upload", args=[a, year]),
        reverse("weaknesses:weaknesses", args=[a, year]),
        reverse("measures:measure_list", args=[a, year + 1]),
    ]


@pytest.mark.django_db
def test_pages_of_a_year_without_catalogue_say_what_is_missing_and_who_can_fix_it(world):
    _load_all()
    world.users["supervisor"].memberships.update(first_name_th="สมศรี", last_name_th="กำกับดี", name_title="นาง")
    for url in _year_pages(world, 2570):
        staff = world.client_for("staff_a").get(url).content.decode()
        assert "ยังไม่มีกรอบการประเมิน (รายการตัวชี้วัดและข้อ) ของปีงบประมาณ 2570" in staff, url
        assert "นางสมศรี กำกับดี" in staff and "missing-catalogue-link" not in staff, url
        editor = world.client_for("superuser").get(url).content.decode()
        assert reverse("indicators:catalogue_list") + "?year=2570" in editor, url
    # Once a draft exists the editor is sent to it; staff still see the year as missing.
    framework_copy(assessor_code="nacc", from_year=2569, to_year=2570)
    detail = reverse("indicators:catalogue_detail", args=["nacc", 2570])
    assert detail in world.client_for("supervisor").get(_year_pages(world, 2570)[0]).content.decode()
    assert "มีฉบับร่างที่รอตรวจและยืนยันอยู่แล้ว" in world.client_for("staff_a").get(_year_pages(world, 2570)[0]).content.decode()
    # A year with a catalogue shows no notice.
    for url in _year_pages(world, 2569):
        assert "missing-catalogue" not in world.client_for("staff_a").get(url).content.decode(), url


@pytest.mark.django_db
def test_list_proposes_the_latest_national_catalogue_as_model_of_the_asked_year(world):
    _load_all()
    form = world.client_for("superuser").get(LIST + "?year=2568").context["form"]
    assert (form.initial["assessor"], form.initial["from_year"], form.initial["to_year"]) == ("nacc", 2566, 2568)
    form = world.client_for("superuser").get(LIST).context["form"]
    assert (form.initial["from_year"], form.initial["to_year"]) == (2569, 2570)


@pytest.mark.django_db
def test_rating_is_shown_on_the_agency_year_summary_only_when_bands_exist(world):
    _load_all()
    framework = _nacc(2569)
    save_scores(world.agency_a, framework, {n: 95 for n in range(1, 11)})
    url = reverse("agency_detail", args=[world.agency_a.pk, 2569])
    assert "portal-rating" not in world.client_for("staff_a").get(url).content.decode()
    framework.rating_rules = BANDS
    framework.save()
    assert 'portal-rating">ผ่านดี</span>' in world.client_for("staff_a").get(url).content.decode()


@pytest.mark.django_db
def test_a_save_that_does_not_mention_the_draft_state_keeps_it(world):
    from indicators.catalogue.edits import framework_data, framework_save

    _load_all()
    draft = framework_copy(assessor_code="nacc", from_year=2569, to_year=2570)
    data = framework_data(draft)
    data.pop("is_draft")
    data["name"] = "ฉบับแก้ไขจากหน้าผู้ดูแลระบบ"
    framework_save(framework=draft, data=data)
    draft.refresh_from_db()
    assert (draft.name, draft.is_draft) == ("ฉบับแก้ไขจากหน้าผู้ดูแลระบบ", True)
    # Re-loading the 2569 file keeps 2569 confirmed.
    call_command("load_framework", "--all", stdout=io.StringIO())
    assert not _nacc(2569).is_draft and _nacc(2570).is_draft
