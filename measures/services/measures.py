"""Measures (มาตรการ) and their ordered steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, Item
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.service_fields import apply_fields
from measures.models import Measure, MeasureStep, Weakness
from measures.services._common import check_divisions, check_fiscal_year, check_people, check_period, check_within_fiscal_year

# Plain fields a form may set on a measure; relations go through their own arguments.
MEASURE_FIELDS = frozenset(
    {
        "issue_heading",
        "title",
        "kind",
        "weakness_text",
        "improvement_text",
        "guideline",
        "objective",
        "target_quantity",
        "target_quality",
        "responsible_note",
        "start_date",
        "end_date",
        "period_text",
        "budget_planned",
        "budget_source",
        "limitations",
        "monitoring_approach",
        "national_strategy",
        "strategy",
        "project",
        "ack_signer_name",
        "ack_signer_position",
        "ack_signer_label",
        "order",
    }
)


def _check_links(measure: Measure, weakness: Weakness | None, indicator: Indicator | None) -> None:
    if weakness is not None and weakness.agency_id != measure.agency_id:
        raise ValidationError({"weakness": _("จุดอ่อนนี้ไม่ใช่ของหน่วยงานนี้")})
    if indicator is None and weakness is not None:
        indicator = weakness.indicator
    measure.weakness = weakness
    measure.indicator = indicator


def _clean_steps(steps: Iterable[str]) -> list[str]:
    return [s.strip() for s in steps if s and s.strip()]


@transaction.atomic
def measure_create(
    *,
    agency: Agency,
    fiscal_year: int,
    title: str,
    user=None,
    weakness: Weakness | None = None,
    indicator: Indicator | None = None,
    items: Iterable[Item] = (),
    steps: Sequence[str] = (),
    responsible_divisions: Iterable[Division] = (),
    responsible_people: Iterable[Membership] = (),
    **fields,
) -> Measure:
    """Create a measure of ``agency`` for ``fiscal_year`` (from a weakness or stand-alone).

    Texts left empty are taken from the weakness (its title as the weakness text, its indicator
    and item). ``steps`` are the step texts in order. Divisions and people must be the agency's.
    """
    check_fiscal_year(fiscal_year)
    measure = Measure(agency=agency, fiscal_year=fiscal_year, title=(title or "").strip(), created_by=user)
    apply_fields(measure, fields, MEASURE_FIELDS, "measure")
    _check_links(measure, weakness, indicator)
    check_period(measure.start_date, measure.end_date)
    check_within_fiscal_year(fiscal_year, {"start_date": measure.start_date, "end_date": measure.end_date})
    if weakness is not None and not measure.weakness_text:
        measure.weakness_text = weakness.title
    divisions = check_divisions(agency, responsible_divisions)
    people = check_people(agency, responsible_people)
    if not fields.get("order"):
        top = Measure.objects.filter(agency=agency, fiscal_year=fiscal_year).aggregate(m=Max("order"))["m"]
        measure.order = (top or 0) + 1
    measure.full_clean()
    measure.save()
    measure.responsible_divisions.set(divisions)
    measure.responsible_people.set(people)
    item_list = list(items)
    if not item_list and weakness is not None and weakness.item_id:
        item_list = [weakness.item]
    measure.items.set(item_list)
    # One save per step (not bulk_create) so each step's creation is in its history.
    for n, text in enumerate(_clean_steps(steps), start=1):
        MeasureStep.objects.create(measure=measure, order=n, text=text)
    return measure


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    weakness: Weakness | object | None = ...,
    indicator: Indicator | object | None = ...,
    items: Iterable[Item] | None = None,
    responsible_divisions: Iterable[Division] | None = None,
    responsible_people: Iterable[Membership] | None = None,
    **fields,
) -> Measure:
    """Change a measure's fields; relation arguments left out stay as they are."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    apply_fields(measure, fields, MEASURE_FIELDS, "measure")
    if weakness is not ... or indicator is not ...:
        _check_links(
            measure,
            measure.weakness if weakness is ... else weakness,  # type: ignore[arg-type]
            measure.indicator if indicator is ... else indicator,  # type: ignore[arg-type]
        )
    if "start_date" in fields or "end_date" in fields:
        check_period(measure.start_date, measure.end_date)
        check_within_fiscal_year(measure.fiscal_year, {k: fields[k] for k in ("start_date", "end_date") if k in fields})
    measure.full_clean()
    measure.save()
    if responsible_divisions is not None:
        measure.responsible_divisions.set(check_divisions(measure.agency, responsible_divisions))
    if responsible_people is not None:
        measure.responsible_people.set(check_people(measure.agency, responsible_people))
    if items is not None:
        measure.items.set(list(items))
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure) -> None:
    """Delete a measure with its steps, meetings, progress and evidence files."""
    from measures.services.progress import _delete_file

    for evidence in measure.evidence.all():
        _delete_file(evidence)
    measure.delete()


# --- steps ------------------------------------------------------------------------------------


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("กรุณาระบุขั้นตอน")})
    return text


@transaction.atomic
def step_add(*, measure: Measure, text: str, due_date: dt.date | None = None) -> MeasureStep:
    """Append a step at the end of the measure's list."""
    text = _check_text(text)
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    top = measure.steps.aggregate(m=Max("order"))["m"] or 0
    step = MeasureStep(measure=measure, order=top + 1, text=text, due_date=due_date)
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def step_update(*, step: MeasureStep, text: str, due_date: dt.date | None = None) -> MeasureStep:
    """Change a step's text and due date."""
    step.text = _check_text(text)
    step.due_date = due_date
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def step_remove(*, step: MeasureStep) -> None:
    """Remove a step; the steps after it move up so numbering stays 1, 2, 3 …"""
    measure = step.measure
    step.delete()
    _renumber(measure, [s.pk for s in measure.steps.order_by("order", "pk")])


def _renumber(measure: Measure, ids: list[int]) -> None:
    steps = {s.pk: s for s in measure.steps.all()}
    for position, pk in enumerate(ids, start=1):
        step = steps[pk]
        if step.order != position:
            step.order = position
            step.save(update_fields=["order"])


@transaction.atomic
def steps_reorder(*, measure: Measure, step_ids: Sequence[int]) -> None:
    """Put the measure's steps in the order of ``step_ids`` (which must name each step once)."""
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    ids = [int(i) for i in step_ids]
    current = set(measure.steps.values_list("pk", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != current:
        raise ValidationError(_("ลำดับขั้นตอนไม่ตรงกับขั้นตอนของมาตรการ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"))
    _renumber(measure, ids)


@transaction.atomic
def step_set_done(*, step: MeasureStep, done: bool, user=None) -> MeasureStep:
    """Tick a step off (or un-tick it), remembering who and when."""
    step = MeasureStep.objects.select_for_update().get(pk=step.pk)
    if step.is_done == done:
        return step
    step.is_done = done
    step.done_at = timezone.now() if done else None
    step.done_by = user if done else None
    step.save()
    return step
