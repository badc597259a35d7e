"""What reports add to the OIT workspace: the agency's report documents that answer an O-item.

Registered into ``oit.linked`` when the app is ready. The link is the document's ``oit_item_key``
(the measures plan answers ``integrity-measures``: O25 in 2569, O27 in 2568, O42 before), so the
rows shown follow the year's catalogue data.
"""

from __future__ import annotations

from django.urls import reverse

from oit.linked import LinkedDocument
from reports.models import Report


def report_documents(*, agency, year: int, keys: set[str]) -> list[LinkedDocument]:
    """The newest version of each of the agency's report series of ``year`` answering ``keys`` (one query)."""
    seen: set = set()
    out = []
    qs = Report.objects.filter(agency=agency, fiscal_year=year, oit_item_key__in=keys).order_by("series", "-version")
    for report in qs:
        if report.series in seen:
            continue
        seen.add(report.series)
        url = reverse("reports:detail", kwargs={"agency_id": agency.pk, "year": year, "pk": report.pk})
        out.append(LinkedDocument(item_key=report.oit_item_key, title=str(report), url=url, state=report.get_state_display()))
    return out
