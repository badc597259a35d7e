"""Progress reports and evidence: record, correct, delete; evidence downloads (access-checked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ita_portal.form_tokens import save_once
from measures import selectors, services
from measures.downloads import evidence_file_response
from measures.forms.progress import EvidenceForm, ProgressForm
from measures.models import Evidence
from measures.views._common import add_service_errors, agency_for


def _detail_url(measure, anchor: str = "") -> str:
    url = reverse(
        "measures:measure_detail", kwargs={"agency_id": measure.agency_id, "year": measure.fiscal_year, "pk": measure.pk}
    )
    return url + anchor


@login_required
def progress_create(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Record progress: status, results, outcome, budget spent, obstacles, suggestions, evidence."""
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)
    form = ProgressForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None)
    if request.method == "POST":

        def save():
            if not form.is_valid():
                return None
            try:
                services.progress_record(
                    measure=measure,
                    user=request.user,
                    files=form.cleaned_data.get("files") or [],
                    links=getattr(form, "links", []),
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                return None
            messages.success(request, _("บันทึกความก้าวหน้าเรียบร้อยแล้ว"))
            return redirect(_detail_url(measure, "#progress"))

        if response := save_once(request, save, fallback=_detail_url(measure, "#progress")):
            return response
    return render(
        request,
        "measures/progress_form.html",
        {"agency": agency, "year": year, "measure": measure, "form": form, "progress": None},
    )


def _progress_for_write(request, agency_id, year, pk, progress_id):
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)
    return agency, measure, selectors.progress_of(measure, progress_id)


@login_required
def progress_edit(request: HttpRequest, agency_id: int, year: int, pk: int, progress_id: int) -> HttpResponse:
    agency, measure, progress = _progress_for_write(request, agency_id, year, pk, progress_id)
    form = ProgressForm(request.POST if request.method == "POST" else None, instance=progress, with_evidence=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update(progress=progress, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขเรียบร้อยแล้ว"))
            return redirect(_detail_url(measure, "#progress"))
    return render(
        request,
        "measures/progress_form.html",
        {"agency": agency, "year": year, "measure": measure, "form": form, "progress": progress},
    )


@login_required
@require_POST
def progress_delete(request: HttpRequest, agency_id: int, year: int, pk: int, progress_id: int) -> HttpResponse:
    _agency, measure, progress = _progress_for_write(request, agency_id, year, pk, progress_id)
    services.progress_delete(progress=progress)
    messages.success(request, _("ลบรายงานความก้าวหน้าเรียบร้อยแล้ว"))
    return redirect(_detail_url(measure, "#progress"))


@login_required
@require_POST
def evidence_add(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Add one file or link to the measure (the form sits on the measure page)."""
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("file"):
                services.evidence_add_file(measure=measure, upload=data["file"], title=data["title"], user=request.user)
            else:
                services.evidence_add_link(measure=measure, url=data["url"], title=data["title"], user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("เพิ่มหลักฐานเรียบร้อยแล้ว"))
            return redirect(_detail_url(measure, "#evidence"))
    for error in form.non_field_errors():
        messages.error(request, error)
    for name in ("file", "url", "title"):
        for error in form.errors.get(name, []):
            messages.error(request, f"{form.fields[name].label}: {error}")
    return redirect(_detail_url(measure, "#evidence"))


def _evidence(request, agency_id, year, evidence_id, *, write: bool) -> Evidence:
    agency = agency_for(request, agency_id)
    return selectors.evidence_for_page(user=request.user, agency=agency, fiscal_year=year, pk=evidence_id, write=write)


@login_required
def evidence_download(request: HttpRequest, agency_id: int, year: int, evidence_id: int) -> HttpResponse:
    """Serve an evidence file to someone who may read the measure (files never sit under MEDIA_URL)."""
    evidence = _evidence(request, agency_id, year, evidence_id, write=False)
    return evidence_file_response(evidence)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, agency_id: int, year: int, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, agency_id, year, evidence_id, write=True)
    measure = evidence.measure
    services.evidence_delete(evidence=evidence)
    messages.success(request, _("ลบหลักฐานเรียบร้อยแล้ว"))
    return redirect(_detail_url(measure, "#evidence"))
