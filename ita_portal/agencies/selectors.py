"""Access scoping: the one place that decides which agencies, and so which rows, a user may see.

Rules (DESIGN.md §3):
- staff and directors of agency A see A;
- a supervisor of agency S sees S and every agency below it;
- superusers see everything; anonymous users see nothing here (public pages use their own
  published-only selectors in ``reports``).

Views, admin, exports, tasks and commands all read through ``agencies_visible_to`` /
``scope_queryset`` and fetch objects through ``get_for_read`` / ``get_for_write``. A refused read is
a 404 (the object's existence is not revealed); a refused write on something the user may read is a
403.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ita_portal.agencies.models import Agency, Membership, Role

M = TypeVar("M", bound=Model)

WRITE_ROLES = frozenset({Role.STAFF, Role.DIRECTOR})
APPROVE_ROLES = frozenset({Role.DIRECTOR})

_CACHE_ATTR = "_ita_memberships"


def memberships_of(user) -> list[Membership]:
    """Active memberships of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
            .select_related("agency", "division")
            .order_by("agency__path", "agency__name")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the per-request cache (after a membership changes within the same request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _visibility_q(user, prefix: str = "") -> Q | None:
    """Q on Agency fields (with an optional relation prefix) for what ``user`` may see.

    Returns None for "everything" (superusers).
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    q = Q(**{f"{prefix}pk__in": []})
    for m in memberships_of(user):
        if m.role == Role.SUPERVISOR:
            q |= Q(**{f"{prefix}path__startswith": m.agency.path})
        else:
            q |= Q(**{f"{prefix}pk": m.agency_id})
    return q


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Every agency the user may read (supervisors: their subtree), active ones only."""
    qs = Agency.objects.filter(is_active=True)
    q = _visibility_q(user)
    return qs if q is None else qs.filter(q)


def agencies_writable_by(user) -> QuerySet[Agency]:
    """Agencies whose data the user may change: where they are staff or director."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Agency.objects.filter(is_active=True)
    ids = [m.agency_id for m in memberships_of(user) if m.role in WRITE_ROLES]
    return Agency.objects.filter(pk__in=ids, is_active=True)


def role_in(user, agency: Agency) -> str | None:
    """The user's own role in exactly this agency (not inherited from a supervising agency)."""
    for m in memberships_of(user):
        if m.agency_id == agency.pk:
            return m.role
    return None


def membership_in(user, agency: Agency) -> Membership | None:
    for m in memberships_of(user):
        if m.agency_id == agency.pk:
            return m
    return None


def can_read(user, agency: Agency) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for m in memberships_of(user):
        if m.agency_id == agency.pk:
            return True
        if m.role == Role.SUPERVISOR and agency.path.startswith(m.agency.path):
            return True
    return False


def can_write(user, agency: Agency) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return role_in(user, agency) in WRITE_ROLES


def can_approve(user, agency: Agency) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return role_in(user, agency) in APPROVE_ROLES


def scope_queryset(qs: QuerySet[M], user, agency_field: str = "agency") -> QuerySet[M]:
    """Restrict any queryset of agency-owned rows to what ``user`` may read.

    ``agency_field`` is the lookup path from the model to its Agency (``"agency"``,
    ``"measure__agency"``, or ``""`` when the queryset is of agencies themselves).
    """
    prefix = f"{agency_field}__" if agency_field else ""
    q = _visibility_q(user, prefix)
    if q is None:
        return qs
    return qs.filter(q).filter(**{f"{prefix}is_active": True})


def _agency_of(obj: Model, agency_field: str) -> Agency:
    if not agency_field:
        return obj  # type: ignore[return-value]
    target = obj
    for part in agency_field.split("__"):
        target = getattr(target, part)
    return target


def get_for_read(user, qs: QuerySet[M], agency_field: str = "agency", **lookup) -> M:
    """Fetch one row the user may read, or 404 (also when it exists but is out of scope)."""
    try:
        return scope_queryset(qs, user, agency_field).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


def get_for_write(user, qs: QuerySet[M], agency_field: str = "agency", *, approve: bool = False, **lookup) -> M:
    """Fetch one row the user may change: 404 if they cannot even read it, 403 if read-only.

    ``approve=True`` asks for a director's right (sign-off) instead of a staff member's.
    """
    obj = get_for_read(user, qs, agency_field, **lookup)
    agency = _agency_of(obj, agency_field)
    allowed = can_approve(user, agency) if approve else can_write(user, agency)
    if not allowed:
        raise PermissionDenied
    return obj


def get_agency_for_read(user, pk: int) -> Agency:
    return get_for_read(user, Agency.objects.all(), "", pk=pk)


def get_agency_for_write(user, pk: int, *, approve: bool = False) -> Agency:
    return get_for_write(user, Agency.objects.all(), "", approve=approve, pk=pk)
