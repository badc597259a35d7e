"""Template context: whether the user may keep the ITA catalogues (a link in the user menu)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from indicators.catalogue.upkeep import can_edit_catalogue


def catalogue(request: HttpRequest) -> dict:
    """``can_edit_catalogue``, evaluated only by a template that asks (no query otherwise)."""
    user = getattr(request, "user", None)
    return {"can_edit_catalogue": SimpleLazyObject(lambda: can_edit_catalogue(user))}
