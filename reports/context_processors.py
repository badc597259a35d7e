"""The navigation bar's "waiting for me" count (เอกสารรอฉัน), on every staff page."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest


def waiting(request: HttpRequest) -> dict:
    """``nav_waiting_count``: a callable the template calls once (one COUNT query, only when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        from reports.selectors import waiting_for

        return waiting_for(user).count()

    return {"nav_waiting_count": count}
