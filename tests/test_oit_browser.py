"""Browser test (Playwright, Debian's Chromium): an officer prepares and checks three O-items of
2569 in the workspace, the director publishes them (staff may not), then the public item URLs show
what was published; pages are captured at desktop and phone (390 px) width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from oit.models import OitEntry, OitStatus
from tests.factories_measures import PDF_BYTES
from tests.test_measures_browser import ARGS, CHROMIUM, SHOTS, allow_sync_orm_beside_playwright, browser  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(browser, live_server, username: str, width: int = 1280):
    context = browser.new_context(locale="th-TH", viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _prepare(page, base: str, code: str, tmp_path: Path) -> None:
    page.goto(f"{base}{code}/")
    if code == "O1":
        pdf = tmp_path / "โครงสร้าง.pdf"
        pdf.write_bytes(PDF_BYTES)
        page.set_input_files("#id_file", str(pdf))
        page.fill("#id_title", f"เอกสาร {code}")
    else:
        page.fill("#id_url", f"https://www.example.go.th/ita/2569/{code.lower()}")
        page.fill("#id_title", f"ลิงก์ {code}")
    page.check("#id_is_public")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector(f"#evidence >> text=เอกสาร {code}" if code == "O1" else f"#evidence >> text=ลิงก์ {code}")
    page.click("#status-actions >> text=ส่งตรวจ")
    page.wait_for_selector("#oit-status >> text=พร้อมให้ตรวจ")
    page.click("#status-actions >> text=บันทึกว่าตรวจแล้ว")
    page.wait_for_selector("#oit-checked-by")
    # Staff may not publish: the page says it waits for the director.
    assert page.locator("#status-actions button.btn-success").count() == 0
    assert page.is_visible("#publish-needs-director")


def _publish(page, base: str, code: str) -> None:
    page.goto(f"{base}{code}/")
    page.click("#status-actions button.btn-success")
    page.wait_for_selector("#oit-status >> text=เผยแพร่แล้ว")


def test_officer_prepares_checks_and_publishes_three_items(browser, live_server, world, tmp_path):
    call_command("load_framework", "fixtures/frameworks/nacc-2569.json", stdout=io.StringIO())
    a = world.agency_a
    context, page = _login(browser, live_server, "staff_a")
    base = f"{live_server.url}/oit/a/{a.pk}/2569/"
    page.goto(base)
    assert page.locator("#oit-rows tbody tr").count() == 26
    # The catalogue's guideline under each title (unofficial for 2569).
    assert page.is_visible('#oit-rows tr[data-code="O25"] .oit-guideline')
    assert "ไม่เป็นทางการ" in page.inner_text("#guideline-note")
    for code in ("O1", "O2", "O3"):
        _prepare(page, base, code, tmp_path)
    page.goto(base)
    assert "เผยแพร่แล้ว 0 ข้อ" in page.inner_text("#oit-summary")
    context.close()

    director, page = _login(browser, live_server, "director_a")
    for code in ("O1", "O2", "O3"):
        _publish(page, base, code)
    page.goto(base)
    assert "เผยแพร่แล้ว 3 ข้อ" in page.inner_text("#oit-summary")
    _shot(page, "oit-workspace-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base)
    # On a phone the guideline is folded: hidden until its summary is tapped.
    row = page.locator('#oit-rows tr[data-code="O25"]')
    assert not row.locator(".oit-guideline").is_visible()
    details = row.locator("details.oit-guideline-phone")
    assert details.is_visible() and not details.evaluate("d => d.open")
    details.locator("summary").click()
    assert details.evaluate("d => d.open")
    _shot(page, "oit-workspace-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.goto(f"{base}O1/")
    _shot(page, "oit-item-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    director.close()
    assert OitEntry.objects.filter(agency=a, status=OitStatus.PUBLISHED).count() == 3
    assert set(OitEntry.objects.filter(agency=a).values_list("checked_by__username", flat=True)) == {"staff_a"}

    # A visitor (not logged in) opens the three public item URLs and the year index.
    visitor = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844})
    public = visitor.new_page()
    for code, expected in (("O1", "เอกสาร O1"), ("O2", "ลิงก์ O2"), ("O3", "ลิงก์ O3")):
        public.goto(f"{live_server.url}/public/{a.code}/2569/{code}/")
        assert expected in public.inner_text("#public-evidence")
    public.goto(f"{live_server.url}/public/{a.code}/2569/O1/")
    href = public.get_attribute("#public-evidence a", "href")
    assert public.request.get(f"{live_server.url}{href}" if href.startswith("/") else href).body() == PDF_BYTES
    public.goto(f"{live_server.url}/public/{a.code}/2569/")
    assert "เผยแพร่ครบแล้ว 3 จาก 26 ข้อ" in public.content()
    _shot(public, "oit-public-year-390")
    assert public.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    visitor.close()
