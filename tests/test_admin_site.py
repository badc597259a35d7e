"""The admin site as the supervisors' tool: who gets in, what each role sees and may change, and
that every registered model's pages render without N+1 queries."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ita_portal.agencies.models import Agency, Membership, Role
from measures.models import Measure
from reports.models import Rendition, ReportEvent, ReportState
from tests.conftest import PASSWORD
from tests.factories import MeasureFactory
from tests.factories_admin import rows_for


@pytest.fixture
def rows(world):
    return {"a": rows_for(world.agency_a, "ของเอ"), "b": rows_for(world.agency_b, "ของบี")}


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


# --- who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "outsider", "staff_a", "director_a", "staff_b", "director_b"])
def test_only_supervisors_and_superusers_enter(world, role):
    response = world.client_for(role).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    # Model pages are refused the same way, not just the index.
    response = world.client_for(role).get(changelist(Agency))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["supervisor", "superuser"])
def test_supervisor_and_superuser_see_the_thai_index(world, role):
    response = world.client_for(role).get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ITA Portal — ระบบกำกับติดตามสำหรับหน่วยงานต้นสังกัด" in html
    assert "ข้อมูลหน่วยงานในสังกัด" in html
    assert "หน่วยงาน" in html and "มาตรการ" in html
    if role == "supervisor":
        assert world.supervising.name in html
        assert "ขอบเขตการกำกับติดตามของท่าน" in html


def test_admin_access_does_not_come_from_is_staff(world):
    """A staff flag without a supervisor membership opens nothing; a supervisor without it does."""
    staff_a = world.users["staff_a"]
    staff_a.is_staff = True
    staff_a.save()
    assert world.client_for("staff_a").get(reverse("admin:index")).status_code == 302
    supervisor = world.users["supervisor"]
    supervisor.is_staff = False
    supervisor.save()
    assert world.client_for("supervisor").get(reverse("admin:index")).status_code == 200
    Membership.objects.filter(user=supervisor).update(is_active=False)
    assert world.client_for("supervisor").get(reverse("admin:index")).status_code == 302


def test_admin_login_refuses_staff_with_thai_message_and_admits_supervisor(world):
    from django.test import Client

    client = Client()
    response = client.post(reverse("admin:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 200
    assert "สำหรับผู้กำกับติดตามของหน่วยงานต้นสังกัดเท่านั้น" in response.content.decode()
    response = client.post(reverse("admin:login"), {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 302


# --- what each sees --------------------------------------------------------------------------


def _listed(response) -> set:
    return set(response.context["cl"].result_list)


def test_supervisor_changelists_show_the_subtree_only(world, rows):
    client = world.client_for("supervisor")
    a, b = rows["a"], rows["b"]
    cases = [
        (Agency, {world.agency_a, world.supervising}, {world.agency_b}, world.agency_b.name),
        (
            Membership,
            set(Membership.objects.filter(agency=world.agency_a)),
            set(Membership.objects.filter(agency=world.agency_b)),
            world.agency_b.short_name,
        ),
        (type(a.assessment), {a.assessment}, {b.assessment}, world.agency_b.name),
        (Measure, {a.measure}, {b.measure}, "มาตรการ ของบี"),
        (type(a.report), {a.report}, {b.report}, "รายงาน ของบี"),
    ]
    for model, mine, theirs, their_text in cases:
        response = client.get(changelist(model))
        assert response.status_code == 200, model
        listed = _listed(response)
        assert mine <= listed, model
        assert not (theirs & listed), model
        # Not in the rows, nor in the filter sidebar, nor anywhere else on the page.
        assert their_text not in response.content.decode(), model


def test_superuser_sees_both_agencies(world, rows):
    client = world.client_for("superuser")
    for model, objs in [
        (Measure, {rows["a"].measure, rows["b"].measure}),
        (type(rows["a"].report), {rows["a"].report, rows["b"].report}),
        (Agency, {world.agency_a, world.agency_b, world.supervising}),
    ]:
        assert objs <= _listed(client.get(changelist(model)))


def test_supervisor_cannot_open_objects_outside_the_subtree(world, rows):
    client = world.client_for("supervisor")
    b = rows["b"]
    for obj in [
        world.agency_b,
        b.assessment,
        b.measure,
        b.report,
        b.event,
        b.rendition,
        Membership.objects.filter(agency=world.agency_b).first(),
    ]:
        response = client.get(change_url(obj))
        # Django's admin answers an object outside the queryset with a redirect to the index.
        assert response.status_code == 302, obj
        assert response["Location"] == reverse("admin:index")
        followed = client.get(change_url(obj), follow=True)
        assert followed.status_code == 200
        assert str(obj) not in followed.content.decode(), obj
    # Their own subtree opens.
    for obj in [world.agency_a, rows["a"].assessment, rows["a"].measure, rows["a"].report]:
        assert client.get(change_url(obj)).status_code == 200, obj


def test_history_of_an_outside_measure_is_refused(world, rows):
    client = world.client_for("supervisor")
    url = reverse("admin:measures_measure_history", args=[rows["b"].measure.pk])
    assert client.get(url).status_code == 403
    own = client.get(reverse("admin:measures_measure_history", args=[rows["a"].measure.pk]))
    assert own.status_code == 200
    assert "มาตรการ ของเอ" in own.content.decode()


def test_supervisor_sees_only_users_of_the_subtree(world):
    response = world.client_for("supervisor").get(changelist(type(world.users["staff_a"])))
    listed = _listed(response)
    assert world.users["staff_a"] in listed and world.users["director_a"] in listed
    assert world.users["staff_b"] not in listed and world.users["outsider"] not in listed
    assert world.users["superuser"] not in listed


def test_supervisor_user_list_names_only_agencies_of_the_subtree(world):
    """staff_a also works in B: the supervisor of A's subtree sees staff_a, but not that B exists."""
    Membership.objects.create(
        user=world.users["staff_a"], agency=world.agency_b, role=Role.STAFF, first_name_th="ก", last_name_th="ข"
    )
    page = world.client_for("supervisor").get(changelist(type(world.users["staff_a"]))).content.decode()
    assert world.agency_a.short_name in page
    assert world.agency_b.short_name not in page and world.agency_b.name not in page
    page = world.client_for("superuser").get(changelist(type(world.users["staff_a"]))).content.decode()
    assert world.agency_b.short_name in page


def test_autocomplete_offers_only_the_subtree(world, rows):
    client = world.client_for("supervisor")
    url = reverse("admin:autocomplete")
    params = {"app_label": "agencies", "model_name": "membership", "field_name": "agency", "term": ""}
    found = {r["text"] for r in client.get(url, params).json()["results"]}
    assert found == {world.agency_a.name, world.supervising.name}
    params = {"app_label": "agencies", "model_name": "membership", "field_name": "user", "term": "_b"}
    assert client.get(url, params).json()["results"] == []
    params["term"] = "_a"
    found = {r["text"] for r in client.get(url, params).json()["results"]}
    assert found == {"staff_a", "director_a"}


# --- what each may change --------------------------------------------------------------------


def _agency_post(**overrides) -> dict:
    data = {
        "name": "สำนักงานเขตพื้นที่การศึกษาใหม่",
        "short_name": "สพป.ใหม่",
        "code": "N0001",
        "kind": "primary_area",
        "parent": "",
        "is_active": "on",
        "doc_prefix": "",
        "head_title": "",
        "phone": "",
        "address": "",
        "website": "",
        "use_thai_digits": "on",
        "reminder_lead_days": "7,1",
        "divisions-TOTAL_FORMS": "0",
        "divisions-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_supervisor_cannot_choose_a_parent_outside_the_subtree(world):
    client = world.client_for("supervisor")
    response = client.post(add_url(Agency), _agency_post(parent=str(world.agency_b.pk)))
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Agency.objects.filter(code="N0001").exists()
    # No parent at all would make a root outside every subtree.
    response = client.post(add_url(Agency), _agency_post())
    assert "หน่วยงานต้นสังกัด" in str(response.context["adminform"].form.errors["parent"])
    assert not Agency.objects.filter(code="N0001").exists()


def test_supervisor_adds_agency_with_division_inside_the_subtree(world):
    client = world.client_for("supervisor")
    data = _agency_post(
        parent=str(world.agency_a.pk),
        **{
            "divisions-TOTAL_FORMS": "1",
            "divisions-0-name": "กลุ่มอำนวยการ",
            "divisions-0-short_name": "",
            "divisions-0-order": "1",
            "divisions-0-is_active": "on",
        },
    )
    response = client.post(add_url(Agency), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = Agency.objects.get(code="N0001")
    assert created.path == f"{world.agency_a.path}{created.pk}/"
    assert list(created.divisions.values_list("name", flat=True)) == ["กลุ่มอำนวยการ"]


def test_supervisor_cannot_move_their_own_root(world):
    client = world.client_for("supervisor")
    response = client.get(change_url(world.supervising))
    assert "parent" not in response.context["adminform"].form.fields
    response = client.get(change_url(world.agency_a))
    assert "parent" in response.context["adminform"].form.fields


def test_supervisor_adds_membership_through_the_service(world):
    staff_a = world.users["staff_a"]
    assert not staff_a.is_staff
    client = world.client_for("supervisor")
    data = {
        "user": str(staff_a.pk),
        "agency": str(world.supervising.pk),
        "division": "",
        "role": Role.SUPERVISOR,
        "name_title": "นาย",
        "first_name_th": "สมชาย",
        "last_name_th": "ใจดี",
        "position_title": "",
        "is_active": "on",
    }
    response = client.post(add_url(Membership), data)
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.is_staff  # membership_create synced the login, as only the service does
    # A division of another agency is refused with a Thai message instead of a crash.
    data.update(user=str(world.users["director_a"].pk), division=str(world.agency_a.divisions.first().pk))
    response = client.post(add_url(Membership), data)
    assert response.status_code == 200
    assert "กลุ่มงาน" in str(response.context["adminform"].form.errors)


def test_supervisor_loads_scores_but_only_views_measures_and_reports(world, rows):
    client = world.client_for("supervisor")
    a = rows["a"]
    page = client.get(change_url(a.assessment)).content.decode()
    assert 'name="_save"' in page
    for obj in [a.measure, a.report, a.event]:
        response = client.get(change_url(obj))
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode(), obj
        assert client.post(change_url(obj), {}).status_code == 403, obj
    assert client.get(add_url(Measure)).status_code == 403


def test_report_events_are_read_only_even_for_the_superuser(world, rows):
    client = world.client_for("superuser")
    event = rows["a"].event
    assert client.get(change_url(event)).status_code == 200
    assert 'name="_save"' not in client.get(change_url(event)).content.decode()
    assert client.post(change_url(event), {"action": "approve", "note": "แก้ประวัติ"}).status_code == 403
    delete = reverse("admin:reports_reportevent_delete", args=[event.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(add_url(ReportEvent)).status_code == 403
    event.refresh_from_db()
    assert event.note == "สร้าง ของเอ"
    assert ReportEvent.objects.filter(pk=event.pk).exists()


def test_approved_report_and_final_rendition_are_frozen(world, rows):
    client = world.client_for("superuser")
    report, rendition = rows["a"].report, rows["a"].rendition
    # Even a draft is only viewed here: reports change in the staff pages, through reports.services,
    # which record every change as a ReportEvent.
    assert 'name="_save"' not in client.get(change_url(report)).content.decode()
    assert client.post(change_url(report), {"subject": "แก้ผ่าน admin"}).status_code == 403
    type(report).objects.filter(pk=report.pk).update(state=ReportState.APPROVED)
    Rendition.objects.filter(pk=rendition.pk).update(is_final=True)
    for obj in [report, rendition]:
        assert 'name="_save"' not in client.get(change_url(obj)).content.decode()
        assert client.post(change_url(obj), {}).status_code == 403
        delete = reverse(f"admin:reports_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(report).objects.filter(pk=report.pk).exists()


# --- every page renders, without N+1 ----------------------------------------------------------


def test_every_registered_model_renders_for_the_superuser(world, rows):
    client = world.client_for("superuser")
    superuser = world.users["superuser"]
    checked = 0
    for model, model_admin in admin.site._registry.items():
        response = client.get(changelist(model))
        assert response.status_code == 200, model
        request = response.wsgi_request
        request.user = superuser
        if model_admin.has_add_permission(request):
            assert client.get(add_url(model)).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(change_url(obj)).status_code == 200, model
        checked += 1
    names = {m.__name__ for m in admin.site._registry}
    assert {
        "Agency",
        "Division",
        "Membership",
        "Assessor",
        "Framework",
        "Indicator",
        "Item",
        "Assessment",
        "IndicatorScore",
        "ItemResult",
        "Weakness",
        "Measure",
        "MeasureStep",
        "FollowUp",
        "Reminder",
        "ProgressUpdate",
        "Evidence",
        "DocumentSequence",
        "Report",
        "ReportEvent",
        "Rendition",
    } <= names
    assert checked == len(admin.site._registry)


def test_every_app_model_renders_for_the_supervisor(world, rows):
    client = world.client_for("supervisor")
    for model in admin.site._registry:
        if model._meta.app_label not in {"agencies", "indicators", "measures", "reports", "auth"}:
            continue
        if model._meta.model_name in {"group", "calendarfeedtoken"}:  # not the supervisors' business
            assert client.get(changelist(model)).status_code == 403
            continue
        assert client.get(changelist(model)).status_code == 200, model


def _queries_for(client, url) -> int:
    """Queries of a warm request (the catalogue's years come from the cache after the first)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["supervisor", "superuser"])
def test_measure_changelist_queries_do_not_grow_with_rows(world, role):
    client = world.client_for(role)
    division = world.agency_a.divisions.first()
    for _ in range(3):
        MeasureFactory(agency=world.agency_a).responsible_divisions.add(division)
    few = _queries_for(client, changelist(Measure))
    for _ in range(27):
        MeasureFactory(agency=world.agency_a).responsible_divisions.add(division)
    many = _queries_for(client, changelist(Measure))
    assert many == few


def test_other_changelists_queries_do_not_grow_with_rows(world):
    client = world.client_for("supervisor")
    rows_for(world.agency_a, "หนึ่ง")
    urls = [
        changelist(m)
        for m in admin.site._registry
        if m._meta.app_label in {"agencies", "indicators", "measures", "reports"} and m._meta.model_name != "calendarfeedtoken"
    ]
    before = {url: _queries_for(client, url) for url in urls}
    from tests.factories import AgencyFactory

    for n in range(4):
        rows_for(AgencyFactory(parent=world.agency_a, code=f"C{n:04d}"), f"ลูก{n}")
    after = {url: _queries_for(client, url) for url in urls}
    grown = {url: (before[url], after[url]) for url in urls if after[url] > before[url]}
    assert not grown


def _assessment_post(assessment, score: str) -> dict:
    score_row = assessment.indicator_scores.get()
    return {
        "agency": str(assessment.agency_id),
        "framework": str(assessment.framework_id),
        "source": "entered",
        "overall_score": "88.00",
        "grade": "A",
        "passed": "true",
        "rating_text": "",
        "iit_score": "",
        "eit_score": "",
        "oit_score": "",
        "note": "",
        "indicator_scores-TOTAL_FORMS": "1",
        "indicator_scores-INITIAL_FORMS": "1",
        "indicator_scores-0-id": str(score_row.pk),
        "indicator_scores-0-assessment": str(assessment.pk),
        "indicator_scores-0-indicator": str(score_row.indicator_id),
        "indicator_scores-0-score": score,
        "item_results-TOTAL_FORMS": "0",
        "item_results-INITIAL_FORMS": "0",
    }


def test_supervisor_loads_scores_of_the_subtree_only(world, rows):
    client = world.client_for("supervisor")
    a, b = rows["a"].assessment, rows["b"].assessment
    response = client.post(change_url(a), _assessment_post(a, "91.50"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    a.refresh_from_db()
    assert (str(a.indicator_scores.get().score), a.updated_by) == ("91.50", world.users["supervisor"])
    # The typed overall score and grade in the POST are ignored: the service computes them (one of
    # ten indicators scored is not a complete assessment, so there is no overall score yet).
    assert (a.overall_score, a.grade) == (None, "")
    # A score out of range is refused with the model's Thai message, nothing saved.
    response = client.post(change_url(a), _assessment_post(a, "150"))
    assert response.status_code == 200
    assert "คะแนนต้องไม่เกิน 100" in response.content.decode()
    # B's assessment is outside the subtree: not found, not changed.
    response = client.post(change_url(b), _assessment_post(b, "10"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert str(b.indicator_scores.get().score) == "70.00"
    # A staff member of A cannot load scores through the admin at all.
    response = world.client_for("staff_a").post(change_url(a), _assessment_post(a, "10"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert str(a.indicator_scores.get().score) == "91.50"


def test_supervisor_removes_membership_through_the_service(world):
    from ita_portal.agencies.services import membership_create

    user = world.users["director_a"]
    membership = membership_create(
        user=user, agency=world.agency_a.parent, role=Role.SUPERVISOR, first_name_th="วิภา", last_name_th="ดี"
    )
    user.refresh_from_db()
    assert user.is_staff
    client = world.client_for("supervisor")
    response = client.post(reverse("admin:agencies_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_staff  # membership_delete re-synced the login
    other = Membership.objects.filter(agency=world.agency_b).first()
    response = client.post(reverse("admin:agencies_membership_delete", args=[other.pk]), {"post": "yes"})
    assert Membership.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role", ["supervisor", "superuser"])
def test_change_pages_with_long_inlines_do_not_grow(world, role):
    from decimal import Decimal

    from indicators.models import IndicatorScore, ItemResult
    from tests.factories import make_framework
    from tests.factories_admin import AssessmentFactory

    client = world.client_for(role)
    counts = []
    for year, items in ((2565, 4), (2566, 40)):
        framework = make_framework(year, oit_items=items)
        assessment = AssessmentFactory(agency=world.agency_a, framework=framework)
        for item in framework.items.all():
            ItemResult.objects.create(assessment=assessment, item=item, passed=True)
        for indicator in framework.indicators.all():
            IndicatorScore.objects.create(assessment=assessment, indicator=indicator, score=Decimal("80"))
        counts.append((_queries_for(client, change_url(framework)), _queries_for(client, change_url(assessment))))
    assert counts[0] == counts[1]


def test_lists_speak_thai_with_be_dates_and_state_badges(world, rows):
    client = world.client_for("supervisor")
    html = client.get(changelist(Measure)).content.decode()
    assert "1 มิ.ย. 2567 – 31 ก.ค. 2567" in html  # period in BE
    # The fiscal-year filter's links in BE (the date drill-down, BE too, is tested on import batches
    # in test_admin_be_dates.py).
    assert ">2567<" in html.replace("\n", "") and ">2024<" not in html.replace("\n", "")
    type(rows["a"].report).objects.filter(pk=rows["a"].report.pk).update(state=ReportState.PUBLISHED)
    html = client.get(changelist(type(rows["a"].report))).content.decode()
    assert '<span class="ita-badge ita-badge-success">เผยแพร่แล้ว</span>' in html
    html = client.get(changelist(Agency)).content.decode()
    assert "จำนวนสมาชิก" in html


def test_superuser_deletes_measures_through_the_service_and_cannot_edit_them(world):
    from measures.models import MeasureStep

    measure = MeasureFactory(agency=world.agency_a)
    MeasureStep.objects.create(measure=measure, order=1, text="แต่งตั้งคณะทำงาน")
    client = world.client_for("superuser")
    page = client.get(reverse("admin:measures_measure_change", args=[measure.pk]))
    assert page.status_code == 200 and b'name="title"' not in page.content  # view-only
    response = client.post(reverse("admin:measures_measure_delete", args=[measure.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert not MeasureStep.objects.filter(measure_id=measure.pk).exists()


def test_calendar_feed_tokens_are_masked_for_the_superuser(world):
    from measures.services import feed_token_get_or_create

    token = feed_token_get_or_create(user=world.users["staff_a"], agency=world.agency_a)
    page = world.client_for("superuser").get(changelist(token.__class__)).content.decode()
    assert "staff_a" in page and token.token not in page


def test_agency_filter_is_a_code_box_that_keeps_the_scope(world, rows):
    client = world.client_for("supervisor")
    url = changelist(Measure)
    html = client.get(url).content.decode()
    assert 'name="agency__code"' in html
    assert f"agency__id__exact={world.agency_a.pk}" not in html  # no link per agency in the sidebar
    assert _listed(client.get(url, {"agency__code": world.agency_a.code})) == {rows["a"].measure}
    # A code outside the supervisor's subtree finds nothing, it never widens the scope.
    assert _listed(client.get(url, {"agency__code": world.agency_b.code})) == set()
    response = client.get(url, {"agency__code": world.agency_a.code, "status": rows["a"].measure.status})
    assert f'name="status" value="{rows["a"].measure.status}"' in response.content.decode()  # other filters kept


def test_action_checkbox_is_djangos_html_and_lists_page_by_fifty(world, rows):
    """The written-out checkbox is byte for byte Django's widget rendering (so the admin's
    select-all script still finds it), and changelists show 50 rows a page."""
    from django.utils import translation

    measure_admin = admin.site._registry[Measure]
    measure = Measure.objects.first()
    for lang in ("th", "en"):
        with translation.override(lang):
            assert measure_admin.action_checkbox(measure) == admin.ModelAdmin.action_checkbox(measure_admin, measure)
    assert {type(a).list_per_page for a in admin.site._registry.values() if hasattr(a, "scope_for")} == {50}
    client = world.client_for("superuser")
    MeasureFactory.create_batch(55, agency=world.agency_a)
    page = client.get(changelist(Measure)).content.decode()
    assert page.count('class="action-select"') == 50


def _model_links(response) -> set[str]:
    import re

    return set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', response.content.decode()))


def test_the_admin_model_list_is_cached_per_user_and_follows_their_roles(world, monkeypatch):
    """The sidebar's and index's model list is built from every ModelAdmin's permission checks:
    cached per user (a later page does none of them) and rebuilt when the user's roles change."""
    from django.contrib.admin.options import ModelAdmin

    checks = []
    original = ModelAdmin.get_model_perms
    monkeypatch.setattr(ModelAdmin, "get_model_perms", lambda self, request: checks.append(self) or original(self, request))
    supervisor = world.client_for("supervisor")
    before = _model_links(supervisor.get(reverse("admin:index")))
    assert checks
    checks.clear()
    assert _model_links(supervisor.get(reverse("admin:index"))) == before
    assert _model_links(supervisor.get(changelist(Measure))) >= before  # the sidebar
    assert not checks
    superuser_links = _model_links(world.client_for("superuser").get(reverse("admin:index")))
    assert before and before != superuser_links
    user = world.users["supervisor"]
    user.is_superuser = True
    user.save()
    assert _model_links(supervisor.get(reverse("admin:index"))) == superuser_links
    user.is_superuser = False
    user.save()
    assert _model_links(supervisor.get(reverse("admin:index"))) == before


def _member_counts(html: str) -> dict[str, int]:
    """Name of each listed row (its first column's link text) → its members column."""
    import re

    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    out = {}
    for row in rows:
        name = re.search(r'<th class="field-name"><a [^>]*>([^<]*)</a>', row)
        count = re.search(r'<td class="field-member_count">([^<]*)</td>', row)
        if name and count:
            out[name.group(1)] = int(count.group(1))
    return out


def test_agency_and_division_lists_count_active_members_per_row_without_grouping_the_subtree(world):
    """The members column counts the active memberships of each shown row (an inactive one left
    out, an empty division 0), sorts, and the rows' query joins no membership: the count is a
    subquery per shown row, not a GROUP BY over every membership of the supervisor's subtree."""
    from tests.factories import DivisionFactory, MembershipFactory

    div_a = world.agency_a.divisions.get()
    MembershipFactory(agency=world.agency_a, division=div_a)
    MembershipFactory(agency=world.agency_a, division=div_a, is_active=False)
    empty = DivisionFactory(agency=world.agency_a, name="กลุ่มว่าง")
    client = world.client_for("supervisor")

    with CaptureQueriesContext(connection) as ctx:
        html = client.get(changelist(Agency)).content.decode()
    # staff_a, director_a and the new active member; the supervisor's own agency has the supervisor.
    assert _member_counts(html) == {world.agency_a.name: 3, world.supervising.name: 1}
    (rows_sql,) = [q["sql"] for q in ctx.captured_queries if "member_count" in q["sql"] and "COUNT(" not in q["sql"][:20]]
    # Not grouped (the subquery in the select list is, inside its parentheses):
    assert "GROUP BY" not in rows_sql.split("FROM", 1)[0] + rows_sql.rsplit(")", 1)[-1]
    assert 'JOIN "agencies_membership"' not in rows_sql

    column = list(admin.site._registry[Agency].list_display).index("member_count") + 1
    ordered = client.get(changelist(Agency) + f"?o=-{column}").content.decode()
    assert list(_member_counts(ordered)) == [world.agency_a.name, world.supervising.name]

    from ita_portal.agencies.models import Division

    with CaptureQueriesContext(connection) as ctx:
        html = client.get(changelist(Division)).content.decode()
    assert _member_counts(html) == {div_a.name: 2, empty.name: 0}
    assert not [q for q in ctx.captured_queries if 'JOIN "agencies_membership"' in q["sql"]]


def _result_table(response) -> str:
    import re

    match = re.search(r'<table id="result_list">.*?</table>', response.content.decode(), re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("role", ["superuser", "supervisor"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_changelist_cells_are_djangos_byte_for_byte(world, rows, role, language, monkeypatch):
    """``ita_portal.admin_list_fast`` writes every registered changelist's rows exactly as Django's
    own ``items_for_result`` does (links, classes, empty values, dates, icons, preserved filters)."""
    from django.conf import settings
    from django.contrib.admin.templatetags import admin_list

    from ita_portal import admin_list_fast

    prepared = []
    real_columns = admin_list_fast._columns
    monkeypatch.setattr(admin_list_fast, "_columns", lambda cl, result: prepared.append(cl) or real_columns(cl, result))
    MeasureFactory(agency=world.agency_a, title="", responsible_note="")  # blank texts: Django's empty-value cells
    client = world.client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    compared = 0
    for model in admin.site._registry:
        for query in ("", "?o=-1", "?o=2.-1&q=%E0%B8%A1"):
            url = changelist(model) + query
            assert admin_list.items_for_result is admin_list_fast.items_for_result
            ours = client.get(url)
            if ours.status_code != 200:
                continue
            with monkeypatch.context() as m:
                m.setattr(admin_list, "items_for_result", admin_list_fast.django_items_for_result)
                theirs = client.get(url)
            assert _result_table(ours) == _result_table(theirs), url
            compared += bool(_result_table(ours))
    assert compared >= 20
    assert len(prepared) >= 20  # the fast path ran (not Django's fallback)
