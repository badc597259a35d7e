"""Browser test (Playwright driving Debian's Chromium): a ministry-level supervisor starts the 2570
catalogue from 2569's, edits it, looks at the comparison with 2569 and confirms it; a staff member
of the area then sees the year's entry page instead of the "missing catalogue" notice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from indicators import selectors
from indicators.models import Framework
from tests.test_measures_browser import ARGS, CHROMIUM, SHOTS, allow_sync_orm_beside_playwright, browser  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username: str):
    context = browser.new_context(locale="th-TH", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _row_prefix(page, code: str) -> str:
    """The formset prefix ("items-7") of the row whose code field holds ``code``."""
    name = page.eval_on_selector(f"#item-rows input[name$='-code'][value='{code}']", "e => e.name")
    return name[: -len("-code")]


def test_supervisor_starts_edits_compares_and_confirms_2570(browser, live_server, world):
    call_command("load_framework", "--all", stdout=io.StringIO())
    a = world.agency_a

    # Staff of the area: the 2570 entry page says what is missing and whom to ask.
    context, staff = _login(browser, live_server, "staff_a")
    staff.goto(f"{live_server.url}/scores/a/{a.pk}/2570/entry/")
    notice = staff.locator("#missing-catalogue")
    assert "ปีงบประมาณ 2570" in notice.inner_text()
    assert staff.locator("#missing-catalogue-link").count() == 0
    _shot(staff, "catalogue_missing_staff")

    # The supervisor of the ministry-level agency follows the notice's link to the routine.
    sup_context, page = _login(browser, live_server, "supervisor")
    page.goto(f"{live_server.url}/scores/a/{a.pk}/2570/entry/")
    page.click("#missing-catalogue-link")
    page.wait_for_selector("#copy-form")
    assert page.input_value("#id_from_year") == "2569" and page.input_value("#id_to_year") == "2570"
    page.click("#copy-form button[type=submit]")
    page.wait_for_selector("#catalogue-form")
    assert Framework.objects.get(fiscal_year=2570).items.count() == 26

    # Edit: rename O1, renumber the measures pair, merge O2 into O1, end O4, add an item.
    page.fill(f"input[name='{_row_prefix(page, 'O1')}-title']", "โครงสร้าง หน้าที่และอำนาจของหน่วยงาน")
    o25, o26 = _row_prefix(page, "O25"), _row_prefix(page, "O26")
    page.fill(f"input[name='{o25}-code']", "O27")
    page.fill(f"input[name='{o26}-code']", "O28")
    page.fill(f"input[name='{_row_prefix(page, 'O2')}-merge_into']", "structure")
    page.check(f"input[name='{_row_prefix(page, 'O4')}-DELETE']")
    page.fill("input[name='items-26-code']", "O29")
    page.select_option("select[name='items-26-indicator']", "10")
    page.fill("input[name='items-26-title']", "ข้อใหม่ของปี 2570 (ทดสอบ)")
    page.fill("input[name='items-26-stable_key']", "test-new-2570")
    # A mistake first: a duplicate code is refused with a Thai message, nothing typed is lost.
    page.fill("input[name='items-27-code']", "O5")
    page.fill("input[name='items-27-title']", "ข้อซ้ำ")
    page.fill("input[name='items-27-stable_key']", "duplicate")
    page.click("#save-button")
    page.wait_for_selector("#catalogue-errors")
    assert "ข้อ O5: รหัสข้อซ้ำ" in page.inner_text("#catalogue-errors")
    assert page.input_value("input[name='items-26-title']") == "ข้อใหม่ของปี 2570 (ทดสอบ)"
    _shot(page, "catalogue_edit_error")
    page.fill("input[name='items-27-code']", "")
    page.fill("input[name='items-27-title']", "")
    page.fill("input[name='items-27-stable_key']", "")
    page.click("#save-button")

    # The comparison with 2569.
    page.wait_for_selector("#diff")
    kinds = page.eval_on_selector_all("#diff tbody tr", "rows => rows.map(r => r.dataset.kind)")
    assert kinds.count("merged") == 1 and kinds.count("ended") == 1 and kinds.count("new") == 1
    assert "renumbered" in kinds and "renamed" in kinds and "kept" in kinds
    assert "integrity-measures" in page.inner_text("#diff")
    _shot(page, "catalogue_diff")
    assert selectors.framework_for(2570) is None
    page.click("#confirm-button")
    page.wait_for_selector("text=ยืนยันกรอบการประเมินปี 2570 แล้ว")
    draft = Framework.objects.get(fiscal_year=2570)
    assert (draft.is_draft, draft.items.count()) == (False, 26 - 2 + 1)
    assert draft.items.get(stable_key="integrity-measures").code == "O27"

    # The staff member's entry page now offers the 2570 items.
    staff.reload()
    assert staff.locator("#missing-catalogue").count() == 0
    assert staff.locator("#score-entry").count() == 1
    _shot(staff, "catalogue_entry_2570")
    context.close()
    sup_context.close()
