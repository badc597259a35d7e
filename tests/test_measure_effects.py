"""Did a measure move its indicator? Seed 001's numbers from the demo data (indicator 2:
88.69 → 94.54, indicator 9: 86.28 → 92.50), on the measure, the agency's page, the results
report and the supervisor's roll-up; a fixed number of queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ita_portal.agencies.models import Agency
from measures.effects import effects_rollup, measure_effects
from measures.models import Measure
from reports import services as report_services
from reports.documents.common import Fmt
from reports.documents.kind import kind_for
from reports.models import ReportKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    return Agency.objects.get(code="OBEC-SKN-P")


def _superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-effects", password="x-1234-effects")
    client.force_login(user)
    return client


def test_seed_001_numbers_from_the_demo_data(demo):
    effects = measure_effects(Measure.objects.filter(agency=demo, fiscal_year=2566))
    found = {e.label.split(".")[0]: (e.before_year, e.before, e.after_year, e.after, e.change) for e in effects}
    assert found["2"] == (2565, Decimal("88.69"), 2566, Decimal("94.54"), Decimal("5.85"))
    assert found["9"] == (2565, Decimal("86.28"), 2566, Decimal("92.50"), Decimal("6.22"))
    rollup = effects_rollup(effects)
    assert [r.mean_change for r in rollup] == [Decimal("6.22"), Decimal("5.85")]


def test_queries_do_not_grow_with_measures(demo):
    one = Measure.objects.filter(agency=demo, fiscal_year=2566)[:1]
    with CaptureQueriesContext(connection) as small:
        measure_effects(list(one))
    everything = list(Measure.objects.all())
    with CaptureQueriesContext(connection) as large:
        measure_effects(everything)
    # Measures, their items' prefetches (items, frameworks, indicators), indicator and item scores:
    # at most seven whatever the number of measures and agencies.
    assert len(everything) > 20 and len(small) <= 7 and len(large) <= 7


def test_pages_show_the_change_with_honest_wording(demo, client, django_user_model):
    client = _superuser_client(client, django_user_model)
    measure = Measure.objects.get(agency=demo, fiscal_year=2566, indicator__number=9)
    detail = client.get(reverse("measures:measure_detail", args=[demo.pk, 2566, measure.pk])).content.decode()
    # The measure page writes the scores in the agency's digits (Thai by default).
    assert 'id="effects"' in detail and "๘๖.๒๘" in detail and "๙๒.๕๐" in detail and "+๖.๒๒" in detail
    assert "ไม่ได้พิสูจน์ว่ามาตรการเป็นสาเหตุ" in detail
    page = client.get(reverse("measures:effects", args=[demo.pk, 2566])).content.decode()
    assert "+5.85" in page and "+6.22" in page and 'id="effects-chart-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    root = demo.parent or demo
    area = client.get(reverse("measures:area_effects", args=[root.pk, 2566])).content.decode()
    assert 'id="rollup-table"' in area and "6.22" in area and "5.85" in area


def test_agency_effects_page_refused_outside_reach(world):
    from tests.conftest import READERS_OF_A, assert_status

    assert_status(world, reverse("measures:effects", args=[world.agency_a.pk, 2566]), READERS_OF_A)
    assert_status(world, reverse("measures:area_effects", args=[world.agency_a.pk, 2566]), READERS_OF_A)


def test_results_report_has_the_effects_section(demo):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(memberships__agency=demo).first()
    report = report_services.report_create(agency=demo, year=2566, kind=ReportKind.RESULTS, actor=staff, data={})
    attachment = kind_for(ReportKind.RESULTS).gather(report, Fmt(thai_digits=False))
    rows = {r["label"][:1]: r for r in attachment["effects"]}
    assert rows["9"]["before"] == "86.28 (2565)" and rows["9"]["after"] == "92.50 (2566)" and rows["9"]["change"] == "+6.22"
    assert rows["2"]["change"] == "+5.85"


def test_scores_pages_show_the_effects_table_and_chart(demo, client, django_user_model):
    """Seed 001's numbers on the agency's scores table of 2566 and its year-over-year page."""
    import json
    import re

    client = _superuser_client(client, django_user_model)
    for name in ("indicators:dashboard", "indicators:trend"):
        html = client.get(reverse(name, args=[demo.pk, 2566])).content.decode()
        box = html[html.index('id="score-effects"') :]
        box = box[: box.index("</section>")]
        rows = re.findall(r"<tr>(.*?)</tr>", box, re.S)
        found = {
            re.search(r"<td>(\d+)\. ", r).group(1): re.sub(r"<[^>]+>|\s+", " ", r) for r in rows if re.search(r"<td>\d+\. ", r)
        }
        assert "88.69" in found["2"] and "94.54" in found["2"] and "+5.85" in found["2"], name
        assert "86.28" in found["9"] and "92.50" in found["9"] and "+6.22" in found["9"], name
        assert "ไม่ได้พิสูจน์ว่ามาตรการเป็นสาเหตุ" in box
        chart = json.loads(
            re.search(r'<script id="effects-chart-data" type="application/json">(.*?)</script>', html, re.S).group(1)
        )
        assert sorted(zip(chart["before"], chart["after"], strict=True)) == [(86.28, 92.5), (88.69, 94.54)]
        assert "js/effects-chart.js" in html and html.count("vendor/chartjs/chart.umd.min.js") == 1


def test_scores_pages_without_measures_have_no_effects_box_and_stay_scoped(world):
    from tests.conftest import READERS_OF_A, assert_status
    from tests.factories import make_framework

    make_framework(2566)
    url = reverse("indicators:dashboard", args=[world.agency_a.pk, 2566])
    html = world.client_for("staff_a").get(url).content.decode()
    assert 'id="score-effects"' not in html and "effects-chart.js" not in html
    assert_status(world, url, READERS_OF_A)
    assert_status(world, reverse("indicators:trend", args=[world.agency_a.pk, 2566]), READERS_OF_A)
