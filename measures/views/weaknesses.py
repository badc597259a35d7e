"""Weaknesses drawn from a year's scores for the next year's measures (under ``/scores/``, beside
the score pages they come from): the list, system proposals, staff's own, edits and status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import selectors as score_selectors
from indicators.pages import scores_framework, scores_year
from ita_portal.agencies import selectors as agency_selectors
from measures import services
from measures.forms.weaknesses import WeaknessForm
from measures.models import Weakness, WeaknessKind, WeaknessStatus


def _weaknesses_qs(agency, year: int):
    return Weakness.objects.filter(agency=agency, fiscal_year=year + 1)


@login_required
def weaknesses(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Weaknesses drawn from the ``year`` scores for the measures of ``year + 1``; POST proposes them."""
    year = scores_year(year)
    user = request.user
    if request.method == "POST":
        agency = agency_selectors.get_agency_for_write(user, agency_id)
    else:
        agency = agency_selectors.get_agency_for_read(user, agency_id)
    framework = scores_framework(request, year)
    assessment = score_selectors.assessment_of(agency, framework) if framework else None
    if request.method == "POST":
        if assessment is None or not assessment.indicator_scores.all():
            messages.error(request, _("ยังไม่มีคะแนนของปีนี้ จึงเสนอจุดอ่อนไม่ได้"))
        else:
            created = services.weaknesses_propose(assessment=assessment, user=user)
            messages.success(request, _("ระบบเสนอจุดอ่อนใหม่ %(count)s รายการ") % {"count": len(created)})
        return redirect("weaknesses:weaknesses", agency_id=agency.pk, year=year)
    rows = list(_weaknesses_qs(agency, year).select_related("indicator", "item").order_by("status", "order", "pk"))
    return render(
        request,
        "measures/weaknesses.html",
        {
            "agency": agency,
            "year": year,
            "measures_year": year + 1,
            "framework": framework,
            "assessment": assessment,
            "weakness_rows": rows,
            "urgent": [w for w in rows if w.kind == WeaknessKind.URGENT and w.status != WeaknessStatus.DISMISSED],
            "improve": [w for w in rows if w.kind == WeaknessKind.IMPROVE and w.status != WeaknessStatus.DISMISSED],
            "dismissed": [w for w in rows if w.status == WeaknessStatus.DISMISSED],
            "can_write": agency_selectors.can_write(user, agency),
            "can_load": score_selectors.can_load_scores(user, agency),
            "statuses": WeaknessStatus,
        },
    )


@login_required
def weakness_add(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    year = scores_year(year)
    agency = agency_selectors.get_agency_for_write(request.user, agency_id)
    framework = scores_framework(request, year)
    indicators = score_selectors.framework_catalogue(framework)[0] if framework else []
    form = WeaknessForm(request.POST if request.method == "POST" else None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        by_pk = {i.pk: i for i in indicators}
        try:
            services.weakness_create(
                agency=agency,
                fiscal_year=year + 1,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                analysis=form.cleaned_data["analysis"],
                indicator=by_pk.get(form.cleaned_data["indicator"]),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("เพิ่มจุดอ่อนแล้ว"))
            return redirect("weaknesses:weaknesses", agency_id=agency.pk, year=year)
    return render(request, "measures/weakness_form.html", {"agency": agency, "year": year, "form": form, "weakness": None})


def _weakness_for_write(request: HttpRequest, agency_id: int, year: int, pk: int):
    weakness = agency_selectors.get_for_write(request.user, Weakness.objects.select_related("agency"), "agency", pk=pk)
    if weakness.agency_id != agency_id or weakness.fiscal_year != year + 1:
        raise Http404
    return weakness


@login_required
def weakness_edit(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    year = scores_year(year)
    weakness = _weakness_for_write(request, agency_id, year, pk)
    form = WeaknessForm(
        request.POST if request.method == "POST" else None,
        with_indicator=False,
        initial={"kind": weakness.kind, "title": weakness.title, "analysis": weakness.analysis},
    )
    if request.method == "POST" and form.is_valid():
        services.weakness_update(
            weakness=weakness,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            analysis=form.cleaned_data["analysis"],
        )
        messages.success(request, _("บันทึกจุดอ่อนแล้ว"))
        return redirect("weaknesses:weaknesses", agency_id=agency_id, year=year)
    return render(
        request, "measures/weakness_form.html", {"agency": weakness.agency, "year": year, "form": form, "weakness": weakness}
    )


@login_required
@require_POST
def weakness_status(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Confirm, dismiss or restore a weakness (``status`` in the POST)."""
    year = scores_year(year)
    weakness = _weakness_for_write(request, agency_id, year, pk)
    try:
        services.weakness_set_status(weakness=weakness, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("weaknesses:weaknesses", agency_id=agency_id, year=year)
