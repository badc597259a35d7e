"""Browser tests of daily use (issue 15): every accepted way of typing a date and every refused one
(on the meeting generator's preview: nothing is saved), the Buddhist-Era picker driven by keyboard,
create forms that save once, and the staff pages at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from ita_portal.thai import MONTHS, to_thai_digits
from tests.test_measures_browser import allow_sync_orm_beside_playwright, browser, media, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCEPTED = ["1/6/2567", "๑/๖/๒๕๖๗", "01-06-67", "1.6.67", "2567-06-01", "1 มิ.ย. 2567", "1 มิถุนายน 2567", "๑ มิ.ย. ๖๗"]
REFUSED = [
    ("1/6/2024", "ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 01/06/2567)"),
    ("2024-06-01", "ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 01/06/2567)"),
    ("1 มิ.ย. 2024", "ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 01/06/2567)"),
    ("31/6/2567", "ไม่มีวันที่ 31/6/2567 ในปฏิทิน"),
    ("1 มิถุ 2567", "ไม่รู้จักชื่อเดือน"),
    ("พรุ่งนี้", "รูปแบบวันที่ไม่ถูกต้อง"),
]


def _preview(page, base, start: str) -> None:
    page.goto(base + "followups/generate/")
    page.fill("#id_start", start)
    page.fill("#id_end", "1/6/2567")
    page.check("input[name=mode][value=every]")
    page.fill("#id_every_days", "1")
    page.click("button[name=action][value=preview]")


def test_each_accepted_and_refused_typed_date(page, live_server, world):
    base = f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/"
    for typed in ACCEPTED:
        _preview(page, base, typed)
        preview = page.locator("[data-testid=generate-preview]").inner_text()
        assert "จะสร้าง 1 ครั้ง" in preview, typed
        assert "๑ มิถุนายน ๒๕๖๗" in preview, typed
    for typed, message in REFUSED:
        _preview(page, base, typed)
        assert page.locator("[data-testid=generate-preview]").count() == 0, typed
        error = page.locator("#id_start ~ .invalid-feedback")
        assert error.is_visible(), typed
        assert message in error.inner_text(), typed
        assert page.input_value("#id_start") == typed  # nothing typed is lost


def test_buddhist_era_picker_by_keyboard(page, live_server, world):
    base = f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/"
    page.goto(base + "followups/generate/")
    page.fill("#id_start", "15/6/2567")
    page.focus("#id_start")
    page.keyboard.press("Alt+ArrowDown")
    picker = page.locator(".thai-datepicker")
    assert picker.locator(".thai-datepicker-title").inner_text() == "มิถุนายน พ.ศ. 2567"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "15 มิถุนายน พ.ศ. 2567"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert picker.locator(".thai-datepicker-title").inner_text() == "กรกฎาคม พ.ศ. 2567"
    page.keyboard.press("Enter")
    assert page.input_value("#id_start") == "23/07/2567"
    assert page.locator(".thai-datepicker").count() == 0
    assert page.evaluate("document.activeElement.id") == "id_start"
    # The button beside the field opens it too; Escape closes without changing the field.
    page.click("#id_end ~ .thai-date-toggle")
    assert page.locator(".thai-datepicker").count() == 1
    page.keyboard.press("Escape")
    assert page.locator(".thai-datepicker").count() == 0
    assert page.input_value("#id_end") == ""
    page.click("#id_end ~ .thai-date-toggle")
    page.locator(".thai-datepicker-day", has_text="10").first.click()
    assert page.input_value("#id_end").startswith("10/")
    assert page.input_value("#id_end").endswith("/" + str(dt.date.today().year + 543))


def test_back_and_save_again_or_double_click_makes_no_duplicate(page, live_server, world):
    from measures.models import FollowUp, Measure

    base = f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/"
    page.goto(base + "new/")
    page.fill("#id_title", "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน")
    page.click("#measure-form button[type=submit]")
    page.wait_for_url(f"{base}m/*/")
    first_url = page.url
    page.go_back()
    page.wait_for_selector("#id_title")
    if not page.input_value("#id_title"):  # a browser that did not keep the typed form
        page.fill("#id_title", "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน")
    page.click("#measure-form button[type=submit]")
    page.wait_for_load_state()
    text = page.inner_text("main")
    if page.url == first_url:  # the page came back from the browser's cache with its used token
        assert "รายการนี้บันทึกไปแล้ว ระบบไม่บันทึกซ้ำ" in text
    else:  # the page was fetched again (a new token): the same-title check stops the duplicate
        assert "แผนปีนี้มีมาตรการชื่อนี้แล้ว" in text
    assert Measure.objects.filter(agency=world.agency_a).count() == 1

    page.goto(base + "followups/new/")
    page.fill("#id_date", "15 มิ.ย. 2567")
    page.dblclick("main form button[type=submit]")
    page.wait_for_url(f"{base}followups/")
    page.wait_for_load_state("networkidle")
    assert FollowUp.objects.filter(agency=world.agency_a).count() == 1


PHONE = {"width": 390, "height": 844}


def _phone_page(browser, live_server):
    context = browser.new_context(locale="th-TH", viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", "staff_a")
    phone.fill("input[name=password]", "pass-1234")
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    return context, phone


def _fits(phone, name: str) -> None:
    from tests.test_measures_browser import _shot

    _shot(phone, f"phone-{name}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide at 390 px"


def test_staff_pages_work_at_phone_width(browser, live_server, world):
    from measures.models import Measure
    from reports import services as report_services
    from reports.models import ReportKind
    from tests.factories_reports import make_demo_data

    a = world.agency_a
    make_demo_data(a, 2567, measures=3)
    measure = Measure.objects.filter(agency=a).order_by("order").first()
    report = report_services.report_create(agency=a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={})
    base = f"{live_server.url}/measures/a/{a.pk}/2567/"
    context, phone = _phone_page(browser, live_server)
    try:
        _fits(phone, "home")
        phone.goto(base)
        _fits(phone, "measures")
        # Every measure is a card that still shows its status and period.
        card = phone.locator("[data-testid=measure-table] tr[data-measure]").first
        assert card.locator("td[data-label='สถานะ']").is_visible()
        assert card.locator("td[data-label='ระยะเวลา']").is_visible()
        assert card.bounding_box()["width"] <= PHONE["width"]
        phone.goto(f"{base}m/{measure.pk}/")
        _fits(phone, "measure")
        phone.goto(base + "followups/")
        _fits(phone, "followups")
        assert phone.locator("[data-testid=followup-table] td[data-label='สถานะ']").first.is_visible()
        phone.goto(base + "followups/calendar/?month=2567-06")
        _fits(phone, "calendar")
        # Meetings are listed by day, one line per meeting (no letter-by-letter wrapping).
        event = phone.locator(".m-cal .m-ev").first
        assert event.bounding_box()["width"] > 250
        phone.goto(f"{live_server.url}/reports/a/{a.pk}/2567/{report.pk}/")
        _fits(phone, "report")
    finally:
        context.close()


def test_measures_table_is_not_cut_at_1366(browser, live_server, world):
    from tests.factories_reports import make_demo_data

    make_demo_data(world.agency_a, 2567, measures=3)
    context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 768})
    desk = context.new_page()
    try:
        desk.goto(f"{live_server.url}/login/")
        desk.fill("input[name=username]", "staff_a")
        desk.fill("input[name=password]", "pass-1234")
        desk.click("main form button[type=submit]")
        desk.wait_for_url(f"{live_server.url}/")
        desk.goto(f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/")
        holder = desk.locator("[data-testid=measure-table]").locator("xpath=..")
        scroll, client = holder.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client, f"the measures table needs {scroll} px in {client} px"
    finally:
        context.close()


def test_calendar_opens_on_the_next_meeting_of_a_year_not_current(page, live_server, world):
    from tests.factories import bkk
    from tests.factories_measures import MeetingFactory

    MeetingFactory(agency=world.agency_a, fiscal_year=2572, starts_at=bkk(2029, 3, 15, 9))
    MeetingFactory(agency=world.agency_a, fiscal_year=2567, number=1, starts_at=bkk(2024, 6, 14, 9))
    MeetingFactory(agency=world.agency_a, fiscal_year=2567, number=2, starts_at=bkk(2024, 8, 14, 9))
    # A year ahead opens on its next meeting; a past year on its first; this year on this month.
    page.goto(f"{live_server.url}/measures/a/{world.agency_a.pk}/2572/followups/calendar/")
    assert page.inner_text("[data-testid=calendar-title]") == "มีนาคม ๒๕๗๒"  # the agency's digits
    page.goto(f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/followups/calendar/")
    assert page.inner_text("[data-testid=calendar-title]") == "มิถุนายน ๒๕๖๗"
    today = dt.date.today()
    this_year = today.year + 544 if today.month >= 10 else today.year + 543
    page.goto(f"{live_server.url}/measures/a/{world.agency_a.pk}/{this_year}/followups/calendar/")
    assert page.inner_text("[data-testid=calendar-title]") == f"{MONTHS[today.month - 1]} {to_thai_digits(today.year + 543)}"


def test_calendar_links_page_copies_downloads_and_keeps_its_year(browser, live_server, world):
    """The copy button puts the feed URL on the clipboard (portal.js, no inline script: the strict
    CSP reports nothing), the download button saves the year's .ics, and the year switcher
    leads to the same page for the chosen year. At 390 px too."""
    from measures import services
    from tests.factories import bkk, make_framework

    make_framework(2568)  # a year the switcher offers
    services.followup_create(agency=world.agency_a, fiscal_year=2567, starts_at=bkk(2024, 6, 14, 9), place="ห้องประชุม ๑")
    for viewport, name in ((PHONE, "phone-ics"), ({"width": 1280, "height": 900}, "desktop-ics")):
        context = browser.new_context(locale="th-TH", viewport=viewport, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        violations: list[str] = []
        tab.on("console", lambda msg, v=violations: v.append(msg.text) if "Content Security Policy" in msg.text else None)
        try:
            tab.goto(f"{live_server.url}/login/")
            tab.fill("input[name=username]", "staff_a")
            tab.fill("input[name=password]", "pass-1234")
            tab.click("main form button[type=submit]")
            tab.wait_for_url(f"{live_server.url}/")
            tab.goto(f"{live_server.url}/measures/calendar-feeds/2567/")
            agency_url = tab.input_value("#feed-url-2")
            tab.locator("[data-testid=feed-copy]").nth(1).click()
            tab.wait_for_selector("[data-testid=feed-copy][data-copy-done]")
            assert tab.evaluate("navigator.clipboard.readText()") == agency_url
            assert "คัดลอกลิงก์แล้ว" in tab.locator("#portal-toasts").inner_text()
            with tab.expect_download() as download:
                tab.locator("[data-testid=feed-download]").nth(1).click()
            assert download.value.suggested_filename == "ita-followups-2567.ics"
            assert b"LOCATION:\xe0\xb8\xab" in open(download.value.path(), "rb").read()  # ห้องประชุม ๑, the meeting of 2567
            from tests.test_measures_browser import _shot

            _shot(tab, name)
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} is {width} px wide"
            # The year switcher: the menu's 2568 leads to this page of 2568 (not to another page).
            if tab.locator(".navbar-toggler").is_visible():
                tab.click(".navbar-toggler")
            tab.click("#year-switcher")
            tab.locator("[aria-labelledby=year-switcher] a", has_text="ปีงบประมาณ 2568").click()
            tab.wait_for_url(f"{live_server.url}/measures/calendar-feeds/2568/")
            assert "ปีงบประมาณ 2568" in tab.inner_text("#year-switcher")
            assert tab.locator("[data-testid=feed-download]").first.get_attribute("download") == "ita-followups-2568.ics"
            assert not violations, violations
        finally:
            context.close()


def test_english_picker_and_calendar(browser, live_server, world):
    """English mode: the picker's month and weekday names, the calendar's month and weekdays."""
    from tests.factories import bkk
    from tests.factories_measures import MeetingFactory

    MeetingFactory(agency=world.agency_a, fiscal_year=2567, number=1, starts_at=bkk(2024, 6, 14, 9))
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(15000)
    try:
        tab.goto(f"{live_server.url}/login/")
        tab.fill("input[name=username]", "staff_a")
        tab.fill("input[name=password]", "pass-1234")
        tab.click("main form button[type=submit]")
        tab.wait_for_url(f"{live_server.url}/")
        base = f"{live_server.url}/measures/a/{world.agency_a.pk}/2567/"
        tab.goto(base + "followups/generate/")
        tab.fill("#id_start", "15/6/2567")
        tab.focus("#id_start")
        tab.keyboard.press("Alt+ArrowDown")
        assert tab.locator(".thai-datepicker-title").inner_text() == "June BE 2567"
        assert tab.evaluate("document.activeElement.getAttribute('aria-label')") == "15 June BE 2567"
        tab.keyboard.press("Escape")
        tab.goto(base + "followups/calendar/?month=2567-06")
        assert tab.inner_text("[data-testid=calendar-title]") == "June 2567"
        heads = tab.locator("[data-testid=calendar] thead th").all_inner_texts()
        assert heads[0] == "Monday" and heads[-1] == "Sunday"
        from tests.test_measures_browser import _shot

        _shot(tab, "desktop-calendar-en")
    finally:
        context.close()
