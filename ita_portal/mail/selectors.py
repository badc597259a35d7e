"""Reads of an agency's LINE channel and its recent pushes, for the director's settings page.

The caller has already checked access (``access.get_agency_for_write(..., approve=True)``): these
take the agency itself, never an id from the request."""

from __future__ import annotations

from django.db.models import QuerySet

from ita_portal.agencies.models import Agency
from ita_portal.mail.models import LineChannel, OutboxChannel, OutboxEmail


def line_channel_of(agency: Agency) -> LineChannel | None:
    return LineChannel.objects.filter(agency=agency).first()


def line_pushes_recent(agency: Agency, limit: int = 10) -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.filter(channel=OutboxChannel.LINE, agency=agency).order_by("-created_at", "-pk")[:limit]
