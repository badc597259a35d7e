"""People as the documents and pages name them: the Thai name an agency knows a user by."""

from __future__ import annotations

from django.utils.translation import gettext

from ita_portal.agencies.models import Membership


def person_names(user_ids: set[int], agency_id: int, *, with_position: bool = False) -> dict[int, str]:
    """Thai names (as the agency knows them) of users, one query; their own agency's entry wins.

    ``with_position`` adds the position as the agency records it: 'นางทวิกา บำรุงสวัสดิ์
    (ศึกษานิเทศก์ชำนาญการพิเศษ)' — how a change history or a sign-off trail names a person."""
    names: dict[int, str] = {}
    rows = Membership.objects.filter(user_id__in=[i for i in user_ids if i]).order_by("user_id", "pk")
    for m in rows:
        if m.user_id not in names or m.agency_id == agency_id:
            name = m.full_name
            if with_position and m.position_title and name:
                name = f"{name} ({m.position_title})"
            names[m.user_id] = name
    return names


def user_label(user, names: dict[int, str]) -> str:
    """A user's Thai name from ``names`` (see :func:`person_names`), else the account's name; "ระบบ" for no user."""
    if user is None:
        return gettext("ระบบ")
    return names.get(user.pk) or user.get_full_name() or user.get_username()
