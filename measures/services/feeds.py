"""Secret calendar-feed URLs (iCalendar subscriptions) of a user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency
from measures.models import CalendarFeedToken, _feed_token


def _check(user, agency: Agency | None) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    if agency is not None and not selectors.can_read(user, agency):
        raise PermissionDenied


@transaction.atomic
def feed_token_get_or_create(*, user, agency: Agency | None = None) -> CalendarFeedToken:
    """The user's feed token for ``agency`` (None: their personal feed), made on first use."""
    _check(user, agency)
    token, _created = CalendarFeedToken.objects.get_or_create(user=user, agency=agency)
    return token


@transaction.atomic
def feed_token_regenerate(*, user, agency: Agency | None = None) -> CalendarFeedToken:
    """Replace the secret: the old URL stops working at once (for a link that leaked)."""
    _check(user, agency)
    token, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=user, agency=agency)
    if not created:
        token.token = _feed_token()
        token.save(update_fields=["token"])
    return token
