"""Shared fixtures: the role world every view test uses, and service guards for CI.

``world`` holds two unrelated agencies A and B, a supervising agency S above A, and a user for
every role: staff and director of A and of B, a supervisor of S, a superuser, an outsider with no
membership, plus the anonymous visitor. Each view test proves both access and refusal with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from ita_portal.agencies.models import Agency, AgencyKind, Role
from tests.factories import AgencyFactory, DivisionFactory, MembershipFactory, UserFactory

PASSWORD = "pass-1234"


@dataclass
class World:
    supervising: Agency
    agency_a: Agency
    agency_b: Agency
    users: dict

    def client_for(self, role: str) -> Client:
        """A logged-in test client for a role name ('staff_a', …) or an anonymous one ('anonymous')."""
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


#: Who may open a page of agency A (under S): its staff and director, S's supervisor, superusers.
#: Anonymous visitors go to the login page; everyone else gets 404 (the page's existence is not revealed).
READERS_OF_A = {
    "anonymous": 302,
    "outsider": 404,
    "staff_a": 200,
    "director_a": 200,
    "staff_b": 404,
    "director_b": 404,
    "supervisor": 200,
    "superuser": 200,
}
#: The same page when it changes data: the supervisor may read but not write (403).
WRITERS_OF_A = {**READERS_OF_A, "supervisor": 403}

ROLES = ("anonymous", "outsider", "staff_a", "director_a", "staff_b", "director_b", "supervisor", "superuser")


@pytest.fixture
def world(db) -> World:
    supervising = AgencyFactory(
        name="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (ทดสอบ)", short_name="สพฐ.ทดสอบ", code="S0001", kind=AgencyKind.MINISTRY
    )
    agency_a = AgencyFactory(
        name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร (ทดสอบ)", short_name="สพป.สมุทรสาคร", code="A0001", parent=supervising
    )
    agency_b = AgencyFactory(
        name="สำนักงานศึกษาธิการจังหวัดร้อยเอ็ด (ทดสอบ)", short_name="ศธจ.ร้อยเอ็ด", code="B0001", kind=AgencyKind.PROVINCIAL
    )
    div_a = DivisionFactory(agency=agency_a, name="กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")
    div_b = DivisionFactory(agency=agency_b, name="กลุ่มบริหารงานบุคคล")
    users = {
        "outsider": UserFactory(username="outsider"),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    for key, agency, role, division in (
        ("staff_a", agency_a, Role.STAFF, div_a),
        ("director_a", agency_a, Role.DIRECTOR, None),
        ("staff_b", agency_b, Role.STAFF, div_b),
        ("director_b", agency_b, Role.DIRECTOR, None),
        ("supervisor", supervising, Role.SUPERVISOR, None),
    ):
        user = UserFactory(username=key, is_staff=(role == Role.SUPERVISOR))
        MembershipFactory(user=user, agency=agency, role=role, division=division)
        users[key] = user
    return World(supervising=supervising, agency_a=agency_a, agency_b=agency_b, users=users)


def assert_status(world: World, url: str, expected: dict[str, int], method: str = "get", data: dict | None = None) -> None:
    """Request ``url`` as each role and compare status codes; anonymous redirects count as 302."""
    failures = []
    for role, status in expected.items():
        client = world.client_for(role)
        response = getattr(client, method)(url, data or {})
        if response.status_code != status:
            failures.append(f"{role}: expected {status}, got {response.status_code}")
    assert not failures, f"{method.upper()} {url}: " + "; ".join(failures)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def redis_url() -> str:
    """The Redis URL for tests that need a real Redis; under CI a missing Redis is a failure."""
    _require_redis()
    return os.environ["REDIS_URL"]


def _require_postgres() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if in_ci():
            pytest.fail("DATABASE_URL is not PostgreSQL: CI must run this test on PostgreSQL")
        pytest.skip("needs DATABASE_URL=postgres://…")


def _require_redis() -> None:
    if not os.environ.get("REDIS_URL", ""):
        if in_ci():
            pytest.fail("REDIS_URL is not set: CI must test against a real Redis")
        pytest.skip("REDIS_URL not set (set it, or run .ci/run)")


@pytest.fixture
def require_postgres() -> None:
    """For tests that need PostgreSQL (row locks, COPY, other processes): fail under CI, skip locally."""
    _require_postgres()


def pytest_runtest_setup(item) -> None:
    """The ``postgres`` and ``redis`` markers are enforced by themselves (pyproject.toml says so)."""
    if item.get_closest_marker("postgres"):
        _require_postgres()
    if item.get_closest_marker("redis"):
        _require_redis()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory) -> None:
    """Uploads and rendered PDFs of a test go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _no_page_digit_rule_between_tests():
    """A view called without the middleware (RequestFactory) states a digit rule that the
    middleware would have cleared: clear it after each test too."""
    from ita_portal.thai import set_page_digits

    yield
    set_page_digits(None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database rolls back after a test, and cached data
    built from it (the catalogue's years) must not outlive it."""
    from django.core.cache import cache

    cache.clear()
