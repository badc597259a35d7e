"""Staff pages of reports: list, create/edit (Thai defaults per kind), detail with the sign-off
trail and PDF progress (htmx polling), sign-off actions, PDF download/preview, director queue.

Views only read through selectors and change things through ``reports.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ita_portal.agencies import selectors as access
from ita_portal.form_tokens import save_once
from ita_portal.thai import set_page_digits
from reports import selectors, services
from reports.forms import ApproveForm, ForwardForm, NoteForm, ReportForm, ReturnForm
from reports.models import Rendition, RenditionStatus, ReportAction, ReportKind
from reports.services import routing


def _detail_url(report) -> str:
    return reverse("reports:detail", kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk})


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def queue_down_text() -> str:
    return _("บันทึกแล้ว แต่คิวงานยังไม่พร้อม ไฟล์ PDF จะถูกสร้างเมื่อคิวงานกลับมาทำงาน ไม่ต้องสั่งซ้ำ")


def _waits_for_queue(renditions) -> bool:
    """True when one of these renders could not be handed to the broker (it waits for the sweep)."""
    return renditions.filter(status=RenditionStatus.PENDING, queued_at__isnull=True).exists()


@login_required
def report_list(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = access.get_agency_for_read(request.user, agency_id)
    reports = selectors.current_versions(selectors.reports_for(user=request.user, agency=agency, year=year))
    return render(
        request,
        "reports/report_list.html",
        {
            "agency": agency,
            "year": year,
            "reports": reports,
            "kinds": ReportKind.choices,
            "can_write": access.can_write(request.user, agency),
            "can_approve": access.can_approve(request.user, agency),
            "queue_count": selectors.director_queue(user=request.user, agency=agency, year=year).count(),
        },
    )


@login_required
def director_queue(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = access.get_agency_for_write(request.user, agency_id, approve=True)
    queue = selectors.director_queue(user=request.user, agency=agency, year=year)
    return render(request, "reports/queue.html", {"agency": agency, "year": year, "queue": queue})


@login_required
def report_create(request: HttpRequest, agency_id: int, year: int, kind: str) -> HttpResponse:
    agency = access.get_agency_for_write(request.user, agency_id)
    if kind not in ReportKind.values:
        raise Http404
    initial = services.report_defaults(agency=agency, year=year, kind=kind, actor=request.user)
    form = ReportForm(request.POST or None, initial=initial, agency=agency, year=year, kind=kind)
    if request.method == "POST":

        def save():
            if not form.is_valid():
                return None
            try:
                report = services.report_create(agency=agency, year=year, kind=kind, actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _attach_errors(form, exc)
                return None
            messages.success(request, _("สร้างรายงานฉบับร่างแล้ว"))
            return redirect(_detail_url(report))

        if response := save_once(request, save, fallback=reverse("reports:report_list", args=[agency.pk, year])):
            return response
    return render(
        request,
        "reports/report_form.html",
        {"agency": agency, "year": year, "form": form, "kind_label": ReportKind(kind).label, "report": None},
    )


def _attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def report_edit(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    report = selectors.report_for_write(user=request.user, agency_id=agency_id, year=year, pk=pk)
    form = ReportForm(request.POST or None, instance=report, agency=report.agency, year=year, kind=report.kind)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.fields}
        report.refresh_from_db()
        try:
            saved = services.report_update(report=report, actor=request.user, data=data)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            if saved.pk != report.pk:
                messages.info(request, _("รายงานนี้อนุมัติแล้ว การแก้ไขจึงสร้างฉบับที่ %(v)s (ต้องเสนอพิจารณาใหม่)") % {"v": saved.version})
            else:
                messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect(_detail_url(saved))
    return render(
        request,
        "reports/report_form.html",
        {"agency": report.agency, "year": year, "form": form, "kind_label": report.get_kind_display(), "report": report},
    )


@login_required
def report_detail(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    agency = report.agency
    set_page_digits(agency.use_thai_digits)
    can_write = access.can_write(request.user, agency)
    can_approve = access.can_approve(request.user, agency)
    actions = services.actions_for(report, request.user)
    return render(
        request,
        "reports/report_detail.html",
        {
            "agency": agency,
            "year": year,
            "report": report,
            "events": selectors.report_events(report),
            "renditions": report.renditions.order_by("-created_at", "-pk")[:10],
            "final": selectors.final_rendition(report),
            "history": selectors.report_history(report),
            "can_write": can_write,
            "can_approve": can_approve,
            "actions": actions,
            "approve_form": ApproveForm(initial={"endorsed_on": timezone.localdate()}),
            "past_year": services.is_past_year(report),
            "return_form": ReturnForm(),
            "note_form": NoteForm(),
            "forward_form": ForwardForm(),
            "pending": routing.current_step(report),
            "steps": routing.round_steps(report),
            "can_render": can_write and report.state in ("draft", "submitted", "returned"),
        },
    )


@login_required
@require_POST
def report_action(request: HttpRequest, agency_id: int, year: int, pk: int, action: str) -> HttpResponse:
    if action not in services.TRANSITIONS:
        raise Http404
    if action in services.CHAIN_ACTIONS:
        # A reviewer of the chain may be any member: the service decides (403 for anyone else).
        report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    else:
        report = selectors.report_for_write(
            user=request.user, agency_id=agency_id, year=year, pk=pk, approve=action in services.DIRECTOR_ACTIONS
        )
    form_class = {ReportAction.APPROVE: ApproveForm, ReportAction.RETURN: ReturnForm, ReportAction.FORWARD: ForwardForm}.get(
        action, NoteForm
    )
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_detail_url(report))
    note = form.cleaned_data.get("note", "")
    try:
        if action == ReportAction.SUBMIT:
            services.report_submit(report=report, actor=request.user, note=note)
        elif action == ReportAction.FORWARD:
            services.report_forward(report=report, actor=request.user, note=note)
        elif action == ReportAction.RETURN:
            services.report_return(report=report, actor=request.user, note=note)
        elif action == ReportAction.APPROVE:
            try:
                approved = services.report_approve(
                    report=report,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    note=note,
                    endorsed_on=form.cleaned_data.get("endorsed_on"),
                    confirm_past_year=form.cleaned_data.get("confirm_past_year", False),
                )
            except services.PastYearConfirmationNeeded as exc:
                # A fiscal year already over: ask once more, with what was typed kept.
                return render(
                    request,
                    "reports/approve_confirm.html",
                    {
                        "agency": report.agency,
                        "year": year,
                        "report": report,
                        "warning": _error_text(exc),
                        "form": ApproveForm(initial={**form.cleaned_data, "confirm_past_year": True}),
                    },
                )
            if _waits_for_queue(approved.renditions.filter(is_final=True)):
                messages.warning(request, queue_down_text())
        elif action == ReportAction.PUBLISH:
            services.report_publish(report=report, actor=request.user, note=note)
        elif action == ReportAction.REVOKE:
            services.report_revoke(report=report, actor=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("บันทึกการ%(action)sแล้ว") % {"action": ReportAction(action).label})
    return redirect(_detail_url(report))


@login_required
@require_POST
def rendition_create(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    report = selectors.report_for_write(user=request.user, agency_id=agency_id, year=year, pk=pk)
    try:
        rendition = services.rendition_request(report=report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if rendition.queued is False:
            messages.warning(request, queue_down_text())
        else:
            messages.info(request, _("กำลังสร้างไฟล์ PDF ติดตามความคืบหน้าได้ในหน้านี้"))
    return redirect(_detail_url(report))


def _rendition(request, agency_id: int, year: int, pk: int, rid: int) -> tuple:
    report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    try:
        return report, report.renditions.get(pk=rid)
    except Rendition.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def rendition_status(request: HttpRequest, agency_id: int, year: int, pk: int, rid: int) -> HttpResponse:
    """htmx partial polled every 2 s while a PDF is being rendered."""
    report, rendition = _rendition(request, agency_id, year, pk, rid)
    set_page_digits(report.agency.use_thai_digits)  # the row follows its page's digit rule
    return render(request, "reports/_rendition_row.html", {"report": report, "r": rendition})


@login_required
def rendition_file(request: HttpRequest, agency_id: int, year: int, pk: int, rid: int) -> HttpResponse:
    report, rendition = _rendition(request, agency_id, year, pk, rid)
    if rendition.status != "done" or not rendition.file:
        raise Http404
    name = report.download_name()
    return FileResponse(rendition.file.open("rb"), content_type="application/pdf", filename=name)


@login_required
def report_preview(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """The memo page alone. The worker renders it (never this request): until the file is there
    the page shows a progress bar that polls ``preview_status`` and then opens the PDF."""
    report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    key, pdf = services.preview_request(report=report)
    if pdf is not None:
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{report.download_name().removesuffix(".pdf")}-draft.pdf"'
        return response
    return render(request, "reports/preview_wait.html", _preview_context(report, key))


def _preview_context(report, key: str) -> dict:
    kwargs = {"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk}
    return {
        "report": report,
        "agency": report.agency,
        "year": report.fiscal_year,
        "progress": services.preview_progress(key),
        "status_url": reverse("reports:preview_status", kwargs={**kwargs, "key": key}),
    }


@login_required
def preview_status(request: HttpRequest, agency_id: int, year: int, pk: int, key: str) -> HttpResponse:
    """The progress bar of a queued preview (htmx); when the file is ready, htmx opens it."""
    report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    if services.preview_pdf(key) is not None:
        response = HttpResponse("")
        response["HX-Redirect"] = reverse("reports:preview", kwargs={"agency_id": agency_id, "year": year, "pk": pk})
        return response
    return render(request, "reports/_preview_progress.html", _preview_context(report, key))
