"""Did a measure move its indicator? The agency's table and chart, and the supervisor's roll-up."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency
from ita_portal.agencies.selectors import Action
from measures.effects import effects_by_kind, effects_chart, effects_rollup, measure_effects
from measures.models import Measure


def _chart(effects):
    return effects_chart(effects, before_label=_("คะแนนปีที่พบจุดอ่อน"), after_label=_("คะแนนการประเมินครั้งถัดไป"))


@login_required
def agency_effects(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Each measure of ``year`` with the scores of its indicators/items before and after."""
    agency = access.get_agency_for_read(request.user, agency_id)
    effects = measure_effects(Measure.objects.filter(agency=agency, fiscal_year=year))
    return render(
        request,
        "measures/effects.html",
        {"agency": agency, "year": year, "effects": effects, "chart": _chart(effects)},
    )


@login_required
def area_effects(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """For a supervisor: across every agency below, which indicators' measures, and which kinds of
    measure, went with gains."""
    root = access.get_agency_for_read(request.user, agency_id)
    where = access.agencies_where(request.user, Action.VIEW)
    agencies = Agency.objects.filter(path__startswith=root.path)
    if where is not None:  # None: everywhere (superusers)
        agencies = agencies.filter(where)
    effects = measure_effects(Measure.objects.filter(agency__in=agencies, fiscal_year=year))
    return render(
        request,
        "measures/area_effects.html",
        {
            "agency": root,
            "year": year,
            "effects": effects,
            "rollup": effects_rollup(effects),
            "by_kind": effects_by_kind(effects),
        },
    )
