"""The one access selector: who sees which agencies and rows, who may write, 404 vs 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Role
from ita_portal.agencies.services import agency_update, membership_create, membership_update
from measures.models import Measure
from tests.factories import AgencyFactory, MeasureFactory, UserFactory


def names(qs):
    return {a.code for a in qs}


def test_visibility_per_role(world):
    users = world.users
    assert names(selectors.agencies_visible_to(users["staff_a"])) == {"A0001"}
    assert names(selectors.agencies_visible_to(users["director_b"])) == {"B0001"}
    assert names(selectors.agencies_visible_to(users["supervisor"])) == {"S0001", "A0001"}
    assert names(selectors.agencies_visible_to(users["superuser"])) == {"S0001", "A0001", "B0001"}
    assert names(selectors.agencies_visible_to(users["outsider"])) == set()


def test_supervisor_sees_grandchildren_but_not_siblings_of_root(world):
    grandchild = AgencyFactory(code="A0002", parent=world.agency_a)
    AgencyFactory(code="B0002", parent=world.agency_b)
    visible = names(selectors.agencies_visible_to(world.users["supervisor"]))
    assert visible == {"S0001", "A0001", grandchild.code}


def test_moving_an_agency_moves_its_subtree(world):
    child = AgencyFactory(code="A0002", parent=world.agency_a)
    agency_update(agency=world.agency_a, parent=world.agency_b)
    child.refresh_from_db()
    assert child.path == f"{world.agency_b.path}{world.agency_a.pk}/{child.pk}/"
    assert "A0002" not in names(selectors.agencies_visible_to(world.users["supervisor"]))
    with pytest.raises(Exception, match="ย้ายหน่วยงาน"):
        agency_update(agency=world.agency_b, parent=Agency.objects.get(code="A0002"))


def test_scope_queryset_and_fetch_helpers(world):
    ma = MeasureFactory(agency=world.agency_a)
    mb = MeasureFactory(agency=world.agency_b)
    qs = Measure.objects.all()
    assert list(selectors.scope_queryset(qs, world.users["staff_a"])) == [ma]
    assert set(selectors.scope_queryset(qs, world.users["superuser"])) == {ma, mb}
    assert list(selectors.scope_queryset(qs, world.users["outsider"])) == []

    assert selectors.get_for_read(world.users["supervisor"], qs, pk=ma.pk) == ma
    with pytest.raises(Http404):
        selectors.get_for_read(world.users["staff_a"], qs, pk=mb.pk)
    # Supervisors read but do not write: 403, not 404.
    with pytest.raises(PermissionDenied):
        selectors.get_for_write(world.users["supervisor"], qs, pk=ma.pk)
    assert selectors.get_for_write(world.users["staff_a"], qs, pk=ma.pk) == ma
    with pytest.raises(Http404):
        selectors.get_for_write(world.users["staff_a"], qs, pk=mb.pk)
    # Approving is the director's right.
    with pytest.raises(PermissionDenied):
        selectors.get_for_write(world.users["staff_a"], qs, approve=True, pk=ma.pk)
    assert selectors.get_for_write(world.users["director_a"], qs, approve=True, pk=ma.pk) == ma


def test_inactive_agency_and_membership_are_invisible(world):
    MeasureFactory(agency=world.agency_a)
    user = world.users["staff_a"]
    membership = user.memberships.get()
    membership_update(membership=membership, is_active=False)
    assert not selectors.agencies_visible_to(user).exists()
    membership_update(membership=membership, is_active=True)
    agency_update(agency=world.agency_a, is_active=False)
    selectors.forget_memberships(user)
    assert not selectors.scope_queryset(Measure.objects.all(), user).exists()


def test_visibility_costs_one_query(world, django_assert_num_queries):
    user = world.users["supervisor"]
    selectors.forget_memberships(user)
    with django_assert_num_queries(2):  # memberships once, then the scoped query
        list(selectors.agencies_visible_to(user))
    with django_assert_num_queries(1):
        list(selectors.agencies_visible_to(user))


def test_supervisor_membership_grants_admin_login(world):
    user = UserFactory(username="new-supervisor")
    assert not user.is_staff
    membership_create(user=user, agency=world.supervising, role=Role.SUPERVISOR, first_name_th="สมชาย", last_name_th="ดี")
    user.refresh_from_db()
    assert user.is_staff
    membership_update(membership=user.memberships.get(), role=Role.STAFF)
    user.refresh_from_db()
    assert not user.is_staff


def test_division_must_belong_to_agency(world):
    from django.core.exceptions import ValidationError

    other_division = world.agency_b.divisions.first()
    with pytest.raises(ValidationError, match="กลุ่มงานต้องอยู่ในหน่วยงานเดียวกัน"):
        membership_create(
            user=UserFactory(username="x"), agency=world.agency_a, division=other_division, first_name_th="ก", last_name_th="ข"
        )


def test_own_agency_comes_from_the_memberships_without_a_query(world, django_assert_num_queries):
    """A member's own agency is answered from the memberships the request has read already; the
    answers (404 / 403 / the agency) are the same as through the scoped query."""
    from django.contrib.auth import get_user_model

    def fresh(role):
        return get_user_model().objects.get(pk=world.users[role].pk)

    a = world.agency_a
    staff, director, supervisor, outsider = fresh("staff_a"), fresh("director_a"), fresh("supervisor"), fresh("outsider")
    for user in (staff, director, supervisor):
        selectors.memberships_of(user)
    with django_assert_num_queries(0):
        assert selectors.get_agency_for_read(staff, a.pk) == a
        assert selectors.get_agency_for_write(staff, a.pk) == a
        assert selectors.get_agency_for_write(director, a.pk, approve=True) == a
        with pytest.raises(PermissionDenied):
            selectors.get_agency_for_write(staff, a.pk, approve=True)
    with django_assert_num_queries(1):  # an agency below the supervisor's own: read through the scope
        assert selectors.get_agency_for_read(supervisor, a.pk) == a
    with pytest.raises(PermissionDenied):
        selectors.get_agency_for_write(supervisor, a.pk)
    for user in (staff, outsider):
        with pytest.raises(Http404):
            selectors.get_agency_for_read(user, world.agency_b.pk)
    a.is_active = False
    a.save()
    with pytest.raises(Http404):  # a deactivated agency: gone for its own staff too
        selectors.get_agency_for_read(fresh("staff_a"), a.pk)
