"""Browser tests (Playwright driving Debian's Chromium): a staff member creates a measure with
steps, edits the steps in place (htmx), and records progress with an evidence file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from ita_portal.agencies.models import Division
from measures.models import Measure

# The live server and the test run in different threads; Playwright's sync API keeps an event loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("MEASURES_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def page(browser, live_server, world):
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass-1234")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_create_measure_with_steps_and_edit_them_in_place(page, live_server, world):
    a = world.agency_a
    division = Division.objects.get(agency=a)
    page.goto(f"{live_server.url}/measures/a/{a.pk}/2567/new/")
    page.fill("#id_issue_heading", "ประเด็นที่ ๑.๑ กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ")
    page.fill("#id_title", "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน อย่างน้อย ๓ กระบวนงาน")
    page.fill("#id_weakness_text", "๐๑๔ คู่มือหรือมาตรฐานการปฏิบัติงาน ยังไม่ครอบคลุมประเด็นรายละเอียดตามที่กำหนด")
    page.fill(
        "#id_steps_text",
        "๑. แต่งตั้งคณะทำงานฯ\n๒. กำหนดการจัดทำคู่มือ อย่างน้อย ๓ กระบวนงาน\n๓. เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
    )
    page.check(f"input[name=responsible_divisions][value='{division.pk}']")
    page.fill("#id_start_date", "๐๑/๐๕/๒๕๖๗")
    page.fill("#id_end_date", "15/7/2024")  # a Christian-era year: refused, everything else kept
    page.fill("#id_budget_planned", "0")
    page.fill("#id_limitations", "- ไม่มี -")
    page.click("#measure-form button[type=submit]")
    assert "ปี 2024 เป็นปีคริสต์ศักราช" in page.content()
    assert page.input_value("#id_title") == "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน อย่างน้อย ๓ กระบวนงาน"
    assert "๓. เผยแพร่บนเว็บไซต์" in page.input_value("#id_steps_text")
    page.fill("#id_end_date", "15/7/2567")
    page.click("#measure-form button[type=submit]")
    page.wait_for_selector("#step-list")
    measure = Measure.objects.get()
    assert (measure.start_date, measure.end_date) == (dt.date(2024, 5, 1), dt.date(2024, 7, 15))
    # The typed "๑." numbers are dropped: the list numbers itself and keeps counting after a move.
    assert list(measure.steps.values_list("text", flat=True)) == [
        "แต่งตั้งคณะทำงานฯ",
        "กำหนดการจัดทำคู่มือ อย่างน้อย ๓ กระบวนงาน",
        "เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
    ]

    # Add a step in place (htmx): the page does not reload.
    page.evaluate("window.__marker = 1")
    page.fill("#id_step_text", "รวบรวมและตรวจสอบคู่มือให้ถูกต้อง")
    page.click("[data-testid=step-add]")
    page.wait_for_function("document.querySelectorAll('#step-list > li[data-step]').length === 4")
    assert page.evaluate("window.__marker") == 1
    # Move it up one place, tick the first step off, remove the second one.
    page.locator("#step-list > li").nth(3).locator("[data-testid=step-up]").click()
    page.wait_for_function("document.querySelectorAll('#step-list > li')[2].textContent.includes('รวบรวม')")
    page.locator("#step-list > li").nth(0).locator("[data-testid=step-toggle]").click()
    page.wait_for_selector("text=เสร็จแล้ว 1 จาก 4 ขั้นตอน")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#step-list > li").nth(1).locator("[data-testid=step-remove]").click()
    page.wait_for_function("document.querySelectorAll('#step-list > li[data-step]').length === 3")
    assert page.evaluate("window.__marker") == 1
    steps = list(measure.steps.order_by("order").values_list("text", "is_done"))
    assert steps == [
        ("แต่งตั้งคณะทำงานฯ", True),
        ("รวบรวมและตรวจสอบคู่มือให้ถูกต้อง", False),
        ("เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด", False),
    ]
    _shot(page, "measure_detail")


def test_record_progress_with_evidence(page, live_server, world, tmp_path):
    from measures import services

    a = world.agency_a
    measure = services.measure_create(agency=a, fiscal_year=2567, title="การเผยแพร่คู่มือหรือมาตรฐานการปฏิบัติงาน", steps=["ก"])
    pdf = tmp_path / "คู่มือการปฏิบัติงาน.pdf"
    from tests.factories_measures import EXE_BYTES, PDF_BYTES

    pdf.write_bytes(PDF_BYTES)
    fake = tmp_path / "ภาพกิจกรรม.pdf"
    fake.write_bytes(EXE_BYTES)

    page.goto(f"{live_server.url}/measures/a/{a.pk}/2567/m/{measure.pk}/")
    page.click("text=บันทึกความก้าวหน้า >> nth=0")
    page.fill("#id_reported_on", "๓๐/๐๙/๒๕๖๗")
    page.check("input[name=status][value=done]")
    page.fill("#id_result_summary", "ดำเนินการศึกษาคู่มือการปฏิบัติงานของสำนักงานปลัดกระทรวงศึกษาธิการ มาปรับใช้")
    page.fill("#id_outcome", "มีคู่มือการปฏิบัติงานของสำนักงาน และบุคลากรได้รับทราบถึงแนวปฏิบัติ")
    page.fill("#id_budget_spent", "-1")
    page.set_input_files("#id_files", [str(pdf), str(fake)])
    page.fill("#id_links_text", "https://www.example.go.th/ita/manual คู่มือบนเว็บไซต์")
    page.click("#progress-form button[type=submit]")
    html = page.content()
    assert "จำนวนเงินต้องไม่ติดลบ" in html and "ภาพกิจกรรม.pdf: ไฟล์นี้ไม่ใช่ชนิดที่รับได้" in html
    assert page.input_value("#id_outcome").startswith("มีคู่มือการปฏิบัติงาน")
    page.fill("#id_budget_spent", "0")
    page.set_input_files("#id_files", [str(pdf)])
    page.click("#progress-form button[type=submit]")
    page.wait_for_selector("[data-testid=progress-entry]")
    measure.refresh_from_db()
    assert measure.status == "done"
    assert "ดำเนินการแล้ว" in page.locator("h1 + p").inner_text()
    assert page.locator("#progress").get_by_text("คู่มือการปฏิบัติงาน.pdf").count() == 1
    with page.expect_download() as download:
        page.locator("#progress").get_by_text("คู่มือการปฏิบัติงาน.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    _shot(page, "measure_progress")
