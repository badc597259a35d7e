"""Downloads for editing: the DOCX of a draft, Excel of the measures plan and the follow-up calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ita_portal.agencies import selectors as access
from reports import exports, selectors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A DOCX is for editing: approved, published and revoked reports have only their signed PDF.
DRAFT_STATES = frozenset({"draft", "submitted", "returned"})
EXCEL_KINDS = {"measures_plan": "measures-plan", "calendar": "followup-calendar"}


@login_required
def report_docx(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    report = selectors.report_for_read(user=request.user, agency_id=agency_id, year=year, pk=pk)
    if report.state not in DRAFT_STATES:
        messages.error(request, _("เอกสารที่อนุมัติแล้วดาวน์โหลดได้เฉพาะไฟล์ PDF ที่ลงนามแล้ว (ไฟล์ Word มีไว้แก้ไขฉบับร่างเท่านั้น)"))
        return redirect("reports:detail", agency_id=agency_id, year=year, pk=pk)
    response = HttpResponse(exports.report_docx(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{report.download_name().removesuffix(".pdf")}-draft.docx"'
    return response


@login_required
def plan_xlsx(request: HttpRequest, agency_id: int, year: int, kind: str) -> HttpResponse:
    if kind not in EXCEL_KINDS:
        raise Http404
    agency = access.get_agency_for_read(request.user, agency_id)
    response = HttpResponse(exports.plan_xlsx(agency=agency, year=year, kind=kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{agency.code}-{year}-{EXCEL_KINDS[kind]}.xlsx"'
    return response
