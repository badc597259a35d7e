"""What every page under ``/scores/`` reads from its URL: the BE year and the framework it is about
(shared by the score pages and by the measures app's weakness and area pages there)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from indicators import selectors


def scores_year(year: int) -> int:
    """The BE year of a page under ``/scores/``; anything outside 2500–2700 is a 404."""
    if not 2500 <= year <= 2700:
        raise Http404
    return year


def scores_framework(request: HttpRequest, year: int):
    """The framework a page is about: the national one unless ``?assessor=`` names another."""
    return selectors.framework_for(year, request.GET.get("assessor") or None)
