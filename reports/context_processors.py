"""The navigation bar's "waiting for me" count (เอกสารรอฉัน), on every staff page."""

from __future__ import annotations

from django.http import HttpRequest


def waiting(request: HttpRequest) -> dict:
    """``nav_waiting_count``: how many memos wait for the user, read here and not from the
    template. One COUNT query, kept in the cache under the "waiting" generation, which every save
    or delete of a report, routing step, membership or agency bumps (reports.portal), and under the
    agency tree's generation (agency_move): the count is never stale, and a page view between two sign-off steps costs no query for it. htmx fragments
    carry no navigation bar, so they are spared it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return {}
    from ita_portal.agencies.services import AGENCY_TREE
    from ita_portal.cache import generation, remember
    from reports.portal import WAITING
    from reports.selectors import waiting_for

    key = f"user:{user.pk}:tree:{generation(AGENCY_TREE)}"  # a move (one UPDATE, no signal) changes scopes
    return {"nav_waiting_count": remember(WAITING, key, lambda: waiting_for(user).count(), timeout=3600)}
