"""Measures: overview of an agency's year, "my measures", the measure page, its form and steps."""

from __future__ import annotations

from collections.abc import Callable

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
from ita_portal.form_tokens import save_once
from ita_portal.row_links import EACH, row_link
from ita_portal.thai import page_thai_digits, set_page_digits
from measures import selectors, services
from measures.forms.measures import MeasureForm, OverviewFilterForm, StepForm
from measures.forms.progress import EvidenceForm
from measures.models import STATUS_LABELS
from measures.views._common import add_service_errors, agency_for, is_htmx

MEASURES_PER_PAGE = 20


def _decorate(measures, today) -> list:
    """What ``_measure_rows.html`` shows of each measure besides its fields, made here once per row
    rather than by template tags in each row: its group, overdue flag, percent of steps done, link,
    status label and indicator line (the template's own words)."""
    rows = []
    indicator_line = _("ตัวชี้วัดที่ %(n)s %(name)s")
    links: dict[tuple[int, int], Callable[[int], str]] = {}  # one reverse per agency and year (my measures spans several)
    for m in measures:
        m.group = selectors.group_label(m)
        m.overdue = selectors.is_overdue(m, today)
        m.percent = round(100 * m.steps_done / m.steps_total) if m.steps_total else 0
        key = (m.agency_id, m.fiscal_year)
        if key not in links:
            links[key] = row_link("measures:measure_detail", *key, EACH)
        m.detail_url = links[key](m.pk)
        m.status_label = STATUS_LABELS.get(m.status, m.status)
        if m.indicator_id:
            m.indicator_label = indicator_line % {"n": m.indicator.number, "name": m.indicator.name}
        rows.append(m)
    return rows


@login_required
def overview(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """The agency's measures of the year, grouped by weakness / indicator, with filters."""
    agency = agency_for(request, agency_id)
    form = OverviewFilterForm(request.GET or None, agency=agency)
    filters = form.cleaned_data if form.is_valid() else {}
    measures = selectors.measures_for_agency(
        user=request.user,
        agency=agency,
        fiscal_year=year,
        division=filters.get("division"),
        status=filters.get("status", ""),
        person=filters.get("person"),
        overdue=filters.get("overdue", False),
    )
    page = Paginator(measures, MEASURES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "measures/overview.html",
        {
            "agency": agency,
            "year": year,
            "form": form,
            "page_obj": page,
            "measures": _decorate(page.object_list, today),
            "can_write": access.can_write(request.user, agency),
            "weaknesses": selectors.weaknesses_without_measures(agency=agency, fiscal_year=year)
            if access.can_write(request.user, agency)
            else [],
        },
    )


@login_required
def my_measures(request: HttpRequest) -> HttpResponse:
    """Measures the logged-in person is responsible for, across their agencies."""
    page = Paginator(selectors.my_measures(user=request.user), MEASURES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/my_measures.html",
        {"page_obj": page, "measures": _decorate(page.object_list, timezone.localdate())},
    )


def _detail_url(measure) -> str:
    return reverse(
        "measures:measure_detail", kwargs={"agency_id": measure.agency_id, "year": measure.fiscal_year, "pk": measure.pk}
    )


@login_required
def measure_create(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """New measure, stand-alone or from a weakness (``?weakness=<id>`` pre-fills its texts)."""
    agency = agency_for(request, agency_id, write=True)
    initial = {}
    weakness_id = request.GET.get("weakness")
    if weakness_id and weakness_id.isdigit():
        weakness = selectors.weakness_of(agency, int(weakness_id))
        initial = {
            "weakness": weakness,
            "indicator": weakness.indicator_id,
            "items": [weakness.item_id] if weakness.item_id else [],
            "weakness_text": weakness.title,
            "improvement_text": weakness.analysis,
        }
    form = MeasureForm(request.POST if request.method == "POST" else None, agency=agency, fiscal_year=year, initial=initial)
    if request.method == "POST":

        def save():
            if not form.is_valid():
                return None
            try:
                measure = services.measure_create(
                    agency=agency, fiscal_year=year, user=request.user, steps=form.steps(), **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                return None
            messages.success(request, _("บันทึกมาตรการเรียบร้อยแล้ว"))
            return redirect(_detail_url(measure))

        fallback = reverse("measures:measure_list", args=[agency.pk, year])
        if response := save_once(request, save, fallback=fallback):
            return response
    return render(request, "measures/measure_form.html", {"agency": agency, "year": year, "form": form, "measure": None})


@login_required
def measure_edit(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)
    form = MeasureForm(request.POST if request.method == "POST" else None, instance=measure, agency=agency, fiscal_year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(measure=measure, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขเรียบร้อยแล้ว"))
            return redirect(_detail_url(measure))
    return render(request, "measures/measure_form.html", {"agency": agency, "year": year, "form": form, "measure": measure})


@login_required
@require_POST
def measure_delete(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)
    services.measure_delete(measure=measure)
    messages.success(request, _("ลบมาตรการเรียบร้อยแล้ว"))
    return redirect("measures:measure_list", agency_id=agency.pk, year=year)


@login_required
def measure_detail(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Everything about one measure: texts, steps (htmx), meetings, progress, evidence, history."""
    agency = agency_for(request, agency_id)
    measure = selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, with_items=True)
    set_page_digits(agency.use_thai_digits)
    context = {
        "agency": agency,
        "year": year,
        "measure": measure,
        "can_write": access.can_write(request.user, agency),
        "overdue": selectors.is_overdue(measure),
        "history": selectors.history_page(measure, request.GET.get("history"), thai_digits=bool(page_thai_digits())),
        "step_form": StepForm(),
        "evidence_form": EvidenceForm(),
        **selectors.measure_detail_data(measure),
    }
    _step_links(measure, context["steps"])
    return render(request, "measures/measure_detail.html", context)


# --- steps (htmx fragments; plain POST + redirect without JavaScript) -------------------------


def _step_links(measure, steps) -> None:
    """Each step's links (tick, up, down, edit, remove) from one ``reverse`` per kind, made here
    rather than by five ``{% url %}`` per step in ``_steps.html``."""
    args = (measure.agency_id, measure.fiscal_year, measure.pk, EACH)
    links = {
        "toggle_url": row_link("measures:step_toggle", *args),
        "up_url": row_link("measures:step_move", *args, "up"),
        "down_url": row_link("measures:step_move", *args, "down"),
        "edit_url": row_link("measures:step_edit", *args),
        "remove_url": row_link("measures:step_remove", *args),
    }
    for step in steps:
        for name, link in links.items():
            setattr(step, name, link(step.pk))


def _steps_response(request: HttpRequest, measure, *, form: StepForm | None = None) -> HttpResponse:
    if not is_htmx(request):
        if form is not None and form.errors:
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
        return redirect(_detail_url(measure) + "#steps")
    set_page_digits(measure.agency.use_thai_digits)  # the fragment follows its page's digit rule
    steps = selectors.steps_of(measure)
    _step_links(measure, steps)
    return render(
        request,
        "measures/_steps.html",
        {
            "measure": measure,
            "steps": steps,
            "steps_done": sum(1 for s in steps if s.is_done),
            "can_write": True,
            "step_form": form or StepForm(),
        },
    )


def _measure_for_step_write(request, agency_id, year, pk):
    agency = agency_for(request, agency_id)
    return selectors.measure_for_page(user=request.user, agency=agency, fiscal_year=year, pk=pk, write=True)


@login_required
@require_POST
def step_add(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    measure = _measure_for_step_write(request, agency_id, year, pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.step_add(measure=measure, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = None
    return _steps_response(request, measure, form=form)


@login_required
def step_edit(request: HttpRequest, agency_id: int, year: int, pk: int, step_id: int) -> HttpResponse:
    measure = _measure_for_step_write(request, agency_id, year, pk)
    step = selectors.step_of(measure, step_id)
    form = StepForm(request.POST if request.method == "POST" else None, initial={"text": step.text, "due_date": step.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(step=step, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _steps_response(request, measure)
    set_page_digits(measure.agency.use_thai_digits)
    return render(request, "measures/_step_edit.html", {"measure": measure, "step": step, "form": form})


@login_required
@require_POST
def step_remove(request: HttpRequest, agency_id: int, year: int, pk: int, step_id: int) -> HttpResponse:
    measure = _measure_for_step_write(request, agency_id, year, pk)
    step = selectors.step_of(measure, step_id)
    services.step_remove(step=step)
    return _steps_response(request, measure)


@login_required
@require_POST
def step_move(request: HttpRequest, agency_id: int, year: int, pk: int, step_id: int, direction: str) -> HttpResponse:
    """Move a step one place up or down (builds the new order and calls ``steps_reorder``)."""
    measure = _measure_for_step_write(request, agency_id, year, pk)
    ids = list(measure.steps.order_by("order", "pk").values_list("pk", flat=True))
    if step_id not in ids:
        return _steps_response(request, measure)
    i = ids.index(step_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        services.steps_reorder(measure=measure, step_ids=ids)
    return _steps_response(request, measure)


@login_required
@require_POST
def steps_reorder(request: HttpRequest, agency_id: int, year: int, pk: int) -> HttpResponse:
    """Drag-and-drop order from the browser: ``step`` values in the new order."""
    measure = _measure_for_step_write(request, agency_id, year, pk)
    try:
        services.steps_reorder(measure=measure, step_ids=[int(i) for i in request.POST.getlist("step") if i.isdigit()])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _steps_response(request, measure)


@login_required
@require_POST
def step_toggle(request: HttpRequest, agency_id: int, year: int, pk: int, step_id: int) -> HttpResponse:
    measure = _measure_for_step_write(request, agency_id, year, pk)
    step = selectors.step_of(measure, step_id)
    services.step_set_done(step=step, done=not step.is_done, user=request.user)
    return _steps_response(request, measure)
