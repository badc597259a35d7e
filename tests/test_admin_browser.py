"""The supervisors' admin in a browser (issue 15): every changelist fits a 1366 × 768 screen (no
horizontal overflow of the result table, last column visible), and the JavaScript-driven chrome —
action counter, sidebar filter, theme toggle, counts link, the BE date picker — is Thai."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from ita_portal import thai
from ita_portal.agencies.models import DayOff
from tests.factories_admin import rows_for
from tests.test_measures_browser import SHOTS, allow_sync_orm_beside_playwright, browser  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username: str, width: int = 1366, height: int = 768):
    context = browser.new_context(locale="th-TH", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    return context, page


def _supervisor_changelists(world) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = world.users["supervisor"]
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_permission(request)
    ]


OVERFLOW = """() => {
  const box = document.querySelector('#changelist .results');
  const ths = document.querySelectorAll('#result_list thead th');
  const last = ths[ths.length - 1];
  const r = last ? last.getBoundingClientRect() : null;
  return {
    box: box ? [box.scrollWidth, box.clientWidth] : null,
    page: [document.documentElement.scrollWidth, window.innerWidth],
    lastRight: r ? r.right : null,
    rows: document.querySelectorAll('#result_list tbody tr').length,
  };
}"""


def test_every_supervisor_changelist_fits_1366(browser, live_server, world):
    rows_for(world.agency_a, "ของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร")
    context, page = _login(browser, live_server, "supervisor")
    urls = _supervisor_changelists(world)
    assert len(urls) >= 15
    problems = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        m = page.evaluate(OVERFLOW)
        name = url.strip("/").replace("/", "-")
        page.screenshot(path=str(SHOTS / f"admin-1366-{name}.png"), full_page=True)
        if m["box"] is None:  # an empty list has no table
            continue
        scroll, client = m["box"]
        if scroll > client + 1 or m["page"][0] > m["page"][1] + 1 or m["lastRight"] > 1366:
            problems[url] = m
    context.close()
    assert problems == {}


def test_changelist_javascript_chrome_is_thai(browser, live_server, world):
    rows_for(world.agency_a, "ของเอ")
    context, page = _login(browser, live_server, "supervisor")
    page.goto(f"{live_server.url}{reverse('admin:agencies_membership_changelist')}")
    # Action counter (actions.js, djangojs catalogue).
    counter = page.locator(".action-counter")
    assert re.fullmatch(r"เลือก 0 จาก \d+ รายการ", counter.inner_text().strip()), counter.inner_text()
    page.locator("input.action-select").first.check()
    assert re.fullmatch(r"เลือก 1 จาก \d+ รายการ", counter.inner_text().strip()), counter.inner_text()
    # Sidebar filter (nav_sidebar.js) and the theme toggle.
    assert page.locator("#nav-filter").get_attribute("placeholder") == "พิมพ์เพื่อค้นหาเมนู…"
    assert "สลับธีม" in page.locator(".theme-toggle").first.inner_text()
    # The counts link of the filter sidebar.
    page.get_by_role("link", name="แสดงจำนวน").click()
    page.get_by_role("link", name="ซ่อนจำนวน").wait_for()
    body = page.locator("body").inner_text()
    for english in ("selected", "Show counts", "Hide counts", "Start typing", "Toggle theme", "Choose all"):
        assert english not in body
    page.screenshot(path=str(SHOTS / "admin-1366-membership-thai.png"), full_page=True)
    # The export actions of a supervisor's reading list, in Thai.
    page.goto(f"{live_server.url}{reverse('admin:measures_measure_changelist')}")
    options = page.locator("select[name=action] option").all_inner_texts()
    assert "ส่งออกรายการที่เลือกเป็น Excel (XLSX)" in options and "ส่งออกรายการที่เลือกเป็น CSV" in options
    context.close()


def test_admin_be_date_picker_writes_a_be_date_that_saves(browser, live_server, world):
    context, page = _login(browser, live_server, "supervisor")
    page.goto(f"{live_server.url}{reverse('admin:agencies_dayoff_add')}")
    # The agency is an autocomplete (select2, Thai messages from its th.js).
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("ไม่มีหน่วยงานนี้")
    message = page.locator(".select2-results__message").inner_text()
    assert re.search(r"[ก-๙]", message) and not re.search(r"[A-Za-z]", message), message
    page.locator(".select2-search__field").fill("สมุทรสาคร")
    page.locator(".select2-results__option", has_text="สมุทรสาคร").first.click()
    page.fill("input[name=name]", "วันหยุดพิเศษ")
    page.fill("input[name=date]", "10/06/2567")
    page.click(".thai-date-toggle")
    title = page.locator(".thai-datepicker-title").inner_text()
    assert title == "มิถุนายน พ.ศ. 2567"
    page.screenshot(path=str(SHOTS / "admin-dayoff-picker.png"), full_page=True)
    page.keyboard.press("ArrowRight")  # 11 June
    page.keyboard.press("ArrowDown")  # 18 June
    page.keyboard.press("Enter")
    assert page.input_value("input[name=date]") == "18/06/2567"
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/dayoff/$"))
    assert DayOff.objects.get(agency=world.agency_a).date == dt.date(2024, 6, 18)
    assert "18 มิถุนายน 2567" in page.locator("#result_list").inner_text()
    context.close()


def test_user_page_datetime_pair_and_phone_width(browser, live_server, world):
    """The superuser's user page: date_joined is a BE date box with the calendar beside a time box;
    the admin stays usable at 390 px (screenshots looked at)."""
    user = world.users["staff_a"]
    context, page = _login(browser, live_server, "root")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_change', args=[user.pk])}")
    date_box = page.locator("input[name=date_joined_0]")
    assert re.fullmatch(r"\d\d/\d\d/25\d\d", date_box.input_value())
    page.locator(".field-date_joined .thai-date-toggle").click()
    assert page.locator(".thai-datepicker-title").inner_text().startswith(thai.MONTHS)
    page.locator(".field-date_joined").screenshot(path=str(SHOTS / "admin-user-date-joined.png"))
    context.close()
    context, page = _login(browser, live_server, "supervisor", width=390, height=844)
    page.goto(f"{live_server.url}{reverse('admin:measures_measure_changelist')}")
    page.screenshot(path=str(SHOTS / "admin-390-measures.png"), full_page=True)
    page.goto(f"{live_server.url}{reverse('admin:agencies_dayoff_add')}")
    page.click(".thai-date-toggle")
    box = page.locator(".thai-datepicker").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(SHOTS / "admin-390-dayoff-picker.png"), full_page=True)
    context.close()
