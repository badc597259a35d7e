"""People as the documents and pages name them: the Thai name an agency knows a user by."""

from __future__ import annotations

from ita_portal.agencies.models import Membership


def person_names(user_ids: set[int], agency_id: int) -> dict[int, str]:
    """Thai names (as the agency knows them) of users, one query; their own agency's entry wins."""
    names: dict[int, str] = {}
    rows = Membership.objects.filter(user_id__in=[i for i in user_ids if i]).order_by("user_id", "pk")
    for m in rows:
        if m.user_id not in names or m.agency_id == agency_id:
            names[m.user_id] = m.full_name
    return names


def user_label(user, names: dict[int, str]) -> str:
    """A user's Thai name from ``names`` (see :func:`person_names`), else the account's name; "ระบบ" for no user."""
    if user is None:
        return "ระบบ"
    return names.get(user.pk) or user.get_full_name() or user.get_username()
