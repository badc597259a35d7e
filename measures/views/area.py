"""A supervisor's area (under ``/scores/area/``, beside the score pages): every agency below with its
score, grade, weakest indicator and its measures by status, and the same table as XLSX/CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from indicators import exports
from indicators.pages import scores_framework, scores_year
from ita_portal.agencies import selectors as agency_selectors
from ita_portal.row_links import EACH, row_link
from measures import selectors
from measures.forms.area import AreaFilterForm
from measures.models import MeasureStatus

AREA_PER_PAGE = 50


def _area_rows(request: HttpRequest, agency_id: int, year: int):
    year = scores_year(year)
    root = agency_selectors.get_agency_for_read(request.user, agency_id)
    framework = scores_framework(request, year)
    form = AreaFilterForm(request.GET or None)
    rows = selectors.filter_area(selectors.area_agencies(request.user, root, framework, year), **form.filters())
    return root, year, framework, form, rows, list(MeasureStatus.choices)


def _row_texts(rows, year: int) -> None:
    """What each row shows besides its fields, made once per page here rather than by template
    tags in each of its 50 rows: the link to its score page (``dashboard_url``, from one
    ``reverse``), its weakest indicator and its measures' progress (the template's own words)."""
    dashboard_url = row_link("indicators:dashboard", EACH, year)
    weakest = gettext("%(n)s. %(name)s")
    progress = gettext("ดำเนินการแล้ว %(done)s/%(total)s · กำลังดำเนินการ %(doing)s")
    for a in rows:
        a.dashboard_url = dashboard_url(a.pk)
        a.weakest_label = weakest % {"n": a.weakest_number, "name": a.weakest_name} if a.weakest_number else ""
        a.progress_label = progress % {"done": a.measures_done, "total": a.measures_total, "doing": a.measures_in_progress}


@login_required
def area(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Every agency under ``agency_id`` with its score, grade, weakest indicator and measures."""
    root, year, framework, form, rows, statuses = _area_rows(request, agency_id, year)
    page = Paginator(rows, AREA_PER_PAGE).get_page(request.GET.get("page"))
    # Read here, not from the template, with the weakest indicator and measure counts of this page only.
    page.object_list = selectors.area_details(list(page.object_list), framework, year)
    _row_texts(page.object_list, year)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    sort_query.pop("sort", None)
    sort_query.pop("page", None)
    return render(
        request,
        "measures/area.html",
        {
            "agency": root,
            "year": year,
            "framework": framework,
            "form": form,
            "page_obj": page,
            "statuses": statuses,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": form.filters().get("sort", "name"),
        },
    )


@login_required
def area_export(request: HttpRequest, agency_id: int, year: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    root, year, _framework_obj, _form, rows, statuses = _area_rows(request, agency_id, year)
    headers, table = exports.area_table(selectors.area_details(list(rows), _framework_obj, year), statuses)
    return exports.download(f"ita-area-{root.code}-{year}", fmt, headers, table, title=f"ITA {year}")
