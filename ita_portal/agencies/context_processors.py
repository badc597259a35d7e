"""Template context shared by every staff page: the agencies a user may switch to and the years."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    from ita_portal.agencies.navigation import navigation_context

    return navigation_context(request)
