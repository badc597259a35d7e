"""Score pages: an agency's year (ranked table, chart, years compared), score entry, file import with
preview, and their exports (the weaknesses drawn from the scores and a supervisor's area, which
shows measures too, are ``measures.views.weaknesses`` and ``measures.views.area``).

Views are thin: reads through ``indicators.selectors`` (on top of the agency access selectors),
writes through ``indicators.services``. A refused read is a 404, a refused write a 403.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import exports, score_panels, selectors, services
from indicators.forms import RESULT_CHOICES, AssessmentForm, IndicatorScoreForm, ItemResultForm, ScoreUploadForm
from indicators.models import ImportBatch, ImportStatus
from indicators.pages import scores_framework as _framework
from indicators.pages import scores_year as _year
from ita_portal.agencies import selectors as agency_selectors

TEMPLATE_AGENCY_LIMIT = 10000


def _chart_data(rows, pass_mark: Decimal) -> dict:
    """Bar chart data for ``static/js/scores-charts.js`` (rendered with ``json_script``)."""
    return {
        "labels": [f"{r.indicator.number}. {r.indicator.name}" for r in rows],
        "scores": [float(r.score) for r in rows],
        "passMark": float(pass_mark),
        "passLabel": _("เกณฑ์การผ่าน"),
        "scoreLabel": _("คะแนน"),
    }


# --- one agency's year ------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """The year's result as in seed 001: ranked table, bar chart against the pass mark, instruments."""
    year = _year(year)
    agency = agency_selectors.get_agency_for_read(request.user, agency_id)
    framework = _framework(request, year)
    context = {
        "agency": agency,
        "year": year,
        "framework": framework,
        "frameworks": selectors.frameworks_of_year(year),
        "can_load": selectors.can_load_scores(request.user, agency),
        "can_write": agency_selectors.can_write(request.user, agency),
        "score_panels": score_panels.panels_for(request.user, agency, year, score_panels.DASHBOARD),
    }
    if framework is not None:
        indicators, _items = selectors.framework_catalogue(framework)
        assessment = selectors.assessment_of(agency, framework)
        rows = selectors.ranked_rows(indicators, assessment, framework.pass_mark)
        item_results = assessment.item_results.all() if assessment else []
        context.update(
            assessment=assessment,
            rows=rows,
            chart=_chart_data(rows, framework.pass_mark),
            failed_items=sum(1 for r in item_results if r.passed is False),
            passed_items=sum(1 for r in item_results if r.passed is True),
        )
    return render(request, "indicators/dashboard.html", context)


@login_required
def trend(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Indicator scores over the years up to ``year``, matched by stable key, with the change."""
    year = _year(year)
    agency = agency_selectors.get_agency_for_read(request.user, agency_id)
    framework = _framework(request, year)
    data = selectors.year_over_year(agency, framework.assessor_id, year) if framework else None
    chart = None
    if data and data.years:
        chart = {
            "years": data.years,
            "series": [
                {
                    "label": f"{r.number}. {r.name}",
                    "scores": [float(r.scores[y]) if r.scores.get(y) is not None else None for y in data.years],
                }
                for r in data.rows
            ],
        }
    context = {"agency": agency, "year": year, "framework": framework, "trend": data, "chart": chart}
    context["can_load"] = selectors.can_load_scores(request.user, agency)
    context["score_panels"] = score_panels.panels_for(request.user, agency, year, score_panels.TREND)
    return render(request, "indicators/trend.html", context)


@login_required
def dashboard_export(request: HttpRequest, agency_id: int, year: int, fmt: str) -> HttpResponse:
    year = _year(year)
    agency = agency_selectors.get_agency_for_read(request.user, agency_id)
    framework = _framework(request, year)
    if framework is None or fmt not in exports.FORMATS:
        raise Http404
    indicators, _items = selectors.framework_catalogue(framework)
    rows = selectors.ranked_rows(indicators, selectors.assessment_of(agency, framework), framework.pass_mark)
    headers, table = exports.ranked_table(rows)
    return exports.download(f"ita-{agency.code}-{year}", fmt, headers, table, title=f"ITA {year}")


@login_required
def trend_export(request: HttpRequest, agency_id: int, year: int, fmt: str) -> HttpResponse:
    year = _year(year)
    agency = agency_selectors.get_agency_for_read(request.user, agency_id)
    framework = _framework(request, year)
    if framework is None or fmt not in exports.FORMATS:
        raise Http404
    headers, table = exports.trend_table(selectors.year_over_year(agency, framework.assessor_id, year))
    return exports.download(f"ita-{agency.code}-{year}-trend", fmt, headers, table, title=f"ITA {year}")


# --- score entry --------------------------------------------------------------------------------


@login_required
def entry(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """All indicators and OIT items of the year on one page; the overall score and grade are computed."""
    year = _year(year)
    agency = selectors.get_agency_for_scores(request.user, agency_id)
    framework = _framework(request, year)
    if framework is None:
        return render(request, "indicators/entry.html", {"agency": agency, "year": year, "framework": None})
    indicators, items = selectors.framework_catalogue(framework)
    assessment = selectors.assessment_of(agency, framework)
    scores = {s.indicator_id: s.score for s in assessment.indicator_scores.all()} if assessment else {}
    results = {r.item_id: r for r in assessment.item_results.all()} if assessment else {}
    data = request.POST if request.method == "POST" else None
    score_forms = [
        IndicatorScoreForm(data, prefix=f"ind-{i.pk}", indicator=i, initial={"score": scores.get(i.pk)}) for i in indicators
    ]
    item_forms = []
    # The rows' words (their inputs' labels, the result choices) in the request's language once
    # for the page, not by template tags in each of its 40-odd item rows.
    url_label, remark_label = _("URL ข้อ %(code)s"), _("หมายเหตุข้อ %(code)s")
    for item in items:
        r = results.get(item.pk)
        initial = {
            "result": "" if r is None or r.passed is None else ("1" if r.passed else "0"),
            "remark": r.remark if r else "",
            "url": r.url if r else "",
        }
        form = ItemResultForm(data, prefix=f"item-{item.pk}", item=item, initial=initial)
        form.url_label, form.remark_label = url_label % {"code": item.code}, remark_label % {"code": item.code}
        item_forms.append(form)
    main_form = AssessmentForm(
        data, initial={"rating_text": assessment.rating_text, "note": assessment.note} if assessment else None
    )
    if request.method == "POST":
        forms_ok = all(f.is_valid() for f in [main_form, *score_forms, *item_forms])
        if forms_ok:
            services.assessment_save_scores(
                agency=agency,
                framework=framework,
                scores={f.indicator.pk: f.cleaned_data["score"] for f in score_forms},
                items={
                    f.item.pk: services.ItemInput(passed=f.passed(), remark=f.cleaned_data["remark"], url=f.cleaned_data["url"])
                    for f in item_forms
                },
                rating_text=main_form.cleaned_data["rating_text"],
                note=main_form.cleaned_data["note"],
                user=request.user,
            )
            messages.success(request, _("บันทึกคะแนนแล้ว"))
            url = reverse("indicators:dashboard", kwargs={"agency_id": agency.pk, "year": year})
            return redirect(f"{url}?assessor={framework.assessor.code}")
        messages.error(request, _("บันทึกไม่สำเร็จ โปรดแก้ไขช่องที่มีข้อความสีแดง"))
    groups: dict[int, list] = {}
    for form in item_forms:
        groups.setdefault(form.item.indicator_id, []).append(form)
    return render(
        request,
        "indicators/entry.html",
        {
            "agency": agency,
            "year": year,
            "framework": framework,
            "assessment": assessment,
            "score_forms": score_forms,
            "item_groups": [(i, groups[i.pk]) for i in indicators if i.pk in groups],
            "main_form": main_form,
            # The result drop-down is written in the template from these (one per item row),
            # not rendered through the Select widget's per-option templates.
            "result_choices": [(value, str(label)) for value, label in RESULT_CHOICES],
        },
    )


# --- import -------------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """Upload a CSV/XLSX file; it is checked and shown as a preview before anything is written.

    A large file (``services.is_large``) is not parsed here: the worker checks it while the
    preview page shows the progress bar."""
    year = _year(year)
    agency = selectors.get_agency_for_scores(request.user, agency_id)
    framework = _framework(request, year)
    form = ScoreUploadForm(request.POST, request.FILES) if request.method == "POST" else ScoreUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.score_import_start(
            agency=agency,
            fiscal_year=year,
            filename=upload.name,
            content=upload.read(),
            user=request.user,
            assessor_code=framework.assessor.code if framework else None,
        )
        return redirect("indicators:import_preview", agency_id=agency.pk, year=year, batch_id=batch.pk)
    recent = selectors.recent_import_batches(agency, year)
    return render(
        request,
        "indicators/import_upload.html",
        {"agency": agency, "year": year, "framework": framework, "form": form, "recent": recent},
    )


def _batch(request: HttpRequest, agency_id: int, year: int, batch_id: int) -> ImportBatch:
    return selectors.import_batch_for(request.user, agency_id, year, batch_id)


def _job_context(batch: ImportBatch, year: int) -> dict:
    kwargs = {"agency_id": batch.agency_id, "year": year, "batch_id": batch.pk}
    return {
        "agency": batch.agency,
        "year": year,
        "batch": batch,
        "running": batch.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING),
        "stalled": services.job_stalled(batch),
        "percent": services.job_percent(batch),
        "status_url": reverse("indicators:import_status", kwargs=kwargs),
        "retry_url": reverse("indicators:import_retry", kwargs=kwargs),
    }


@login_required
def import_preview(request: HttpRequest, agency_id: int, year: int, batch_id: int) -> HttpResponse:
    """Row-by-row errors in Thai, or what the file will write, with the confirm button; while the
    worker checks or writes a large file, its progress bar (polled with htmx)."""
    batch = _batch(request, agency_id, _year(year), batch_id)
    return render(request, "indicators/import_preview.html", _job_context(batch, year))


@login_required
def import_status(request: HttpRequest, agency_id: int, year: int, batch_id: int) -> HttpResponse:
    """The progress bar of a large file's check or commit (htmx); when the worker is done, htmx
    loads the preview page again (now the preview, or the result of the commit)."""
    batch = _batch(request, agency_id, _year(year), batch_id)
    if batch.status not in (ImportStatus.CHECKING, ImportStatus.COMMITTING):
        response = HttpResponse("")
        response["HX-Redirect"] = reverse(
            "indicators:import_preview", kwargs={"agency_id": agency_id, "year": year, "batch_id": batch_id}
        )
        return response
    return render(request, "indicators/_import_progress.html", _job_context(batch, year))


@login_required
@require_POST
def import_retry(request: HttpRequest, agency_id: int, year: int, batch_id: int) -> HttpResponse:
    """Queue again a check or commit whose worker died or that the queue could not take."""
    batch = _batch(request, agency_id, _year(year), batch_id)
    try:
        services.score_import_retry(batch=batch, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("indicators:import_preview", agency_id=agency_id, year=year, batch_id=batch.pk)


@login_required
@require_POST
def import_commit(request: HttpRequest, agency_id: int, year: int, batch_id: int) -> HttpResponse:
    """Write a previewed file, all rows or none: a small one now, a large one in the worker."""
    batch = _batch(request, agency_id, _year(year), batch_id)
    try:
        outcome = services.score_import_commit(batch=batch, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indicators:import_preview", agency_id=agency_id, year=year, batch_id=batch.pk)
    if outcome.queued:
        return redirect("indicators:import_preview", agency_id=agency_id, year=year, batch_id=batch.pk)
    if outcome.committed:
        messages.success(request, _("นำเข้าคะแนนแล้ว %(count)s หน่วยงาน") % {"count": outcome.assessments})
        return redirect("indicators:dashboard", agency_id=agency_id, year=year)
    messages.error(request, _("ไม่ได้นำเข้า: ข้อมูลเปลี่ยนไปหลังการตรวจ พบข้อผิดพลาด"))
    return redirect("indicators:import_preview", agency_id=agency_id, year=year, batch_id=batch.pk)


@login_required
def import_template(request: HttpRequest, agency_id: int, year: int, layout: str, fmt: str) -> HttpResponse:
    """A template for the year's framework, pre-filled with the agencies the user may load."""
    year = _year(year)
    agency = selectors.get_agency_for_scores(request.user, agency_id)
    framework = _framework(request, year)
    if framework is None or layout not in ("long", "wide") or fmt not in exports.FORMATS:
        raise Http404
    indicators, items = selectors.framework_catalogue(framework)
    agencies = selectors.loadable_agencies_below(request.user, agency).values_list("code", "name")[:TEMPLATE_AGENCY_LIMIT]
    headers, rows, choices = exports.template_table(layout, year, indicators, items, agencies)
    return exports.download(f"ita-scores-{year}-{layout}", fmt, headers, rows, title=f"ITA {year}", choices=choices)
