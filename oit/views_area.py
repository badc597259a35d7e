"""The supervisor's OIT area page: table (sortable), chart, XLSX/CSV with BOM."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indicators.exports import FORMATS, download
from ita_portal.agencies import selectors as access
from oit import area, selectors


@login_required
def area_page(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Every agency below ``agency_id``: O-items ready / published / overdue in ``year``."""
    root = access.get_agency_for_read(request.user, agency_id)
    framework = selectors.oit_framework(year)
    sort = request.GET.get("sort", "name")
    today = timezone.localdate()
    agencies = list(area.area_oit(user=request.user, root=root, framework=framework, today=today, sort=sort)) if framework else []
    total = framework.items.filter(kind="O").count() if framework else 0
    fmt = request.GET.get("format")
    if fmt in FORMATS and framework:
        headers, rows = area.area_table(agencies, total)
        return download(f"oit-{root.code}-{year}", fmt, headers, rows, title=f"OIT {year}")
    return render(
        request,
        "oit/area.html",
        {
            "agency": root,
            "year": year,
            "framework": framework,
            "agencies": agencies,
            "total": total,
            "sort": sort,
            "chart": area.area_chart(agencies, total),
        },
    )
