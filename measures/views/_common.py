"""Helpers shared by the measures views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest

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
