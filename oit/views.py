"""Staff pages of the OIT workspace: the year's checklist, one item's page and its actions.

Reads fetch the agency with ``get_agency_for_read`` (404 outside the user's reach), writes with
``get_agency_for_write`` (403 for a reader, e.g. a supervisor); each action is one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ita_portal.agencies import selectors as access
from ita_portal.agencies.selectors import Action
from measures.downloads import evidence_file_response
from oit import selectors, services
from oit.forms import AssignForm, OitEvidenceForm
from oit.models import OitStatus


def _item_url(agency_id: int, year: int, code: str) -> str:
    return reverse("oit:item", kwargs={"agency_id": agency_id, "year": year, "code": code})


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def workspace(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Every O-item of the year's catalogue with its people, due date, evidence and status."""
    agency = access.get_agency_for_read(request.user, agency_id)
    framework, rows = selectors.workspace_rows(agency=agency, year=year)
    done = sum(1 for r in rows if r.status in (OitStatus.READY, OitStatus.PUBLISHED))
    return render(
        request,
        "oit/workspace.html",
        {
            "agency": agency,
            "year": year,
            "framework": framework,
            "rows": rows,
            "has_guidelines": any(r.item.guideline for r in rows),
            "done": done,
            "published": sum(1 for r in rows if r.status == OitStatus.PUBLISHED),
            "can_write": access.can(request.user, Action.WRITE, agency),
            "can_supervise": access.can(request.user, Action.SUPERVISE, agency),
        },
    )


@login_required
def item_detail(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    """One O-item: guideline, assignment (form), evidence, linked documents, status actions."""
    agency = access.get_agency_for_read(request.user, agency_id)
    item = selectors.item_of_year(year=year, code=code)
    entry = selectors.entry_of(agency=agency, item=item)
    can_write = access.can(request.user, Action.WRITE, agency)
    initial = {}
    if entry:
        initial = {"division": entry.division, "responsible": entry.responsible, "due_date": entry.due_date, "note": entry.note}
    form = AssignForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST":
        if not can_write:
            access.get_agency_for_write(request.user, agency_id)  # raises 403
        if form.is_valid():
            try:
                services.oit_entry_assign(entry=services.oit_entry_for(agency=agency, item=item), **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("บันทึกผู้รับผิดชอบและกำหนดส่งแล้ว"))
                return redirect(_item_url(agency.pk, year, item.code))
    _framework, rows = selectors.workspace_rows(agency=agency, year=year)
    row = next(r for r in rows if r.item.pk == item.pk)
    public_url = reverse("public:oit_item", kwargs={"code": agency.code, "year": year, "item": item.code})
    return render(
        request,
        "oit/item.html",
        {
            "agency": agency,
            "year": year,
            "item": item,
            "row": row,
            "entry": entry,
            "form": form,
            "evidence_form": OitEvidenceForm(),
            "can_write": can_write,
            "can_publish": access.can_approve(request.user, agency)
            and (entry is None or entry.checked_by_id != request.user.pk or agency.allow_self_approval),
            "public_url": request.build_absolute_uri(public_url),
            "statuses": OitStatus,
        },
    )


def _entry_for_write(request: HttpRequest, agency_id: int, year: int, code: str):
    agency = access.get_agency_for_write(request.user, agency_id)
    item = selectors.item_of_year(year=year, code=code)
    return services.oit_entry_for(agency=agency, item=item)


@login_required
@require_POST
def evidence_add(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    entry = _entry_for_write(request, agency_id, year, code)
    form = OitEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.oit_evidence_add(
                entry=entry,
                user=request.user,
                upload=data.get("file"),
                url=data.get("url") or "",
                title=data.get("title") or "",
                is_public=data.get("is_public", False),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("เพิ่มหลักฐานเรียบร้อยแล้ว"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(_item_url(agency_id, year, entry.item.code) + "#evidence")


@login_required
@require_POST
def reuse_last_year(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    entry = _entry_for_write(request, agency_id, year, code)
    try:
        count = services.oit_reuse_last_year(entry=entry, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("คัดลอกหลักฐานของปีก่อนมา %(count)d รายการ (ยังไม่เผยแพร่)") % {"count": count})
    return redirect(_item_url(agency_id, year, entry.item.code) + "#evidence")


def _entry_action(request: HttpRequest, agency_id: int, year: int, code: str, act, done: str) -> HttpResponse:
    """One POST on a workspace row: the service ``act(entry)``, its Thai errors or ``done``, back to the row."""
    entry = _entry_for_write(request, agency_id, year, code)
    try:
        act(entry)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(_item_url(agency_id, year, entry.item.code))


@login_required
@require_POST
def status_set(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    status = request.POST.get("status", "")
    return _entry_action(
        request, agency_id, year, code, lambda e: services.oit_status_set(entry=e, status=status), _("เปลี่ยนสถานะแล้ว")
    )


@login_required
@require_POST
def check(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    return _entry_action(
        request, agency_id, year, code, lambda e: services.oit_check(entry=e, user=request.user), _("บันทึกการตรวจแล้ว")
    )


@login_required
@require_POST
def publish(request: HttpRequest, agency_id: int, year: int, code: str) -> HttpResponse:
    return _entry_action(
        request, agency_id, year, code, lambda e: services.oit_publish(entry=e, user=request.user), _("เผยแพร่ข้อนี้แล้ว")
    )


@login_required
def evidence_download(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Serve a row's evidence file to someone who may read the agency (never under MEDIA_URL)."""
    agency = access.get_agency_for_read(request.user, agency_id)
    attachment = selectors.attachment_of(agency=agency, year=year, pk=pk)
    return evidence_file_response(attachment.evidence, private=True)


@login_required
@require_POST
def evidence_public(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency = access.get_agency_for_write(request.user, agency_id)
    attachment = selectors.attachment_of(agency=agency, year=year, pk=pk)
    services.oit_evidence_set_public(attachment=attachment, is_public=request.POST.get("is_public") == "1")
    return redirect(_item_url(agency_id, year, attachment.entry.item.code) + "#evidence")


@login_required
@require_POST
def evidence_delete(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency = access.get_agency_for_write(request.user, agency_id)
    attachment = selectors.attachment_of(agency=agency, year=year, pk=pk)
    code = attachment.entry.item.code
    services.oit_evidence_remove(attachment=attachment)
    messages.success(request, _("ลบหลักฐานเรียบร้อยแล้ว"))
    return redirect(_item_url(agency_id, year, code) + "#evidence")
