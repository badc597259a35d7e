"""The memo preview is rendered by the Celery worker, never inside the web request (issue 18,
item 2): the page shows the progress bar and polls until the worker has made the file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import tasks
from reports.services import previews
from tests.conftest import assert_status
from tests.factories_admin import rows_for


@pytest.fixture
def queued(monkeypatch):
    """Tasks go to a list instead of running: what a real broker and worker would do."""
    calls = []
    monkeypatch.setattr(tasks.render_preview, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def no_render_in_request(monkeypatch):
    rendered = []
    real = previews.render_source_pdf
    monkeypatch.setattr(previews, "render_source_pdf", lambda *a, **k: rendered.append(1) or real(*a, **k))
    return rendered


def test_preview_waits_for_the_worker_then_opens_the_pdf(world, queued, no_render_in_request):
    rows = rows_for(world.agency_a, "ของเอ")
    kwargs = {"agency_id": world.agency_a.pk, "year": rows.report.fiscal_year, "pk": rows.report.pk}
    client = world.client_for("supervisor")  # a read-only role may preview: nothing is written
    page = client.get(reverse("reports:preview", kwargs=kwargs))
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert 'data-testid="preview-progress"' in html and 'hx-trigger="every 1s"' in html
    assert not no_render_in_request  # the request did not lay out anything
    assert len(queued) == 1
    key, source = queued[0]
    status_url = reverse("reports:preview_status", kwargs={**kwargs, "key": key})
    assert status_url in html
    client.get(reverse("reports:preview", kwargs=kwargs))
    assert len(queued) == 1  # asked again while queued: not queued twice
    assert "HX-Redirect" not in client.get(status_url)
    tasks.render_preview(key, source)  # the worker
    assert no_render_in_request == [1]
    done = client.get(status_url)
    assert done["HX-Redirect"] == reverse("reports:preview", kwargs=kwargs)
    pdf = client.get(reverse("reports:preview", kwargs=kwargs))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(queued) == 1 and no_render_in_request == [1]  # served from the file


def test_a_changed_report_gets_a_new_preview(world, queued):
    rows = rows_for(world.agency_a, "ของเอ")
    kwargs = {"agency_id": world.agency_a.pk, "year": rows.report.fiscal_year, "pk": rows.report.pk}
    client = world.client_for("staff_a")
    client.get(reverse("reports:preview", kwargs=kwargs))
    rows.report.body = "เนื้อความใหม่"
    rows.report.save()
    client.get(reverse("reports:preview", kwargs=kwargs))
    assert len(queued) == 2 and queued[0][0] != queued[1][0]


def test_preview_status_is_scoped_like_the_report(world, queued):
    rows = rows_for(world.agency_a, "ของเอ")
    kwargs = {"agency_id": world.agency_a.pk, "year": rows.report.fiscal_year, "pk": rows.report.pk}
    url = reverse("reports:preview_status", kwargs={**kwargs, "key": "0" * 64})
    assert_status(world, url, {"anonymous": 302, "outsider": 404, "staff_b": 404, "staff_a": 200, "supervisor": 200})


def test_the_worker_refuses_a_key_that_is_not_its_source():
    with pytest.raises(ValueError):
        previews.preview_render(key="0" * 64, source={"kind": "measures_plan"})
