"""The three heaviest pages render their template without touching the database.

The view is run as usual but its ``render`` is intercepted: what the view prepared (and what the
context processors add) is then rendered with every query counted. Zero means no lazy queryset or
relation is left for the template to evaluate (each would be a query per request, or per row).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve

from indicators import views as indicator_views
from measures import services
from measures.views import area as area_views
from measures.views import measures as measure_views
from tests.factories import make_framework
from tests.factories_reminders import bkk
from tests.factories_scores import SEED_001_2565, save_scores
from tests.test_scores_dashboards import area_url, build_area

pytestmark = pytest.mark.django_db


def _prepared(monkeypatch, module, user, url: str):
    """(template name, context with the context processors' output) of the page at ``url``."""
    seen = {}

    def capture(request, template_name, context=None, *args, **kwargs):
        seen.update(request=request, template=template_name, context=context or {})
        return HttpResponse()

    monkeypatch.setattr(module, "render", capture)
    request = RequestFactory().get(url)
    request.user = user
    request.session = {}
    match = resolve(request.path)
    response = match.func(request, *match.args, **match.kwargs)
    assert response.status_code == 200 and seen, url
    flat = {}
    for processor in engines["django"].engine.template_context_processors:
        flat.update(processor(request))
    flat.update(seen["context"])
    flat["request"] = request
    return seen["template"], flat


def _render_without_queries(django_assert_num_queries, template: str, context: dict) -> str:
    compiled = get_template(template)
    with django_assert_num_queries(0):
        return compiled.render(context)


def test_measure_page_template_makes_no_query(world, monkeypatch, django_assert_num_queries, time_machine):
    time_machine.move_to(bkk(2024, 5, 1))
    staff = world.users["staff_a"]
    m = services.measure_create(agency=world.agency_a, fiscal_year=2567, title="มาตรการทดสอบ", steps=["ก", "ข"])
    step = m.steps.first()
    services.step_set_done(step=step, done=True, user=staff)
    services.progress_record(measure=m, reported_on=dt.date(2024, 6, 1), status="in_progress", user=staff)
    services.followup_create(agency=world.agency_a, fiscal_year=2567, measure=m, starts_at=bkk(2024, 6, 3))
    url = f"/measures/a/{world.agency_a.pk}/2567/m/{m.pk}/"
    template, context = _prepared(monkeypatch, measure_views, staff, url)
    html = _render_without_queries(django_assert_num_queries, template, context)
    assert "มาตรการทดสอบ" in html


def test_score_entry_template_makes_no_query(world, monkeypatch, django_assert_num_queries):
    framework = make_framework(2565)
    save_scores(world.agency_a, framework, SEED_001_2565, {"O1": True, "O2": False})
    url = f"/scores/a/{world.agency_a.pk}/2565/entry/"
    template, context = _prepared(monkeypatch, indicator_views, world.users["staff_a"], url)
    html = _render_without_queries(django_assert_num_queries, template, context)
    assert framework.items.order_by("number").first().title in html
    # The rows' labels come prepared from the view (not made by template tags per row).
    assert 'aria-label="URL ข้อ O1"' in html and 'aria-label="หมายเหตุข้อ O1"' in html


def test_area_dashboard_template_makes_no_query(world, monkeypatch, django_assert_num_queries):
    framework = make_framework(2565)
    save_scores(world.agency_a, framework, SEED_001_2565)
    build_area(world, 3, framework)
    for sort in ("name", "score"):
        template, context = _prepared(monkeypatch, area_views, world.users["supervisor"], area_url(world, sort=sort))
        html = _render_without_queries(django_assert_num_queries, template, context)
        assert "หน่วยงานในสังกัด 02" in html
