"""Access policy: the one place that decides which agencies, and so which rows, a user may see or
change, and how.

The policy is one table, ``POLICY``: for each role, the actions it grants and how far they reach
(``OWN``: the member's own agency; ``SUBTREE``: that agency and every agency below it). Adding a
role means adding it to ``Role`` (``models.py``) and one row here; nothing else decides access.

==============  ==========================  =======================================
action          staff / director            supervisor
==============  ==========================  =======================================
view            own agency                  subtree
write           own agency                  —
load_scores     own agency                  subtree (an office loads its area's scores)
approve         director only, own agency   —
supervise       —                           subtree (the admin site)
==============  ==========================  =======================================

Active superusers may do everything everywhere; anonymous users nothing (public pages use their
own published-only selectors in ``reports``).

Two functions answer every question: ``agencies_where(user, action)`` (a Q on Agency, for
querysets) and ``can(user, action, agency)`` (one agency). Everything else here is built on them:
``agencies_visible_to`` / ``scope_queryset`` for reads, ``get_for_read`` / ``get_for_write`` /
``get_agency_for`` to fetch one object. A refused read is a 404 (the object's existence is not
revealed); a refused write on something the user may read is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ita_portal.agencies.models import Agency, Membership, Role

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"
    WRITE = "write"
    LOAD_SCORES = "load_scores"
    APPROVE = "approve"
    SUPERVISE = "supervise"


OWN = "own"
SUBTREE = "subtree"

#: role → action → reach. The only statement of who may do what.
POLICY: dict[str, dict[Action, str]] = {
    Role.STAFF: {Action.VIEW: OWN, Action.WRITE: OWN, Action.LOAD_SCORES: OWN},
    Role.DIRECTOR: {Action.VIEW: OWN, Action.WRITE: OWN, Action.LOAD_SCORES: OWN, Action.APPROVE: OWN},
    Role.SUPERVISOR: {Action.VIEW: SUBTREE, Action.LOAD_SCORES: SUBTREE, Action.SUPERVISE: SUBTREE},
}

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


_REACH_ATTR = "_ita_reach"


def forget_memberships(user) -> None:
    """Drop the per-request cache (after a membership changes within the same request or test)."""
    for attr in (_CACHE_ATTR, _REACH_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


# --- the policy ------------------------------------------------------------------------------


def is_superuser(user) -> bool:
    """An active superuser: every action on every agency."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def reach_of(role: str, action: Action) -> str | None:
    """How far ``role`` may do ``action`` (``OWN``, ``SUBTREE``), or None when it may not."""
    return POLICY.get(role, {}).get(Action(action))


def roles_granting(action: Action) -> frozenset[str]:
    """Every role whose members may do ``action`` somewhere (e.g. who needs an admin login)."""
    return frozenset(role for role, actions in POLICY.items() if Action(action) in actions)


def memberships_granting(user, action: Action) -> list[tuple[Membership, str]]:
    """The user's memberships whose role grants ``action``, each with its reach."""
    granted = []
    for m in memberships_of(user):
        reach = reach_of(m.role, action)
        if reach is not None:
            granted.append((m, reach))
    return granted


@dataclass(frozen=True)
class Reach:
    """Where a user may do one action: everywhere, or these agency ids and these subtrees (paths)."""

    everything: bool = False
    ids: frozenset[int] = frozenset()
    paths: tuple[str, ...] = ()

    def covers(self, agency_id: int, path: str) -> bool:
        return self.everything or agency_id in self.ids or any(path.startswith(p) for p in self.paths)

    def q(self, prefix: str = "") -> Q | None:
        """Q on Agency fields (behind an optional relation ``prefix``); None for everywhere."""
        if self.everything:
            return None
        q = Q(**{f"{prefix}pk__in": sorted(self.ids)})
        for path in self.paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q


def reach(user, action: Action) -> Reach:
    """Where ``user`` may do ``action`` (see ``POLICY``), worked out once per user object and action
    (a request's user lives for the request; ``forget_memberships`` drops it with the memberships)."""
    if is_superuser(user):
        return _EVERYWHERE
    cache = getattr(user, _REACH_ATTR, None)
    if cache is None:
        cache = {}
        if getattr(user, "is_authenticated", False):
            setattr(user, _REACH_ATTR, cache)
    found = cache.get(action)
    if found is None:
        ids, paths = set(), []
        for m, how_far in memberships_granting(user, action):
            if how_far == SUBTREE:
                paths.append(m.agency.path)
            else:
                ids.add(m.agency_id)
        found = cache[action] = Reach(ids=frozenset(ids), paths=tuple(paths))
    return found


_EVERYWHERE = Reach(everything=True)


def agencies_where(user, action: Action, prefix: str = "") -> Q | None:
    """Q on Agency fields (with an optional relation prefix) for where ``user`` may do ``action``.

    Returns None for "everywhere" (superusers). Agencies' ``is_active`` is not part of it: the
    callers below add it where inactive agencies must drop out.
    """
    return reach(user, action).q(prefix)


def can(user, action: Action, agency: Agency) -> bool:
    """May ``user`` do ``action`` on ``agency``? (No query beyond the cached memberships.)"""
    return reach(user, action).covers(agency.pk, agency.path)


def may_anywhere(user, action: Action) -> bool:
    """Does ``user`` hold ``action`` on at least one agency (e.g. may they enter the admin site)?"""
    if is_superuser(user):
        return True
    r = reach(user, action)
    return bool(r.ids or r.paths)


def membership_granting(user, action: Action, agency: Agency) -> Membership | None:
    """The membership that gives ``user`` ``action`` on ``agency``: their own there first, else the
    one whose subtree holds it (a supervisor reading an agency below)."""
    granted = memberships_granting(user, action)
    for m, _how_far in granted:
        if m.agency_id == agency.pk:
            return m
    for m, how_far in granted:
        if how_far == SUBTREE and agency.path.startswith(m.agency.path):
            return m
    return None


# --- querysets -------------------------------------------------------------------------------


def agencies_for(user, action: Action) -> QuerySet[Agency]:
    """Every active agency where ``user`` may do ``action``."""
    qs = Agency.objects.filter(is_active=True)
    q = agencies_where(user, action)
    return qs if q is None else qs.filter(q)


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Every agency the user may read (supervisors: their subtree), active ones only."""
    return agencies_for(user, Action.VIEW)


def agencies_writable_by(user) -> QuerySet[Agency]:
    """Agencies whose data the user may change: where they are staff or director."""
    return agencies_for(user, Action.WRITE)


def role_in(user, agency: Agency) -> str | None:
    """The user's own role in exactly this agency (not inherited from a supervising agency)."""
    membership = membership_in(user, agency)
    return membership.role if membership is not None else None


def membership_in(user, agency: Agency) -> Membership | None:
    """The user's own membership in exactly this agency."""
    for m in memberships_of(user):
        if m.agency_id == agency.pk:
            return m
    return None


def can_read(user, agency: Agency) -> bool:
    """``can(user, VIEW, agency)``."""
    return can(user, Action.VIEW, agency)


def can_write(user, agency: Agency) -> bool:
    """``can(user, WRITE, agency)``."""
    return can(user, Action.WRITE, agency)


def can_approve(user, agency: Agency) -> bool:
    """``can(user, APPROVE, agency)``."""
    return can(user, Action.APPROVE, agency)


def scope_queryset(qs: QuerySet[M], user, agency_field: str = "agency", action: Action = Action.VIEW) -> QuerySet[M]:
    """Restrict any queryset of agency-owned rows to what ``user`` may read (or do ``action`` on).

    ``agency_field`` is the lookup path from the model to its Agency (``"agency"``,
    ``"measure__agency"``, or ``""`` when the queryset is of agencies themselves). Superusers get
    ``qs`` unchanged (inactive agencies included: the admin shows them); everyone else only rows
    of active agencies.
    """
    prefix = f"{agency_field}__" if agency_field else ""
    q = agencies_where(user, action, prefix)
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


def get_for_write(
    user, qs: QuerySet[M], agency_field: str = "agency", *, approve: bool = False, action: Action | None = None, **lookup
) -> M:
    """Fetch one row the user may change: 404 if they cannot even read it, 403 if read-only.

    ``action`` says which right is asked for (default ``WRITE``); ``approve=True`` is short for
    ``action=APPROVE`` (a director's sign-off).
    """
    obj = get_for_read(user, qs, agency_field, **lookup)
    wanted = action or (Action.APPROVE if approve else Action.WRITE)
    if not can(user, wanted, _agency_of(obj, agency_field)):
        raise PermissionDenied
    return obj


def _agency_of_membership(user, pk) -> Agency | None:
    """The user's own agency ``pk`` as their memberships (read once per request) already hold it:
    active, with its whole row. Reading it from there spares the page a query; anything else
    (a supervisor's agency below, an id outside the scope) is read through ``get_for_read``."""
    for m in memberships_of(user):
        if m.agency_id == pk or str(m.agency_id) == str(pk):
            return m.agency
    return None


def get_agency_for_read(user, pk: int) -> Agency:
    """The agency if ``user`` may read it, else 404."""
    own = _agency_of_membership(user, pk)
    if own is not None and can(user, Action.VIEW, own):
        return own
    return get_for_read(user, Agency.objects.all(), "", pk=pk)


def get_agency_for_write(user, pk: int, *, approve: bool = False) -> Agency:
    """The agency if ``user`` may change its data (or approve, with ``approve=True``): 404/403."""
    return get_agency_for(user, pk, Action.APPROVE if approve else Action.WRITE)


def get_agency_for(user, pk: int, action: Action) -> Agency:
    """The agency if ``user`` may do ``action`` on it: 404 when unreadable, 403 when refused."""
    own = _agency_of_membership(user, pk)
    if own is not None and can(user, Action.VIEW, own):
        if not can(user, action, own):
            raise PermissionDenied
        return own
    return get_for_write(user, Agency.objects.all(), "", action=action, pk=pk)
