"""Browser tests (Playwright driving Debian's Chromium): a staff member creates a measure with
steps, edits the steps in place (htmx), and records progress with an evidence file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from ita_portal.agencies.models import Division
from measures.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("MEASURES_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(scope="module", autouse=True)
def allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread, which Django's async-safety check
    takes for async code; allow it for this module only (it must not leak into other tests)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        from tests.conftest import in_ci

        if in_ci():
            pytest.fail("Debian chromium is missing: `make system-deps` installs it")
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
    page.wait_for_function("() => document.querySelectorAll('#step-list > li[data-step]').length === 4")
    assert page.evaluate("window.__marker") == 1
    # Move it up one place, tick the first step off, remove the second one.
    page.locator("#step-list > li").nth(3).locator("[data-testid=step-up]").click()
    page.wait_for_function("() => document.querySelectorAll('#step-list > li')[2].textContent.includes('รวบรวม')")
    page.locator("#step-list > li").nth(0).locator("[data-testid=step-toggle]").click()
    page.wait_for_selector("text=เสร็จแล้ว ๑ จาก ๔ ขั้นตอน")  # the agency writes Thai digits
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#step-list > li").nth(1).locator("[data-testid=step-remove]").click()
    page.wait_for_function("() => document.querySelectorAll('#step-list > li[data-step]').length === 3")
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


SEED_003 = [
    {
        "heading": "ประเด็นที่ ๑.๑ กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ",
        "title": "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน ให้ครอบคลุมประเด็น รายละเอียดตามที่กำหนด อย่างน้อย ๓ กระบวนงาน",
        "weakness": "๐๑๔ คู่มือหรือมาตรฐานการปฏิบัติงาน ยังไม่ครอบคลุมประเด็นรายละเอียดตามที่กำหนด",
        "divisions": ["กลุ่มบริหารงานบุคคล"],
        "note": "และกลุ่มงานที่เกี่ยวข้อง",
        "people": [],
        "steps": "๑. แต่งตั้งคณะทำงานฯ ผู้รับผิดชอบการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน\n"
        "๒. กำหนดการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน อย่างน้อย ๓ กระบวนงาน\n"
        "๓. กำหนดผู้รับผิดชอบการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน\n"
        "๔. รวบรวมและตรวจสอบคู่มือหรือมาตรฐานการปฏิบัติงานให้ถูกต้อง\n"
        "๕. เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
        "limitations": "- ไม่มี -",
    },
    {
        "heading": "ประเด็นที่ ๑.๓ ช่องทางและรูปแบบการประชาสัมพันธ์เผยแพร่ข้อมูลข่าวสารภาครัฐ",
        "title": "จัดทำข้อมูลผู้บริหาร ให้ครบถ้วน เป็นปัจจุบัน",
        "weakness": "๐๒ ข้อมูลผู้บริหาร ข้อมูลยังไม่ครบถ้วน เป็นปัจจุบัน",
        "divisions": ["กลุ่มอำนวยการ", "กลุ่มนโยบายและแผน"],
        "note": "",
        "people": [],
        "steps": "๑. จัดทำและรวบรวมข้อมูลผู้บริหาร ณ ปัจจุบันให้ครบถ้วน ครอบคลุมตาม ประเด็นที่กำหนด\n"
        "๒. เผยแพร่ข้อมูลผู้บริหารที่เป็นปัจจุบัน ครอบคลุมตามประเด็นที่กำหนด บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
        "limitations": "- ไม่มี -",
    },
    {
        "heading": "ประเด็นที่ ๑.๕ กระบวนการสร้างความโปร่งใสในการใช้งบประมาณและการจัดซื้อจัดจ้าง",
        "title": "รายงานผลจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี ให้ครอบคลุมตามประเด็นที่กำหนด",
        "weakness": "๐๒๒ รายงานผลจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี ยังไม่ครอบคลุมตามประเด็นที่กำหนด",
        "divisions": ["กลุ่มอำนวยการ"],
        "note": "",
        "people": ["นางสาวพรรณี อินสำราญ"],
        "steps": "๑. กำหนดเจ้าหน้าที่ผู้รับผิดชอบการจัดทำรายงานผลจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปีให้ชัดเจน\n"
        "๒. เจ้าหน้าที่ที่รับผิดชอบดำเนินการจัดทำรายงานผลจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปีตามประเด็นที่กำหนด\n"
        "๓. ผู้อำนวยการกลุ่มอำนวยการตรวจสอบความถูกต้อง\n"
        "๔. เสนอสรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือนให้ผู้บริหารทราบ เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
        "limitations": "- ไม่มี -",
    },
    {
        "heading": "ประเด็นที่ ๑.๖ กระบวนการควบคุม ตรวจสอบการใช้อำนาจและการบริหารงานบุคคล",
        "title": "รายงานผลการบริการและการพัฒนาทรัพยากรบุคคลประจำปี ครอบคลุมแผนการบริการและพัฒนาทรัพยากรบุคคล",
        "weakness": "๐๒๖ รายงานผลการบริการและการพัฒนาทรัพยากรบุคคลประจำปี ยังไม่ครอบคลุมแผนการบริการทรัพยากร มีการรายงานเฉพาะผลการพัฒนาทรัพยากรบุคคล",
        "divisions": ["กลุ่มบริหารงานบุคคล"],
        "note": "",
        "people": ["นางสาวกมลนภา อุตธรรมา"],
        "steps": "๑. กำหนดเจ้าหน้าที่ผู้รับผิดชอบการรายงานผลการบริการและการพัฒนาทรัพยากรบุคคลประจำปีให้ชัดเจน\n"
        "๒. เจ้าหน้าที่ที่รับผิดชอบดำเนินการรายงานผลการบริการและการพัฒนาทรัพยากรบุคคลประจำปี\n"
        "๓. ผู้อำนวยการกลุ่มบริหารงานบุคคล ตรวจสอบความถูกต้อง\n"
        "๔. เสนอสรุปผลการรายงานผลการบริการและการพัฒนาทรัพยากรบุคคลประจำปี ให้ผู้บริหารทราบ เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด",
        "limitations": "งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ",
    },
]
MONITORING = (
    "กลุ่มบริหารงานบุคคล ฝ่ายเลขานุการ กำกับติดตามการดำเนินงานทุก ๑๕ วัน โดยแบบติดตามผ่านกลุ่มไลน์ ITA ศธจ.ร้อยเอ็ด "
    "และประชุมติดตาม ดังนี้ ครั้งที่ ๑ ๓๐ พ.ค. ๒๕๖๗ ครั้งที่ ๒ ๑๕ มิ.ย. ๒๕๖๗ ครั้งที่ ๓ ๓๐ มิ.ย. ๒๕๖๗ ครั้งที่ ๔ ๑๕ ก.ค. ๒๕๖๗"
)


def test_seed_003_and_004_entered_entirely_in_the_browser(page, live_server, world):
    """Seed 003's measures and its four meetings, then seed 004/002-style results, all typed in."""
    from ita_portal.agencies.models import Membership
    from measures.models import FollowUp
    from tests.factories import DivisionFactory, MembershipFactory

    a = world.agency_a
    for name in ("กลุ่มบริหารงานบุคคล", "กลุ่มอำนวยการ", "กลุ่มนโยบายและแผน"):
        DivisionFactory(agency=a, name=name)
    people = {
        m.full_name: m.pk
        for m in (
            MembershipFactory(agency=a, name_title="นางสาว", first_name_th="พรรณี", last_name_th="อินสำราญ"),
            MembershipFactory(agency=a, name_title="นางสาว", first_name_th="กมลนภา", last_name_th="อุตธรรมา"),
        )
    }
    base = f"{live_server.url}/measures/a/{a.pk}/2567/"

    for row in SEED_003:
        page.goto(base + "new/")
        page.fill("#id_issue_heading", row["heading"])
        page.fill("#id_title", row["title"])
        page.fill("#id_weakness_text", row["weakness"])
        page.fill("#id_improvement_text", row["title"])
        page.fill("#id_steps_text", row["steps"])
        for division in row["divisions"]:
            page.get_by_label(division, exact=True).check()
        if row["people"]:
            page.select_option("#id_responsible_people", value=[str(people[name]) for name in row["people"]])
        page.fill("#id_responsible_note", row["note"])
        page.fill("#id_start_date", "๑/๕/๒๕๖๗")
        page.fill("#id_end_date", "๑๕/๗/๒๕๖๗")
        page.fill("#id_period_text", "พฤษภาคม ๒๕๖๗ – ๑๕ กรกฎาคม ๒๕๖๗")
        page.fill("#id_budget_planned", "0")
        page.fill("#id_limitations", row["limitations"])
        page.fill("#id_monitoring_approach", MONITORING)
        page.click("#measure-form button[type=submit]")
        page.wait_for_selector("#step-list")

    measures = list(Measure.objects.filter(agency=a).order_by("pk"))
    assert [m.title for m in measures] == [row["title"] for row in SEED_003]
    assert [m.steps.count() for m in measures] == [5, 2, 4, 4]
    assert [p.full_name for p in measures[2].responsible_people.all()] == ["นางสาวพรรณี อินสำราญ"]
    assert measures[3].limitations == "งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ"

    # The four plan meetings: 15th and 30th of each month from 30 May to 15 July 2567.
    page.goto(base + "followups/generate/")
    page.fill("#id_title", "ประชุมติดตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน")
    page.fill("#id_start", "30/5/2567")
    page.fill("#id_end", "15/7/2567")
    page.check("input[name=mode][value=monthly]")
    page.fill("#id_days_of_month", "15, 30")
    page.fill("#id_start_time", "13:30")
    page.fill("#id_place", "ห้องประชุม ศธจ.ร้อยเอ็ด")
    page.fill("#id_agenda", "ติดตามความก้าวหน้ามาตรการ ๑.๑ – ๑.๗ (แบบติดตามผ่านกลุ่มไลน์ ITA ศธจ.ร้อยเอ็ด)")
    page.get_by_label("กลุ่มบริหารงานบุคคล", exact=True).check()
    page.click("button[name=action][value=preview]")
    preview = page.locator("[data-testid=generate-preview]").inner_text()
    assert "จะสร้าง 4 ครั้ง" in preview
    for day in ("๓๐ พฤษภาคม ๒๕๖๗", "๑๕ มิถุนายน ๒๕๖๗", "๓๐ มิถุนายน ๒๕๖๗", "๑๕ กรกฎาคม ๒๕๖๗"):
        assert day in preview
    page.click("button[name=action][value=create]")
    page.wait_for_selector("[data-testid=followup-table]")
    meetings = list(FollowUp.objects.filter(agency=a, measure=None).order_by("number"))
    from django.utils import timezone

    assert [(f.number, timezone.localtime(f.starts_at).strftime("%d/%m %H:%M")) for f in meetings] == [
        (1, "30/05 13:30"),
        (2, "15/06 13:30"),
        (3, "30/06 13:30"),
        (4, "15/07 13:30"),
    ]
    _shot(page, "seed003_followup_list")
    page.goto(base + "followups/calendar/?month=2567-06")
    _shot(page, "seed003_calendar_june")

    # Minutes of meeting 1, then seed 004's results on the first measure (with seed 002's budget line).
    page.goto(f"{base}followups/{meetings[0].pk}/minutes/")
    page.fill("#id_minutes", "ที่ประชุมรับทราบความก้าวหน้า กลุ่มงานรายงานผลผ่านกลุ่มไลน์ ITA")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=followup-table]")
    first = measures[0]
    page.goto(f"{base}m/{first.pk}/progress/new/")
    page.fill("#id_reported_on", "๑๕/๐๗/๒๕๖๗")
    page.check("input[name=status][value=done]")
    page.fill("#id_percent_complete", "100")
    page.fill(
        "#id_result_summary",
        "ดำเนินการศึกษาคู่มือการปฏิบัติงานของสำนักงานปลัดกระทรวงศึกษาธิการ มาปรับใช้ให้สอดคล้องกับบริบท "
        "และจัดทำคู่มือการปฏิบัติงานของแต่ละกลุ่มงานและยึดถือเป็นแนวปฏิบัติ",
    )
    page.fill("#id_outcome", "มีคู่มือการปฏิบัติงานของสำนักงาน และบุคลากรได้รับทราบถึงแนวปฏิบัติ")
    page.fill("#id_budget_spent", "21000")
    page.fill("#id_obstacles", "งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ")
    page.fill("#id_suggestions", "ควรจัดสรรงบประมาณสำหรับการจัดพิมพ์คู่มือ")
    page.fill("#id_links_text", "https://www.example.go.th/ita/o14 คู่มือการปฏิบัติงานบนเว็บไซต์")
    page.click("#progress-form button[type=submit]")
    page.wait_for_selector("[data-testid=progress-entry]")
    for step in page.locator("[data-testid=step-toggle]").all()[:2]:
        step.click()
        page.wait_for_timeout(300)
    first.refresh_from_db()
    progress = first.progress_updates.get()
    assert first.status == "done" and str(progress.budget_spent) == "21000.00"
    assert progress.evidence.get().url == "https://www.example.go.th/ita/o14"
    assert Membership.objects.filter(agency=a).count() >= 4
    page.reload()
    _shot(page, "seed004_measure_detail")
    page.goto(base)
    _shot(page, "seed003_overview")
