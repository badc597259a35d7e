"""The access policy table and the agency/division services that keep the tree it reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Division, Role
from ita_portal.agencies.selectors import Action
from ita_portal.agencies.services import agency_move, agency_update, division_delete, division_update
from tests.factories import AgencyFactory, MembershipFactory

A = Action

#: (user, action) → which of the world's agencies it reaches.
EXPECTED = {
    ("staff_a", A.VIEW): {"A0001"},
    ("staff_a", A.WRITE): {"A0001"},
    ("staff_a", A.LOAD_SCORES): {"A0001"},
    ("staff_a", A.APPROVE): set(),
    ("staff_a", A.SUPERVISE): set(),
    ("director_b", A.VIEW): {"B0001"},
    ("director_b", A.WRITE): {"B0001"},
    ("director_b", A.APPROVE): {"B0001"},
    ("director_b", A.SUPERVISE): set(),
    ("supervisor", A.VIEW): {"S0001", "A0001"},
    ("supervisor", A.WRITE): set(),
    ("supervisor", A.LOAD_SCORES): {"S0001", "A0001"},
    ("supervisor", A.APPROVE): set(),
    ("supervisor", A.SUPERVISE): {"S0001", "A0001"},
    ("superuser", A.APPROVE): {"S0001", "A0001", "B0001"},
    ("outsider", A.VIEW): set(),
}


@pytest.mark.parametrize(("who", "action"), list(EXPECTED))
def test_agencies_for_and_can_agree_with_the_table(world, who, action):
    user = world.users[who]
    expected = EXPECTED[who, action]
    assert {a.code for a in selectors.agencies_for(user, action)} == expected
    for agency in (world.supervising, world.agency_a, world.agency_b):
        assert selectors.can(user, action, agency) == (agency.code in expected), agency.code


def test_roles_granting_reads_the_table():
    assert selectors.roles_granting(A.APPROVE) == {Role.DIRECTOR}
    assert selectors.roles_granting(A.WRITE) == {Role.STAFF, Role.DIRECTOR}
    assert selectors.roles_granting(A.SUPERVISE) == {Role.SUPERVISOR}


def test_every_role_has_a_row_in_the_policy():
    assert set(selectors.POLICY) == set(Role.values)
    for actions in selectors.POLICY.values():
        assert set(actions.values()) <= {selectors.OWN, selectors.SUBTREE}


def test_get_agency_for_an_action_is_404_then_403(world):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_agency_for(world.users["staff_b"], world.agency_a.pk, A.LOAD_SCORES)
    with pytest.raises(PermissionDenied):
        selectors.get_agency_for(world.users["staff_a"], world.agency_a.pk, A.APPROVE)
    assert selectors.get_agency_for(world.users["supervisor"], world.agency_a.pk, A.LOAD_SCORES) == world.agency_a


def test_a_supervisors_place_in_an_agency_below(world):
    user = world.users["supervisor"]
    membership = selectors.membership_granting(user, A.VIEW, world.agency_a)
    assert membership is not None and membership.agency == world.supervising
    assert selectors.membership_granting(user, A.VIEW, world.agency_b) is None


# --- moving agencies ----------------------------------------------------------------------------


def _subtree(root: Agency, depth: int, width: int) -> list[Agency]:
    made, level = [], [root]
    for _ in range(depth):
        level = [AgencyFactory(parent=parent) for parent in level for _ in range(width)]
        made += level
    return made


def _moved_queries(world, depth: int, width: int) -> tuple[int, list[Agency]]:
    below = _subtree(world.agency_a, depth, width)
    with CaptureQueriesContext(connection) as ctx:
        agency_move(agency=world.agency_a, parent=world.agency_b)
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]), below


def test_moving_rewrites_the_whole_subtree_in_one_update(world):
    count, below = _moved_queries(world, depth=3, width=3)  # 39 agencies below
    for agency in below:
        agency.refresh_from_db()
        expected, node = "", agency
        while node is not None:
            expected = f"/{node.pk}{expected}"
            node = node.parent
        assert agency.path == f"{expected}/"
        assert agency.path.startswith(f"{world.agency_b.path}{world.agency_a.pk}/")
    world.agency_a.refresh_from_db()
    assert world.agency_a.parent == world.agency_b
    assert world.agency_a.path == f"{world.agency_b.path}{world.agency_a.pk}/"
    # A fixed number of queries, whatever the size: lock + read paths, the agency's parent, one UPDATE.
    assert count == 4
    with CaptureQueriesContext(connection) as ctx:
        agency_move(agency=world.agency_a, parent=world.supervising)
    path_updates = sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and '"path"' in q["sql"])
    assert path_updates == 1


def test_move_cost_does_not_grow_with_the_subtree(world):
    small, _ = _moved_queries(world, depth=1, width=1)
    agency_move(agency=world.agency_a, parent=world.supervising)
    big, _ = _moved_queries(world, depth=2, width=6)
    assert big == small


def test_moving_under_its_own_agency_is_refused_and_nothing_changes(world):
    child = AgencyFactory(parent=world.agency_a)
    before = dict(Agency.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError, match="ย้ายหน่วยงาน"):
        agency_move(agency=world.agency_a, parent=child)
    assert dict(Agency.objects.values_list("pk", "path")) == before


def test_a_plain_save_may_not_move_an_agency(world):
    agency = Agency.objects.get(pk=world.agency_a.pk)
    agency.parent = world.agency_b
    with pytest.raises(ValueError, match="agency_move"):
        agency.save()
    agency_update(agency=agency, parent=world.agency_b)
    assert Agency.objects.get(pk=world.agency_a.pk).path.startswith(world.agency_b.path)


def test_moving_changes_who_sees_the_subtree(world):
    grandchild = AgencyFactory(parent=world.agency_a)
    MembershipFactory(user=world.users["staff_b"], agency=grandchild, role=Role.STAFF)
    agency_move(agency=world.agency_a, parent=None)
    supervisor = world.users["supervisor"]
    selectors.forget_memberships(supervisor)
    assert not selectors.can_read(supervisor, Agency.objects.get(pk=grandchild.pk))


# --- divisions ----------------------------------------------------------------------------------


def test_division_update_and_delete(world):
    division = world.agency_a.divisions.get()
    division_update(division=division, name="กลุ่มนโยบายและแผน", order=3)
    division.refresh_from_db()
    assert (division.name, division.order) == ("กลุ่มนโยบายและแผน", 3)
    with pytest.raises(TypeError):
        division_update(division=division, colour="red")
    member = world.users["staff_a"].memberships.get()
    assert member.division == division
    division_delete(division=division)
    member.refresh_from_db()
    assert member.division is None
    assert not Division.objects.filter(pk=division.pk).exists()


def test_division_names_stay_unique_in_an_agency(world):
    from tests.factories import DivisionFactory

    other = DivisionFactory(agency=world.agency_a, name="กลุ่มอำนวยการ")
    with pytest.raises(ValidationError):
        division_update(division=other, name=world.agency_a.divisions.exclude(pk=other.pk).get().name)
