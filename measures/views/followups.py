"""Follow-up meetings: list, month calendar, create/edit/cancel, minutes, the schedule generator."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ita_portal.agencies import selectors as access
from ita_portal.agencies.working_days import days_off, why_not_working
from ita_portal.form_tokens import save_once
from ita_portal.thai import set_page_digits
from measures import selectors, services
from measures.forms.followups import FollowUpForm, GenerateForm, MinutesForm
from measures.models import Measure
from measures.views._common import add_service_errors, agency_for

FOLLOWUPS_PER_PAGE = 30


@login_required
def followup_list(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Meetings of the agency's year in date order (plan-level and per measure)."""
    agency = agency_for(request, agency_id)
    set_page_digits(agency.use_thai_digits)
    meetings = selectors.followups_for_agency(user=request.user, agency=agency, fiscal_year=year)
    page = Paginator(meetings, FOLLOWUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/followup_list.html",
        {
            "agency": agency,
            "year": year,
            "page_obj": page,
            "meetings": page.object_list,
            "now": timezone.now(),
            "can_write": access.can_write(request.user, agency),
        },
    )


def _month_from(request: HttpRequest, agency, year: int) -> tuple[int, int]:
    """``?month=2567-06`` (BE year) → (2024, 6); default: ``selectors.calendar_opening_month``."""
    raw = request.GET.get("month", "")
    try:
        be, month = (int(p) for p in raw.split("-", 1))
        if 1 <= month <= 12 and 2400 < be < 2800:
            return be - 543, month
    except ValueError:
        pass
    return selectors.calendar_opening_month(user=request.user, agency=agency, fiscal_year=year, today=timezone.localdate())


@login_required
def followup_calendar(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """A month grid (Monday first, BE month names) with the agency's meetings."""
    agency = agency_for(request, agency_id)
    set_page_digits(agency.use_thai_digits)
    ce_year, month = _month_from(request, agency, year)
    grid = selectors.month_grid(user=request.user, agency=agency, year=ce_year, month=month)
    return render(
        request,
        "measures/followup_calendar.html",
        {
            "agency": agency,
            "year": year,
            "grid": grid,
            "prev_param": f"{grid.prev[0] + 543}-{grid.prev[1]:02d}",
            "next_param": f"{grid.next[0] + 543}-{grid.next[1]:02d}",
            "can_write": access.can_write(request.user, agency),
        },
    )


def _initial_measure(request, agency, year) -> dict:
    measure_id = request.GET.get("measure", "")
    if measure_id.isdigit() and selectors.measure_in_year(agency=agency, fiscal_year=year, pk=int(measure_id)):
        return {"measure": int(measure_id)}
    return {}


def _back(agency, year, measure: Measure | None):
    if measure is not None:
        return redirect("measures:measure_detail", agency_id=agency.pk, year=year, pk=measure.pk)
    return redirect("measures:followup_list", agency_id=agency.pk, year=year)


@login_required
def followup_create(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = agency_for(request, agency_id, write=True)
    form = FollowUpForm(
        request.POST if request.method == "POST" else None,
        agency=agency,
        fiscal_year=year,
        initial=_initial_measure(request, agency, year),
    )
    if request.method == "POST":

        def save():
            if not form.is_valid():
                return None
            try:
                followup = services.followup_create(agency=agency, fiscal_year=year, user=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
                return None
            messages.success(request, _("บันทึกการกำกับติดตาม ครั้งที่ %(n)s เรียบร้อยแล้ว") % {"n": followup.number})
            return _back(agency, year, followup.measure)

        fallback = reverse("measures:followup_list", args=[agency.pk, year])
        if response := save_once(request, save, fallback=fallback):
            return response
    return render(request, "measures/followup_form.html", {"agency": agency, "year": year, "form": form, "followup": None})


def _followup_for_write(request, agency_id, year, pk):
    agency = agency_for(request, agency_id)
    return agency, selectors.followup_for_write(user=request.user, agency=agency, fiscal_year=year, pk=pk)


@login_required
def followup_edit(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency, followup = _followup_for_write(request, agency_id, year, pk)
    form = FollowUpForm(
        request.POST if request.method == "POST" else None,
        agency=agency,
        fiscal_year=year,
        initial=FollowUpForm.initial_for(followup),
    )
    form.fields["measure"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        data.pop("measure", None)
        try:
            services.followup_update(followup=followup, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขเรียบร้อยแล้ว"))
            return _back(agency, year, followup.measure)
    return render(request, "measures/followup_form.html", {"agency": agency, "year": year, "form": form, "followup": followup})


@login_required
@require_POST
def followup_cancel(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency, followup = _followup_for_write(request, agency_id, year, pk)
    try:
        services.followup_cancel(followup=followup, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("ยกเลิกการประชุม ครั้งที่ %(n)s แล้ว ผู้เกี่ยวข้องจะได้รับแจ้ง") % {"n": followup.number})
    return redirect("measures:followup_list", agency_id=agency.pk, year=year)


@login_required
def followup_minutes(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Minutes after the meeting; saving marks it held."""
    agency, followup = _followup_for_write(request, agency_id, year, pk)
    form = MinutesForm(request.POST if request.method == "POST" else None, initial={"minutes": followup.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_record_minutes(followup=followup, minutes=form.cleaned_data["minutes"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกผลการประชุมเรียบร้อยแล้ว"))
            return redirect("measures:followup_list", agency_id=agency.pk, year=year)
    return render(request, "measures/followup_minutes.html", {"agency": agency, "year": year, "form": form, "followup": followup})


@login_required
def followup_generate(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """ "Every N days from … to …": preview the dates (weekend moves shown), then create them."""
    agency = agency_for(request, agency_id, write=True)
    initial = {
        "mode": "every",
        "every_days": 15,
        "days_of_month": "15, 30",
        "start_time": dt.time(9, 0),
        **_initial_measure(request, agency, year),
    }
    form = GenerateForm(request.POST if request.method == "POST" else None, agency=agency, fiscal_year=year, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            if request.POST.get("action") != "create":
                off = days_off(agency, data["start"], data["end"])
                preview = [
                    {"planned": planned, "actual": actual, "moved": planned != actual, "why": why_not_working(planned, off)}
                    for planned, actual in services.schedule_dates(
                        start=data["start"],
                        end=data["end"],
                        every_days=data["every_days"],
                        days_of_month=data["days_of_month"],
                        weekdays_only=data["weekdays_only"],
                        off=off,
                    )
                ]
            else:
                data.pop("note", None)

                def save():
                    created = services.followups_generate(agency=agency, fiscal_year=year, user=request.user, **data)
                    messages.success(request, _("สร้างการกำกับติดตาม %(n)s ครั้งเรียบร้อยแล้ว") % {"n": len(created)})
                    return _back(agency, year, data.get("measure"))

                return save_once(request, save, fallback=reverse("measures:followup_list", args=[agency.pk, year]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            preview = None
    return render(request, "measures/followup_generate.html", {"agency": agency, "year": year, "form": form, "preview": preview})
