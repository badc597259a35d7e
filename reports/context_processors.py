"""The navigation bar's "waiting for me" count (เอกสารรอฉัน), on every staff page."""

from __future__ import annotations

from django.http import HttpRequest


def waiting(request: HttpRequest) -> dict:
    """``nav_waiting_count``: how many memos wait for the user (one COUNT query), read here and not
    from the template. htmx fragments carry no navigation bar, so they are spared the query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return {}
    from reports.selectors import waiting_for

    return {"nav_waiting_count": waiting_for(user).count()}
