"""The staff shell: sign-in pages, home, agency list and detail, navigation, error pages, English.

Every view is requested as every role of ``world``; refusals (302 to login, 404 across agencies)
are asserted as carefully as access.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from django.views import defaults

from indicators.models import Assessment
from ita_portal.agencies import navigation
from ita_portal.agencies.models import AgencyKind, Role
from measures.models import FollowUp, MeasureStatus
from reports.models import Report, ReportKind, ReportState
from tests.conftest import PASSWORD, READERS_OF_A, ROLES, assert_status
from tests.factories import AgencyFactory, DivisionFactory, FrameworkFactory, MeasureFactory, MembershipFactory, UserFactory

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
YEAR = 2567  # the fiscal year of the frozen "today" below
NO_MEMBERSHIP = "บัญชีของท่านยังไม่ได้สังกัดหน่วยงานใด"


@pytest.fixture(autouse=True)
def frozen_today():
    # 15 June 2024 (BE 2567) sits in fiscal year 2567.
    with time_machine.travel(dt.datetime(2024, 6, 15, 9, 0, tzinfo=BANGKOK), tick=False):
        yield


def detail_url(agency, year: int = YEAR) -> str:
    return reverse("agency_detail", kwargs={"agency_id": agency.pk, "year": year})


def html(response) -> str:
    return response.content.decode()


# --- access for every role ------------------------------------------------------------------


def test_url_names_are_the_contract():
    assert reverse("home") == "/"
    assert reverse("login") == "/login/"
    assert reverse("logout") == "/logout/"
    assert reverse("password_change") == "/password/change/"
    assert reverse("password_change_done") == "/password/change/done/"
    assert reverse("agency_list") == "/agencies/"
    assert reverse("agency_detail", kwargs={"agency_id": 7, "year": 2567}) == "/a/7/2567/"


@pytest.mark.parametrize("name", ["home", "agency_list", "password_change", "password_change_done"])
def test_user_pages_by_role(world, name):
    expected = {role: 200 for role in ROLES}
    expected["anonymous"] = 302
    assert_status(world, reverse(name), expected)


def test_anonymous_is_sent_to_login_with_next(world):
    for url in ("/", "/agencies/", detail_url(world.agency_a)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_agency_a_detail_by_role(world):
    assert_status(
        world,
        detail_url(world.agency_a),
        READERS_OF_A,
    )


def test_agency_b_detail_by_role(world):
    assert_status(
        world,
        detail_url(world.agency_b),
        {
            "anonymous": 302,
            "outsider": 404,
            "staff_a": 404,
            "director_a": 404,
            "staff_b": 200,
            "director_b": 200,
            "supervisor": 404,
            "superuser": 200,
        },
    )


def test_supervising_agency_detail_by_role(world):
    assert_status(
        world,
        detail_url(world.supervising),
        {
            "anonymous": 302,
            "outsider": 404,
            "staff_a": 404,
            "director_a": 404,
            "staff_b": 404,
            "director_b": 404,
            "supervisor": 200,
            "superuser": 200,
        },
    )


def test_detail_rejects_a_year_that_is_not_buddhist_era(world):
    response = world.client_for("staff_a").get(detail_url(world.agency_a, 2024))
    assert response.status_code == 404


def test_refused_detail_does_not_reveal_the_agency(world):
    response = world.client_for("staff_a").get(detail_url(world.agency_b))
    assert response.status_code == 404
    page = html(response)
    assert "ไม่พบหน้าที่ต้องการ" in page
    assert world.agency_b.name not in page
    assert world.agency_b.short_name not in page
    # the shell still shows the user's own agency, not the one in the URL
    assert world.agency_a.short_name in page


# --- home --------------------------------------------------------------------------------


def test_outsider_home_says_to_contact_the_administrator(world):
    page = html(world.client_for("outsider").get("/"))
    assert NO_MEMBERSHIP in page
    assert "กรุณาติดต่อผู้ดูแลระบบ" in page
    assert world.agency_a.name not in page and world.agency_b.name not in page


def test_staff_home_shows_agency_role_division_and_year(world):
    page = html(world.client_for("staff_a").get("/"))
    assert world.agency_a.name in page
    assert "เจ้าหน้าที่" in page
    assert "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา" in page
    assert "ปีงบประมาณ 2567" in page
    assert world.agency_b.name not in page
    assert NO_MEMBERSHIP not in page
    assert detail_url(world.agency_a) in page


def test_home_shows_the_years_assessment_measures_followup_and_reports(world):
    agency = world.agency_a
    framework = FrameworkFactory(fiscal_year=YEAR)
    Assessment.objects.create(agency=agency, framework=framework, overall_score=Decimal("91.37"), grade="A", passed=True)
    for status in (MeasureStatus.DONE, MeasureStatus.DONE, MeasureStatus.IN_PROGRESS):
        MeasureFactory(agency=agency, fiscal_year=YEAR, status=status)
    MeasureFactory(agency=world.agency_b, fiscal_year=YEAR, status=MeasureStatus.NOT_DONE)
    FollowUp.objects.create(
        agency=agency, fiscal_year=YEAR, number=3, title="ติดตามครั้งที่สาม", starts_at=dt.datetime(2024, 7, 1, 9, 30, tzinfo=BANGKOK)
    )
    FollowUp.objects.create(agency=agency, fiscal_year=YEAR, number=4, starts_at=dt.datetime(2024, 7, 15, 9, 30, tzinfo=BANGKOK))
    FollowUp.objects.create(agency=agency, fiscal_year=YEAR, number=2, starts_at=dt.datetime(2024, 6, 1, 9, 30, tzinfo=BANGKOK))
    report = dict(agency=agency, fiscal_year=YEAR, kind=ReportKind.RESULTS, subject="รายงานผล", addressee="ผอ.", body="เนื้อความ")
    Report.objects.create(**report, state=ReportState.SUBMITTED)
    Report.objects.create(**report, state=ReportState.SUBMITTED)
    Report.objects.create(**report, state=ReportState.RETURNED)
    Report.objects.create(**report, state=ReportState.PUBLISHED)

    page = html(world.client_for("director_a").get("/"))
    assert "91.37" in page
    assert ">A</span>" in page
    assert "ผ่านเกณฑ์" in page
    measures = re.search(r'id="s-measures-\d+">.*?</section>', page, re.S).group(0)
    assert 'text-bg-secondary">3<' in measures  # A's three, not B's one
    assert re.search(r"ดำเนินการแล้ว</span><strong>2<", measures)
    assert re.search(r"กำลังดำเนินการ</span><strong>1<", measures)
    assert re.search(r"ไม่ดำเนินการ</span><strong>0<", measures)
    followup = re.search(r'id="s-followup-\d+">.*?</section>', page, re.S).group(0)
    assert "ครั้งที่ 3" in followup and "ติดตามครั้งที่สาม" in followup
    assert "1 ก.ค. 2567 เวลา 09.30 น." in followup
    assert "รอผู้บริหารพิจารณา 2 ฉบับ" in page
    assert "ส่งกลับแก้ไข 1 ฉบับ" in page


def test_home_without_this_years_assessment_points_to_the_latest(world):
    framework = FrameworkFactory(fiscal_year=2566)
    Assessment.objects.create(agency=world.agency_a, framework=framework, overall_score=Decimal("78.50"), grade="C", passed=False)
    page = html(world.client_for("staff_a").get("/"))
    assert "ยังไม่มีผลการประเมินของปีนี้" in page
    assert "ล่าสุด ปี 2566: 78.50 คะแนน (C)" in page


def test_home_has_one_card_per_membership(world):
    user = world.users["staff_b"]
    MembershipFactory(user=user, agency=world.agency_a, role=Role.DIRECTOR)
    page = html(world.client_for("staff_b").get("/"))
    assert page.count('class="card portal-card mb-4"') == 2
    assert world.agency_a.name in page and world.agency_b.name in page


def test_supervisor_home_counts_the_subtree_and_links_to_the_list(world):
    AgencyFactory(parent=world.agency_a)  # a grandchild counts too
    AgencyFactory()  # unrelated, not counted
    page = html(world.client_for("supervisor").get("/"))
    assert "หน่วยงานในความกำกับ 3 หน่วยงาน" in page
    assert reverse("agency_list") in page


def test_supervisor_home_links_to_the_subtree_overview(world, monkeypatch):
    # The overview page belongs to the scores app; any resolvable name stands in for it here.
    monkeypatch.setattr(navigation, "SUPERVISION_URL_NAMES", ("nowhere:missing", "agency_detail"))
    page = html(world.client_for("supervisor").get("/"))
    assert "ผลคะแนนหน่วยงานในสังกัด" in page and detail_url(world.supervising) in page
    assert "ผลคะแนนหน่วยงานในสังกัด" not in html(world.client_for("director_a").get("/"))


def test_superuser_without_membership_gets_the_admin_view(world):
    page = html(world.client_for("superuser").get("/"))
    assert NO_MEMBERSHIP not in page
    assert "ระบบมีหน่วยงานที่ใช้งานอยู่ 3 หน่วยงาน" in page


# --- agency pages --------------------------------------------------------------------------


def test_agency_detail_shows_info_parent_divisions_and_members(world):
    world.agency_a.phone = "0 3441 1234"
    world.agency_a.save()
    page = html(world.client_for("staff_a").get(detail_url(world.agency_a)))
    assert world.agency_a.name in page
    assert world.supervising.name in page  # parent, shown as text: staff_a cannot open it
    assert detail_url(world.supervising) not in page
    assert "0 3441 1234" in page
    assert "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา" in page
    staff = world.users["staff_a"].memberships.get()
    assert staff.full_name in page and staff.full_name.startswith("นาง")
    assert staff.position_title in page
    assert "ผู้อำนวยการ / หัวหน้าส่วนราชการ" in page  # director_a's role


def test_supervisor_detail_links_parent_and_children(world):
    client = world.client_for("supervisor")
    page = html(client.get(detail_url(world.agency_a)))
    assert detail_url(world.supervising) in page  # the supervisor may open the parent
    page = html(client.get(detail_url(world.supervising)))
    assert "หน่วยงานในสังกัด" in page
    assert detail_url(world.agency_a) in page
    assert world.agency_b.name not in page


def test_agency_list_for_supervisor_shows_subtree_only(world):
    page = html(world.client_for("supervisor").get("/agencies/"))
    assert world.agency_a.name in page
    assert world.supervising.name in page
    assert world.agency_b.name not in page


@pytest.mark.parametrize(
    ("role", "seen", "unseen"),
    [("staff_a", "agency_a", "agency_b"), ("staff_b", "agency_b", "agency_a"), ("superuser", "agency_b", None)],
)
def test_agency_list_is_scoped(world, role, seen, unseen):
    page = html(world.client_for(role).get("/agencies/"))
    assert getattr(world, seen).name in page
    if unseen:
        assert getattr(world, unseen).name not in page


def test_agency_list_for_outsider_is_empty(world):
    page = html(world.client_for("outsider").get("/agencies/"))
    assert "ไม่มีหน่วยงานที่ท่านมีสิทธิ์ดู" in page
    for agency in (world.agency_a, world.agency_b, world.supervising):
        assert agency.name not in page


def test_agency_list_search_kind_filter_and_pagination(world):
    for n in range(30):
        AgencyFactory(parent=world.supervising, name=f"โรงเรียนบ้านทดสอบ {n:02d}", kind=AgencyKind.SCHOOL, code=f"SCH{n:03d}")
    client = world.client_for("supervisor")

    page = html(client.get("/agencies/", {"q": "บ้านทดสอบ 07"}))
    assert "โรงเรียนบ้านทดสอบ 07" in page and "โรงเรียนบ้านทดสอบ 08" not in page

    page = html(client.get("/agencies/", {"q": "sch012"}))  # by code, case-insensitive
    assert "โรงเรียนบ้านทดสอบ 12" in page

    page = html(client.get("/agencies/", {"kind": AgencyKind.SCHOOL}))
    assert "พบ 30 หน่วยงาน" in page
    assert world.agency_a.name not in page
    assert "หน้า 1 จาก 2" in page
    assert "kind=school&amp;page=2" in page  # paging keeps the filter

    page = html(client.get("/agencies/", {"kind": AgencyKind.SCHOOL, "page": 2}))
    assert "หน้า 2 จาก 2" in page
    assert page.count("โรงเรียนบ้านทดสอบ") == 5

    page = html(client.get("/agencies/", {"q": "ไม่มีชื่อนี้แน่นอน"}))
    assert "ไม่พบหน่วยงานที่ตรงกับเงื่อนไขการค้นหา" in page


def test_agency_list_parent_filter_is_scoped(world):
    client = world.client_for("supervisor")
    page = html(client.get("/agencies/", {"parent": world.supervising.pk}))
    assert world.agency_a.name in page and "พบ 1 หน่วยงาน" in page
    assert client.get("/agencies/", {"parent": world.agency_b.pk}).status_code == 404


# --- sign-in, sign-out, password -----------------------------------------------------------


def test_login_page_is_thai_and_wrong_password_is_explained(world):
    client = Client()
    page = html(client.get("/login/"))
    assert "เข้าสู่ระบบ" in page and "ชื่อผู้ใช้" in page and "รหัสผ่าน" in page
    response = client.post("/login/", {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html(response)
    assert 'value="staff_a"' in html(response)  # what was typed is kept
    assert "_auth_user_id" not in client.session


def test_login_with_empty_fields_says_what_is_missing(world):
    page = html(Client().post("/login/", {"username": "", "password": ""}))
    assert "กรุณากรอกชื่อผู้ใช้" in page and "กรุณากรอกรหัสผ่าน" in page


def test_login_then_home(world):
    client = Client()
    response = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert world.agency_a.name in html(client.get("/"))


def test_login_follows_next(world):
    client = Client()
    response = client.post("/login/", {"username": "staff_a", "password": PASSWORD, "next": detail_url(world.agency_a)})
    assert response["Location"] == detail_url(world.agency_a)


def test_logout_is_post_only(world):
    client = world.client_for("staff_a")
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200  # still signed in
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302
    assert "ออกจากระบบเรียบร้อยแล้ว" in html(client.get("/login/"))


def test_logout_form_in_navbar_posts_with_csrf(world):
    page = html(world.client_for("staff_a").get("/"))
    assert re.search(r'<form method="post" action="/logout/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', page)


def test_password_change_works(world):
    client = world.client_for("staff_a")
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": "ไทย-ใหม่-2567!", "new_password2": "ไทย-ใหม่-2567!"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว" in html(client.get(response["Location"]))
    assert client.get("/").status_code == 200  # the session survives the change
    fresh = Client()
    assert fresh.login(request=HttpRequest(), username="staff_a", password="ไทย-ใหม่-2567!")
    assert not Client().login(request=HttpRequest(), username="staff_a", password=PASSWORD)


def test_password_change_errors_are_thai(world):
    client = world.client_for("staff_a")
    page = html(client.post("/password/change/", {"old_password": "wrong", "new_password1": "a1", "new_password2": "a2"}))
    assert "รหัสผ่านเดิมไม่ถูกต้อง" in page
    assert "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน" in page
    assert "กรุณาแก้ไขข้อมูลที่ไม่ถูกต้องด้านล่าง" in page


# --- the shell: navbar, switchers, htmx --------------------------------------------------------


def test_base_loads_vendored_assets_only(world):
    page = html(world.client_for("staff_a").get("/"))
    for asset in (
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "/static/css/portal.css",
    ):
        assert asset in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_body_sends_csrf_header_for_htmx(world):
    client = world.client_for("staff_a")
    response = client.get("/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(response)).group(1)
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html(response))
    assert "X-CSRFToken" in html(response) and token


def test_navbar_shows_thai_name_role_and_product(world):
    page = html(world.client_for("director_a").get("/"))
    membership = world.users["director_a"].memberships.get()
    assert "ITA Portal" in page
    assert membership.full_name in page
    assert "ผู้อำนวยการ / หัวหน้าส่วนราชการ" in page
    assert 'name="language" value="en"' in page  # the switch offers the other language


def test_portal_css_declares_sarabun_from_static_fonts():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/portal.css"), encoding="utf-8").read()
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert f"../fonts/Sarabun-{face}.ttf" in css
        assert finders.find(f"fonts/Sarabun-{face}.ttf")


def test_year_switcher_lists_framework_years_and_current(world):
    FrameworkFactory(fiscal_year=2565)
    FrameworkFactory(fiscal_year=2566)
    page = html(world.client_for("staff_a").get(detail_url(world.agency_a, 2566)))
    switcher = re.search(r'aria-labelledby="year-switcher">.*?</ul>', page, re.S).group(0)
    assert [int(y) for y in re.findall(r"ปีงบประมาณ (\d{4})", switcher)] == [2567, 2566, 2565]
    assert detail_url(world.agency_a, 2565) in switcher
    assert re.search(r'class="dropdown-item active" href="/a/\d+/2566/"', switcher)


def test_agency_switcher_lists_memberships_and_keeps_the_year(world):
    user = world.users["staff_b"]
    MembershipFactory(user=user, agency=world.agency_a, role=Role.STAFF)
    page = html(world.client_for("staff_b").get(detail_url(world.agency_b, 2566)))
    menu = re.search(r'aria-labelledby="agency-switcher">.*?</div>\s*</li>', page, re.S).group(0)
    assert detail_url(world.agency_a, 2566) in menu and detail_url(world.agency_b, 2566) in menu
    assert "ค้นหาหน่วยงานในสังกัด" not in menu  # not a supervisor: no search box


def test_supervisor_switcher_never_lists_the_whole_subtree(world):
    for n in range(40):
        AgencyFactory(parent=world.supervising, name=f"หน่วยงานลูก {n:02d}")
    page = html(world.client_for("supervisor").get("/"))
    menu = re.search(r'aria-labelledby="agency-switcher">.*?</div>\s*</li>', page, re.S).group(0)
    assert "หน่วยงานลูก" not in menu
    assert 'name="q"' in menu and 'action="/agencies/"' in menu


def test_supervisor_reading_a_child_sees_it_as_current_agency(world):
    page = html(world.client_for("supervisor").get(detail_url(world.agency_a)))
    toggle = re.search(r'id="agency-switcher".*?</a>', page, re.S).group(0)
    assert world.agency_a.short_name in toggle
    assert "ผู้กำกับติดตาม" in page


def test_navigation_reads_url_kwargs_through_the_selector(world, rf: RequestFactory):
    def context_for(role: str, path: str) -> dict:
        request = rf.get(path)
        request.user = world.users[role]
        request.resolver_match = resolve(path)
        return navigation.navigation_context(request)

    ctx = context_for("supervisor", detail_url(world.agency_a, 2565))
    assert ctx["nav_agency"] == world.agency_a and ctx["nav_year"] == 2565
    assert 2565 in ctx["nav_years"] and YEAR in ctx["nav_years"]
    ctx = context_for("staff_a", detail_url(world.agency_b))
    assert ctx["nav_agency"] == world.agency_a  # B is never exposed to staff_a
    ctx = context_for("staff_a", "/agencies/")
    assert ctx["nav_agency"] == world.agency_a and ctx["nav_year"] == YEAR
    ctx = context_for("outsider", "/")
    assert ctx["nav_agency"] is None and ctx["nav_memberships"] == []


def test_navigation_costs_a_constant_number_of_queries(world, rf: RequestFactory):
    user = world.users["supervisor"]
    for year in range(2560, 2570):
        FrameworkFactory(fiscal_year=year)
    for n in range(10):
        MembershipFactory(user=user, agency=AgencyFactory(), role=Role.SUPERVISOR)

    path = detail_url(world.agency_a)  # not one of the user's own agencies: one extra lookup
    request = rf.get(path)
    request.user = user
    request.resolver_match = resolve(path)
    with CaptureQueriesContext(connection) as queries:
        ctx = navigation.navigation_context(request)
        navigation.navigation_context(request)  # cached on the request
    assert len(queries) == 3, [q["sql"] for q in queries]
    assert len(ctx["nav_agency_links"]) == 11 and len(ctx["nav_years"]) == 10


def test_nav_sections_skip_names_that_do_not_resolve(world, monkeypatch):
    sections = (
        navigation.Section("ไม่มีจริง", "bi-x", ("nowhere:missing",)),
        *navigation.SECTIONS,
    )
    monkeypatch.setattr(navigation, "SECTIONS", sections)
    page = html(world.client_for("staff_a").get(detail_url(world.agency_a)))
    assert "ไม่มีจริง" not in page
    nav = re.search(r'<ul class="navbar-nav me-auto.*?</ul>', page, re.S).group(0)
    assert 'href="/"' in nav
    assert f'class="nav-link active" href="{detail_url(world.agency_a)}"' in nav


# --- query counts ----------------------------------------------------------------------------


def _grow(world, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        division = DivisionFactory(agency=world.agency_a, name=f"กลุ่มงานเพิ่ม {i}")
        MembershipFactory(user=UserFactory(), agency=world.agency_a, division=division)
        MeasureFactory(agency=world.agency_a, fiscal_year=YEAR)


def _count(client: Client, url: str) -> int:
    """Queries of a warm request (the catalogue's years come from the cache after the first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["staff_a", "supervisor"])
def test_home_and_detail_query_count_is_constant(world, role):
    client = world.client_for(role)
    url = detail_url(world.agency_a)
    _grow(world, 1)
    small = (_count(client, "/"), _count(client, url))
    _grow(world, 19, start=1)
    large = (_count(client, "/"), _count(client, url))
    assert small == large
    assert max(large) <= 16


def test_home_query_count_does_not_grow_with_memberships(world):
    user = world.users["staff_b"]
    client = world.client_for("staff_b")
    MembershipFactory(user=user, agency=AgencyFactory())
    few = _count(client, "/")
    for _ in range(8):
        MembershipFactory(user=user, agency=AgencyFactory())
    assert _count(client, "/") == few


# --- error pages ------------------------------------------------------------------------------


def test_404_page_is_thai_inside_the_shell(world):
    response = world.client_for("staff_a").get("/no-such-page/")
    assert response.status_code == 404
    page = html(response)
    assert "ไม่พบหน้าที่ต้องการ" in page and "ITA Portal" in page


def test_403_page_is_thai(world, rf: RequestFactory):
    request = rf.get("/")
    request.user = world.users["staff_a"]
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "ท่านไม่มีสิทธิ์ดำเนินการนี้" in response.content.decode()


def test_500_page_renders_without_context(rf: RequestFactory):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in response.content.decode()


# --- English ------------------------------------------------------------------------------------


def test_english_switch_translates_the_shell(world):
    client = world.client_for("staff_a")
    client.cookies["django_language"] = "en"
    page = html(client.get("/"))
    assert '<html lang="en">' in page
    assert "Home" in page and "Agency" in page and "Sign out" in page and "Change password" in page
    assert "Fiscal year 2567" in page
    assert "ออกจากระบบ" not in page
    assert "Officer" in page  # the role's verbose name


def test_english_login_error(world):
    client = Client()
    client.cookies["django_language"] = "en"
    page = html(client.post("/login/", {"username": "staff_a", "password": "wrong"}))
    assert "Sign in" in page
    assert "Incorrect username or password" in page


def test_set_language_view_switches_and_returns(world):
    client = world.client_for("staff_a")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/agencies/"})
    assert response.status_code == 302 and response["Location"] == "/agencies/"
    assert "List of agencies" in html(client.get("/agencies/"))
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert "รายชื่อหน่วยงาน" in html(client.get("/agencies/"))


def test_thai_is_the_default_language():
    with translation.override("th"):
        assert str(navigation.SECTIONS[0].label) == "หน้าหลัก"


def test_user_menu_links_to_my_measures_feeds_and_the_directors_queue(world):
    from django.urls import reverse

    staff_page = world.client_for("staff_a").get(reverse("home")).content.decode()
    assert reverse("measures:my_measures") in staff_page and reverse("measures:feeds") in staff_page
    assert "/queue/" not in staff_page
    director_page = world.client_for("director_a").get(reverse("home")).content.decode()
    assert "/queue/" in director_page


def test_home_shows_the_year_people_are_working_in(world):
    from django.urls import reverse

    from ita_portal.agencies.navigation import current_fiscal_year
    from tests.factories import MeasureFactory

    current = current_fiscal_year()
    client = world.client_for("staff_a")
    page = client.get(reverse("home")).content.decode()
    assert f"ปีงบประมาณ {current}" in page and "แสดงปีล่าสุดที่มีข้อมูล" not in page  # nothing at all: this year

    MeasureFactory(agency=world.agency_a, fiscal_year=current - 3, title="มาตรการปีก่อน")
    page = client.get(reverse("home")).content.decode()
    assert f"ปีงบประมาณ {current - 3}" in page and "แสดงปีล่าสุดที่มีข้อมูล" in page
    assert reverse("agency_detail", args=[world.agency_a.pk, current - 3]) in page

    MeasureFactory(agency=world.agency_a, fiscal_year=current, title="มาตรการปีนี้")
    page = client.get(reverse("home")).content.decode()
    assert "แสดงปีล่าสุดที่มีข้อมูล" not in page
    assert reverse("agency_detail", args=[world.agency_a.pk, current]) in page


# --- agency emblem --------------------------------------------------------------------------

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_uploaded_emblem_is_served_to_readers_of_the_agency_only(world, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    world.agency_a.emblem.save("garuda.png", ContentFile(PNG_1PX), save=True)
    url = reverse("agency_emblem", kwargs={"agency_id": world.agency_a.pk})

    page = world.client_for("staff_a").get(detail_url(world.agency_a))
    assert f'src="{url}"' in html(page)
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_1PX
    assert_status(world, url, READERS_OF_A)


def test_agency_without_emblem_has_no_emblem_url(world):
    url = reverse("agency_emblem", kwargs={"agency_id": world.agency_a.pk})
    assert world.client_for("staff_a").get(url).status_code == 404
    assert url not in html(world.client_for("staff_a").get(detail_url(world.agency_a)))


def test_navigation_links_are_remembered_per_urlconf():
    """The bar's links are reversed once and remembered, per URLconf: a page served by another
    URLconf (here, a test's override) gets that URLconf's answer, not the remembered one."""
    from django.test import override_settings

    here = reverse("agency_detail", kwargs={"agency_id": 5, "year": 2570})
    assert navigation._url("agency_detail", agency_id=5, year=2570) == here
    assert navigation._url("no-such-page") is None
    assert navigation._url("agency_detail") is None  # needs its arguments
    with override_settings(ROOT_URLCONF="tests.urls_other"):
        assert navigation._url("agency_detail", agency_id=5, year=2570) == "/other/5/2570/"
    assert navigation._url("agency_detail", agency_id=5, year=2570) == here
