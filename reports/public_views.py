"""Public pages: no login. Only published reports with a frozen PDF are reachable; everything else
answers 404 (existence of unpublished documents is not revealed)."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from measures.downloads import evidence_file_response
from oit import selectors as oit_selectors
from oit.models import OitStatus
from reports import selectors


def _groups(year: int, reports: list) -> list[dict]:
    """Published documents (``selectors.public_year``) grouped by the OIT item they answer (code of
    that year's framework)."""
    items = selectors.oit_item_codes(year=year, keys={r.oit_item_key for r in reports if r.oit_item_key})
    groups: dict[str, dict] = {}
    for r in reports:
        found = items.get(r.oit_item_key, [])
        if found:
            codes = sorted({i.code for i in found}, key=lambda c: (len(c), c))
            label, sort = " / ".join(codes) + " " + found[0].title, (0, found[0].number)
            item_year = found[0].framework.fiscal_year
            if item_year != year:
                # The document's year has no catalogue with this item: say whose code it is.
                label += " " + _("(รหัสข้อตามกรอบการประเมินปี %(year)s)") % {"year": item_year}
        else:
            label, sort = "เอกสารอื่น ๆ", (1, 0)
        group = groups.setdefault(label, {"label": label, "sort": sort, "reports": []})
        group["reports"].append(r)
    return sorted(groups.values(), key=lambda g: g["sort"])


def _agency_or_404(code: str):
    agency = selectors.public_agency(code)
    if agency is None:
        raise Http404
    return agency


def agency_index(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's public index: each fiscal year with published documents (newest first)."""
    agency = _agency_or_404(code)
    years = selectors.published_years(agency=agency)
    return render(request, "reports/public/agency_index.html", {"agency": agency, "years": years})


def _oit_index(agency, year: int, reports: list) -> list[dict]:
    """Every O-item of the year's catalogue with what its public page shows (the ITAS index)."""
    framework = oit_selectors.oit_framework(year)
    if framework is None:
        return []
    items = oit_selectors.oit_items(framework)
    counts = oit_selectors.public_counts(agency=agency, items=items)
    pdfs: dict[str, int] = {}
    for r in reports:
        pdfs[r.oit_item_key] = pdfs.get(r.oit_item_key, 0) + 1
    rows = []
    for item in items:
        status, public = counts[item.pk]
        shown = public + pdfs.get(item.stable_key, 0)
        rows.append({"item": item, "published": status == OitStatus.PUBLISHED, "shown": shown})
    return rows


def agency_year(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The agency's public year page: the index of all O-items (with completeness) and its documents."""
    agency = _agency_or_404(code)
    embed_url = request.build_absolute_uri(reverse("public:embed", kwargs={"code": code, "year": year}))
    reports, revoked = selectors.public_year(agency=agency, year=year)
    index = _oit_index(agency, year, reports)
    return render(
        request,
        "reports/public/agency_year.html",
        {
            "agency": agency,
            "year": year,
            "groups": _groups(year, reports),
            "revoked": revoked,
            "embed_url": embed_url,
            "index": index,
            "complete": sum(1 for r in index if r["published"] and r["shown"]),
        },
    )


def oit_item(request: HttpRequest, code: str, year: int, item: str) -> HttpResponse:
    """One O-item's public page: the agency's signed PDFs for it and its evidence marked public."""
    agency = _agency_or_404(code)
    found = oit_selectors.item_of_year(year=year, code=item)
    reports = [r for r in selectors.published_reports(agency=agency, year=year) if r.oit_item_key == found.stable_key]
    attachments = oit_selectors.public_attachments(agency=agency, item=found)
    return render(
        request,
        "reports/public/oit_item.html",
        {"agency": agency, "year": year, "item": found, "reports": reports, "attachments": attachments},
    )


def oit_evidence(request: HttpRequest, code: str, year: int, item: str, pk: int) -> HttpResponse:
    """A public evidence file of a published O-item (links are shown as links, not served here)."""
    agency = _agency_or_404(code)
    found = oit_selectors.item_of_year(year=year, code=item)
    attachment = oit_selectors.public_attachment(agency=agency, item=found, pk=pk)
    return evidence_file_response(attachment.evidence, private=False)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # agencies frame this list on their own web sites
def embed(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A bare HTML list for an <iframe> on the agency's own website."""
    agency = _agency_or_404(code)
    reports, revoked = selectors.public_year(agency=agency, year=year)
    context = {"agency": agency, "year": year, "groups": _groups(year, reports), "revoked": revoked}
    return render(request, "reports/public/embed.html", context)


def document_pdf(request: HttpRequest, code: str, year: int, series) -> HttpResponse:
    agency = _agency_or_404(code)
    report = selectors.published_in_series(agency=agency, year=year, series=series)
    if report is None:
        raise Http404
    rendition = report.public_rendition
    response = FileResponse(rendition.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.download_name()}"'
    response["ETag"] = f'"{rendition.sha256}"'
    response["X-Content-SHA256"] = rendition.sha256
    return response


#: A copy a visitor checks is read into memory: refuse anything larger than an approved PDF can be.
VERIFY_MAX_BYTES = 30 * 1024 * 1024


def document_verify(request: HttpRequest, code: str, year: int, series) -> HttpResponse:
    """ตรวจสอบเอกสาร: the stored PDF (or a copy the visitor uploads) against the frozen SHA-256 and
    its digital signature, said in Thai."""
    from reports.signing import pdf_verify

    agency = _agency_or_404(code)
    report = selectors.published_in_series(agency=agency, year=year, series=series)
    if report is None:
        raise Http404
    rendition = report.public_rendition
    error, uploaded_name = "", ""
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        uploaded_name = upload.name
        if upload.size > VERIFY_MAX_BYTES:
            error = "ไฟล์ใหญ่เกินกว่าที่ตรวจสอบได้ (ไม่เกิน ๓๐ MB)"
            data = b""
        else:
            data = upload.read()
    else:
        with rendition.file.open("rb") as fh:
            data = fh.read()
    try:
        result = pdf_verify(data, expected_sha256=rendition.sha256, agency=agency) if data else None
    except ValidationError as exc:
        result, error = None, " ".join(exc.messages)
    return render(
        request,
        "reports/public/verify.html",
        {
            "agency": agency,
            "year": year,
            "report": report,
            "rendition": rendition,
            "result": result,
            "error": error,
            "uploaded_name": uploaded_name,
        },
    )
