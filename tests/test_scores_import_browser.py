"""Browser test (Playwright, Debian Chromium, a REAL Celery worker through Redis): a supervisor
uploads a large score file, sees the progress bar while no worker runs, then the preview once the
worker has checked it, confirms, and sees the result the worker wrote — under the strict CSP.
Screenshots of the progress bar and the preview at desktop and phone (390 px) width."""

from __future__ import annotations

import pytest

from indicators.models import Assessment, ImportBatch, ImportStatus, IndicatorScore
from tests.factories import make_framework
from tests.test_measures_browser import SHOTS, allow_sync_orm_beside_playwright, browser  # noqa: F401
from tests.test_scores_import_worker import ITEMS, YEAR, bulk_area, live, long_csv, media, to_worker, url  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

AGENCIES = 60  # 3,000 rows: a large file, checked by the worker


@pytest.fixture
def page(browser, live_server, world):  # noqa: F811 - the imported fixture
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "pass-1234")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(desktop)
    assert width <= 390, f"{name} is {width} px wide at 390 px"


def test_large_import_progress_bar_then_preview_then_commit(page, live_server, world, to_worker, settings):  # noqa: F811
    make_framework(YEAR, oit_items=ITEMS)
    codes = bulk_area(world.supervising, AGENCIES)
    page.goto(live_server.url + url(world.supervising, "import_upload"))
    page.set_input_files("input[type=file]", {"name": "area.csv", "mimeType": "text/csv", "buffer": long_csv(codes)})
    page.click("main form button[type=submit]")
    batch = ImportBatch.objects.defer("content").latest("pk")
    page.wait_for_url(live_server.url + url(world.supervising, "import_preview", batch_id=batch.pk))

    # No worker runs yet: the page shows the progress bar, its width set by portal.js (no style="").
    progress = page.get_by_test_id("import-progress")
    progress.get_by_text("รอคิวงานเบื้องหลัง").wait_for()
    assert page.locator("#import-progress .progress-bar").evaluate("e => e.style.width") == "8%"
    assert page.get_by_role("button", name="ยืนยันนำเข้า").count() == 0
    _shots(page, "scores-import-progress")

    to_worker.start_worker(
        "imports", MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )  # the worker picks the queued check up; htmx polls, then reloads
    summary = f"ไฟล์ถูกต้องทุกแถว: {AGENCIES} หน่วยงาน คะแนนตัวชี้วัด {AGENCIES * 10} รายการ ผลรายข้อ {AGENCIES * ITEMS} รายการ"
    page.get_by_text(summary).wait_for(timeout=90000)
    assert page.get_by_test_id("import-progress").count() == 0
    _shots(page, "scores-import-preview")

    page.get_by_role("button", name="ยืนยันนำเข้า").click()
    page.get_by_text(f"นำเข้าคะแนนแล้ว {AGENCIES} หน่วยงาน").wait_for(timeout=90000)
    _shots(page, "scores-import-committed")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert Assessment.objects.filter(agency__code__in=codes).count() == AGENCIES
    assert IndicatorScore.objects.count() == AGENCIES * 10
    page.get_by_role("link", name="ดูคะแนน").click()
    page.wait_for_url(live_server.url + url(world.supervising, "dashboard"))
    assert page.csp_errors == []
