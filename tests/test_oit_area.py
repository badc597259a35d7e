"""Supervisor's OIT area view: counts per agency below, sorting, XLSX/CSV with BOM, a chart, and a
query count that does not grow with the number of agencies."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oit import services
from tests.conftest import READERS_OF_A, assert_status
from tests.factories import AgencyFactory, UserFactory, make_framework

pytestmark = pytest.mark.django_db


def _prepare(agency, fw, *, published: int, ready: int, overdue: int) -> None:
    checker = UserFactory()
    publisher = UserFactory(username="oit-area-publisher", is_superuser=True)
    items = list(fw.items.filter(kind="O").order_by("number"))
    for item in items[:published]:
        entry = services.oit_entry_for(agency=agency, item=item)
        services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/x")
        services.oit_status_set(entry=entry, status="ready")
        services.oit_check(entry=entry, user=checker)
        services.oit_publish(entry=entry, user=publisher)
    for item in items[published : published + ready]:
        entry = services.oit_entry_for(agency=agency, item=item)
        services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/y")
        services.oit_status_set(entry=entry, status="ready")
    for item in items[published + ready : published + ready + overdue]:
        entry = services.oit_entry_for(agency=agency, item=item)
        services.oit_entry_assign(entry=entry, due_date=dt.date(2020, 1, 1))


@pytest.fixture
def area(world):
    fw = make_framework(2569, oit_items=6)
    _prepare(world.agency_a, fw, published=2, ready=1, overdue=1)
    other = AgencyFactory(name="สพม.ทดสอบ", short_name="สพม.ทดสอบ", code="A0002", parent=world.supervising)
    _prepare(other, fw, published=4, ready=0, overdue=2)
    _prepare(world.agency_b, fw, published=6, ready=0, overdue=0)  # outside S: never shown
    return fw, other


def _url(world, **query):
    url = reverse("oit:area", kwargs={"agency_id": world.supervising.pk, "year": 2569})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_counts_sorting_and_chart(world, area):
    client = world.client_for("supervisor")
    response = client.get(_url(world, sort="published"))
    html = response.content.decode()
    rows = [a.code for a in response.context["agencies"]]
    assert rows == ["A0002", "A0001"] and world.agency_b.code not in html
    by_code = {a.code: (a.ready, a.published, a.overdue) for a in response.context["agencies"]}
    assert by_code == {"A0001": (1, 2, 1), "A0002": (0, 4, 2)}
    assert 'id="oit-area-chart-data"' in html and "vendor/chartjs/chart.umd.min.js" in html
    rows = [a.code for a in client.get(_url(world, sort="overdue")).context["agencies"]]
    assert rows == ["A0002", "A0001"]
    rows = [a.code for a in client.get(_url(world, sort="ready")).context["agencies"]]
    assert rows == ["A0001", "A0002"]


def test_exports_xlsx_and_csv_with_bom(world, area):
    client = world.client_for("supervisor")
    csv = client.get(_url(world, sort="name", format="csv"))
    assert csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("รหัสหน่วยงาน") and any(line.startswith("A0001,") and line.endswith(",6,1,2,1") for line in lines)
    xlsx = client.get(_url(world, format="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["A0002", "สพม.ทดสอบ", 6, 0, 4, 2] in values


def test_access(world, area):
    assert_status(world, _url(world).replace(str(world.supervising.pk), str(world.agency_a.pk), 1), READERS_OF_A)
    # Staff of A see their own agency's (empty) area, never S's.
    assert world.client_for("staff_a").get(_url(world)).status_code == 404


def test_query_count_does_not_grow_with_agencies(world, area):
    fw, _other = area
    client = world.client_for("supervisor")
    client.get(_url(world))  # warm the session and membership caches
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    for n in range(12):
        extra = AgencyFactory(code=f"X{n:04d}", parent=world.supervising)
        _prepare(extra, fw, published=n % 4, ready=1, overdue=1)
    client.get(_url(world))  # new agencies make the cached "waiting for me" count stale: warm it again
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(world))
    assert len(response.context["agencies"]) == 14
    assert len(many) == len(few)
