"""The strict Content-Security-Policy in a real browser: Chart.js draws, htmx swaps, progress bars
get their width, and Chromium reports no violation (issue 18, item 7)."""

from __future__ import annotations

import pytest

from tests.factories_admin import rows_for
from tests.test_measures_browser import allow_sync_orm_beside_playwright, browser, media  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched(browser, live_server, world):  # noqa: F811
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass-1234")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page, violations
    context.close()


def test_charts_htmx_and_progress_bars_work_under_the_policy(watched, live_server, world):
    page, violations = watched
    rows = rows_for(world.agency_a, "ของเอ")
    a = world.agency_a.pk
    page.goto(f"{live_server.url}/scores/a/{a}/2566/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('scores-chart'))")
    page.goto(f"{live_server.url}/measures/a/{a}/2567/m/{rows.measure.pk}/")
    before = page.locator("#step-list > li[data-step]").count()
    page.evaluate("window.__marker = 1")
    page.fill("#id_step_text", "ขั้นตอนที่เพิ่มผ่าน htmx")
    page.click("[data-testid=step-add]")
    page.wait_for_function(f"() => document.querySelectorAll('#step-list > li[data-step]').length === {before + 1}")
    assert page.evaluate("window.__marker") == 1  # swapped in place, no reload
    page.goto(f"{live_server.url}/measures/a/{a}/2567/")
    widths = page.eval_on_selector_all(".progress-bar[data-width]", "bars => bars.map(b => b.style.width)")
    assert widths and all(w.endswith("%") for w in widths)
    assert not violations, violations
