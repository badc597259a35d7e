"""Browser tests of daily use (issue 15): every accepted way of typing a date and every refused one
(on the meeting generator's preview: nothing is saved), the Buddhist-Era picker driven by keyboard,
create forms that save once, and the staff pages at phone width."""

from __future__ import annotations

import pytest

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
    assert page.input_value("#id_end").endswith("/" + str(__import__("datetime").date.today().year + 543))


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
