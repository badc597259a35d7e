"""Helpers shared by the measures views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from indicators import selectors as score_selectors
from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def agency_for(request: HttpRequest, agency_id: int, *, write: bool = False) -> Agency:
    if write:
        return selectors.get_agency_for_write(request.user, agency_id)
    return selectors.get_agency_for_read(request.user, agency_id)


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (on its field when the form has that field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def scores_year(year: int) -> int:
    """The BE year of a page under ``/scores/`` (weaknesses, area); anything else is a 404."""
    if not 2500 <= year <= 2700:
        raise Http404
    return year


def scores_framework(request: HttpRequest, year: int):
    """The framework a page under ``/scores/`` is about: the national one unless ``?assessor=`` names another."""
    return score_selectors.framework_for(year, request.GET.get("assessor") or None)
