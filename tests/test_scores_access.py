"""Every score page for every role of ``world``: 302 to login for anonymous visitors, 404 for an
agency the user cannot read, 403 for a write the user may not make, 200 otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import ImportBatch
from tests.conftest import READERS_OF_A, assert_status
from tests.factories import WeaknessFactory, make_framework
from tests.factories_scores import SEED_001_2565, save_scores

YEAR = 2565


@pytest.fixture
def scored(world):
    framework = make_framework(YEAR)
    save_scores(world.agency_a, framework, SEED_001_2565, {"O1": True, "O2": False})
    return framework


def url(name, world, **extra):
    # The weakness pages sit under /scores/ but belong to the measures app (namespace "weaknesses").
    namespace = "weaknesses" if name.startswith("weakness") else "indicators"
    return reverse(f"{namespace}:{name}", kwargs={"agency_id": world.agency_a.pk, "year": YEAR, **extra})


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("dashboard", {}),
        ("trend", {}),
        ("weaknesses", {}),
        ("dashboard_export", {"fmt": "xlsx"}),
        ("dashboard_export", {"fmt": "csv"}),
        ("trend_export", {"fmt": "csv"}),
    ],
)
def test_read_pages(world, scored, name, extra):
    assert_status(world, url(name, world, **extra), READERS_OF_A)


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("entry", {}),
        ("import_upload", {}),
        ("import_template", {"layout": "long", "fmt": "csv"}),
        ("import_template", {"layout": "wide", "fmt": "xlsx"}),
    ],
)
def test_score_loading_pages_supervisor_may_load(world, scored, name, extra):
    # Supervisors load scores for their area; no role that can read A is refused here.
    assert_status(world, url(name, world, **extra), READERS_OF_A)


def test_score_loading_refused_on_unrelated_agency(world, scored):
    target = reverse("indicators:entry", kwargs={"agency_id": world.agency_b.pk, "year": YEAR})
    assert_status(
        world,
        target,
        {
            "anonymous": 302,
            "outsider": 404,
            "staff_a": 404,
            "director_a": 404,
            "staff_b": 200,
            "director_b": 200,
            "supervisor": 404,
            "superuser": 200,
        },
    )


def test_entry_post_by_role(world, scored):
    data = {f"ind-{i.pk}-score": "90" for i in scored.indicators.all()}
    expected = {**READERS_OF_A, "staff_a": 302, "director_a": 302, "supervisor": 302, "superuser": 302}
    assert_status(world, url("entry", world), expected, method="post", data=data)


def test_import_preview_and_commit_by_role(world, scored):
    batch = ImportBatch.objects.create(agency=world.agency_a, fiscal_year=YEAR, filename="x.csv", content=b"", status="invalid")
    assert_status(world, url("import_preview", world, batch_id=batch.pk), READERS_OF_A)
    # An invalid batch cannot be committed: the write is refused by the service with a message (302 back).
    expected = {**READERS_OF_A, "staff_a": 302, "director_a": 302, "supervisor": 302, "superuser": 302}
    assert_status(world, url("import_commit", world, batch_id=batch.pk), expected, method="post")
    assert_status(world, url("import_commit", world, batch_id=batch.pk), {"staff_a": 405}, method="get")


def test_weakness_writes_are_refused_to_supervisor(world, scored):
    weakness = WeaknessFactory(agency=world.agency_a, fiscal_year=YEAR + 1)
    writers = {**READERS_OF_A, "staff_a": 302, "director_a": 302, "supervisor": 403, "superuser": 302}
    assert_status(world, url("weaknesses", world), writers, method="post")
    add_page = {**READERS_OF_A, "supervisor": 403}
    assert_status(world, url("weakness_add", world), add_page)
    assert_status(world, url("weakness_edit", world, pk=weakness.pk), add_page)
    assert_status(world, url("weakness_status", world, pk=weakness.pk), writers, method="post", data={"status": "dismissed"})


def test_weakness_of_another_agency_is_404(world, scored):
    other = WeaknessFactory(agency=world.agency_b, fiscal_year=YEAR + 1)
    assert_status(world, url("weakness_edit", world, pk=other.pk), {"staff_a": 404, "staff_b": 404, "superuser": 404})


def test_area_pages(world, scored):
    supervising = reverse("area:area", kwargs={"agency_id": world.supervising.pk, "year": YEAR})
    expected = {
        "anonymous": 302,
        "outsider": 404,
        "staff_a": 404,
        "director_a": 404,
        "staff_b": 404,
        "director_b": 404,
        "supervisor": 200,
        "superuser": 200,
    }
    assert_status(world, supervising, expected)
    assert_status(world, supervising + "export.xlsx", expected)
    area_a = reverse("area:area", kwargs={"agency_id": world.agency_a.pk, "year": YEAR})
    assert_status(world, area_a, READERS_OF_A)


def test_year_outside_be_range_is_404(world, scored):
    assert_status(world, reverse("indicators:dashboard", kwargs={"agency_id": world.agency_a.pk, "year": 2024}), {"staff_a": 404})
