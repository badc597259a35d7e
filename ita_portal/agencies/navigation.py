"""Navigation context: which agency and fiscal year a staff page is about."""

from __future__ import annotations

from django.http import HttpRequest


def navigation_context(request: HttpRequest) -> dict:
    return {}
