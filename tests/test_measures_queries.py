"""Pages stay fast: the same number of SQL queries with 2 or 20 measures / meetings / steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita_portal.agencies.models import Division, Membership
from measures import services
from tests.factories import WeaknessFactory, bkk
from tests.factories_measures import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _fill(world, n: int) -> None:
    a = world.agency_a
    division = Division.objects.get(agency=a)
    staff = Membership.objects.get(user=world.users["staff_a"])
    weakness = WeaknessFactory(agency=a)
    for i in range(n):
        m = services.measure_create(
            agency=a,
            fiscal_year=2567,
            title=f"มาตรการ {i}",
            weakness=weakness if i % 2 else None,
            steps=["ก", "ข", "ค"],
            responsible_divisions=[division],
            responsible_people=[staff],
            end_date=dt.date(2024, 7, 1),
        )
        services.followup_create(agency=a, fiscal_year=2567, measure=m, starts_at=bkk(2024, 6, 1 + i % 28, 9), attendees=[staff])
        p = services.progress_record(measure=m, reported_on=dt.date(2024, 6, 1), status="in_progress")
        services.evidence_add_file(measure=m, upload=upload("a.pdf", PDF_BYTES), progress=p)


def _count(client, url: str) -> int:
    """Queries of a warm request (the catalogue's years come from the cache after the first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/measures/a/{a}/2567/",
        "/measures/a/{a}/2567/?division={d}&person={p}",
        "/measures/a/{a}/2567/followups/",
        "/measures/a/{a}/2567/followups/calendar/?month=2567-06",
        "/measures/mine/",
    ],
)
def test_list_pages_constant(world, time_machine, url):
    time_machine.move_to(bkk(2024, 5, 1, 9))
    a = world.agency_a
    division = Division.objects.get(agency=a)
    staff = Membership.objects.get(user=world.users["staff_a"])
    url = url.format(a=a.pk, d=division.pk, p=staff.pk)
    client = world.client_for("staff_a")
    _fill(world, 2)
    small = _count(client, url)
    _fill(world, 18)
    large = _count(client, url)
    assert large == small, f"{url}: {small} queries with 2 rows, {large} with 20"
    assert small <= 20


def test_measure_page_constant(world, time_machine):
    time_machine.move_to(bkk(2024, 5, 1, 9))
    a = world.agency_a
    client = world.client_for("staff_a")
    m = services.measure_create(agency=a, fiscal_year=2567, title="มาตรการ", steps=["ก"])
    url = f"/measures/a/{a.pk}/2567/m/{m.pk}/"

    def add(i):
        step = services.step_add(measure=m, text=f"ขั้นตอน {i}")
        services.step_set_done(step=step, done=True, user=world.users["staff_a"])
        services.measure_update(measure=m, title=f"มาตรการ ({i})")
        p = services.progress_record(
            measure=m, reported_on=dt.date(2024, 6, i + 1), status="in_progress", user=world.users["staff_a"]
        )
        services.evidence_add_file(measure=m, upload=upload("a.pdf", PDF_BYTES), progress=p)
        services.followup_create(agency=a, fiscal_year=2567, measure=m, starts_at=bkk(2024, 6, i + 1, 9))

    add(0)
    small = _count(client, url)
    for i in range(1, 11):
        add(i)
    large = _count(client, url)
    assert large == small, f"measure page: {small} vs {large} queries"
    assert small <= 30
