"""Reads of measures and their follow-up, always scoped through ``ita_portal.agencies.selectors``;
the change history (``history``) and a supervisor's area (``area``) are modules of this package,
their names re-exported here.

Each page is a fixed number of queries whatever the number of rows (annotations and prefetches,
no per-row queries); tests assert it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from indicators.models import Item
from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.thai import be_year, fiscal_year_bounds
from measures.models import (
    Evidence,
    FollowUp,
    FollowUpStatus,
    Measure,
    MeasureStatus,
    MeasureStep,
    ProgressUpdate,
    Weakness,
)
from measures.selectors.people import person_names, user_label


def _annotated(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    now = timezone.now()
    next_meeting = (
        FollowUp.objects.filter(
            Q(measure=OuterRef("pk")) | Q(measure__isnull=True, agency=OuterRef("agency"), fiscal_year=OuterRef("fiscal_year")),
            status=FollowUpStatus.SCHEDULED,
            starts_at__gte=now,
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        qs.select_related("agency", "weakness", "indicator")
        .annotate(
            steps_total=Count("steps", distinct=True),
            steps_done=Count("steps", filter=Q(steps__is_done=True), distinct=True),
            next_meeting_at=Subquery(next_meeting),
        )
        .prefetch_related(
            Prefetch("responsible_divisions", queryset=Division.objects.order_by("order", "name")),
            Prefetch("responsible_people", queryset=Membership.objects.order_by("first_name_th")),
        )
    )


def measures_for_agency(
    *,
    user,
    agency: Agency,
    fiscal_year: int,
    division: Division | None = None,
    status: str = "",
    person: Membership | None = None,
    overdue: bool = False,
) -> QuerySet[Measure]:
    """The agency's measures of a year for the overview, grouped order (weakness, indicator, order)."""
    qs = selectors.scope_queryset(Measure.objects.all(), user).filter(agency=agency, fiscal_year=fiscal_year)
    if division is not None:
        qs = qs.filter(Q(responsible_divisions=division) | Q(responsible_people__division=division))
    if status:
        qs = qs.filter(status=status)
    if person is not None:
        qs = qs.filter(responsible_people=person)
    if overdue:
        qs = qs.filter(end_date__lt=timezone.localdate()).exclude(status=MeasureStatus.DONE)
    if division is not None or person is not None:
        # The m2m filters join rows; re-select by pk so the step counts are not multiplied.
        qs = Measure.objects.filter(pk__in=qs.values("pk"))
    return _annotated(qs).order_by(
        Coalesce("weakness__order", Value(9999), output_field=IntegerField()),
        "weakness_id",
        "issue_heading",
        F("indicator__number").asc(nulls_last=True),
        "order",
        "pk",
    )


def my_measures(*, user) -> QuerySet[Measure]:
    """Measures the user is named on, or whose responsible division is theirs, in every agency they
    may read (newest fiscal year first)."""
    memberships = selectors.memberships_of(user)
    ids = [m.pk for m in memberships]
    divisions = [m.division_id for m in memberships if m.division_id]
    q = Q(responsible_people__in=ids)
    if divisions:
        q |= Q(responsible_divisions__in=divisions)
    # The ids first, as a list: inlined as an IN (subquery), the planner expected one row from it
    # and hash-joined every measure and step of the database (it grew with the whole portal).
    base = set(selectors.scope_queryset(Measure.objects.filter(q), user).values_list("pk", flat=True))
    return _annotated(Measure.objects.filter(pk__in=sorted(base))).order_by("-fiscal_year", "agency__name", "order", "pk")


def group_label(measure: Measure) -> str:
    """The heading a measure is listed under on the overview."""
    if measure.weakness_id:
        return measure.weakness.title
    if measure.issue_heading:
        return measure.issue_heading
    if measure.indicator_id:
        return f"ตัวชี้วัดที่ {measure.indicator.number} {measure.indicator.name}"
    return "มาตรการอื่น ๆ"


def is_overdue(measure: Measure, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(measure.end_date and measure.end_date < today and measure.status != MeasureStatus.DONE)


def measure_for_page(
    *, user, agency: Agency, fiscal_year: int, pk: int, write: bool = False, with_items: bool = False
) -> Measure:
    """One measure with what its page shows (404 outside the user's scope, 403 on a read-only write).
    ``with_items``: its catalogue items too, each with its framework and indicator (one query), as
    ``measure_detail_data`` and the score effects read them."""
    qs = Measure.objects.filter(agency=agency, fiscal_year=fiscal_year).select_related(
        "agency", "weakness", "indicator", "indicator__framework"
    )
    if with_items:
        qs = qs.prefetch_related(
            Prefetch("items", queryset=Item.objects.select_related("framework", "indicator").order_by("kind", "number"))
        )
    if write:
        return selectors.get_for_write(user, qs, pk=pk)
    return selectors.get_for_read(user, qs, pk=pk)


def step_of(measure: Measure, step_id: int) -> MeasureStep:
    """One step of a measure already fetched through the access selectors, or 404."""
    return _one(MeasureStep.objects.filter(measure=measure), pk=step_id)


def steps_of(measure: Measure) -> list[MeasureStep]:
    """The measure's steps in order, each with who ticked it off (one query)."""
    return list(measure.steps.select_related("done_by").order_by("order", "pk"))


def progress_of(measure: Measure, progress_id: int) -> ProgressUpdate:
    """One progress update of a measure already fetched through the access selectors, or 404."""
    return _one(ProgressUpdate.objects.filter(measure=measure), pk=progress_id)


def evidence_for_page(*, user, agency: Agency, fiscal_year: int, pk: int, write: bool = False) -> Evidence:
    """One evidence row of the agency's year: 404 outside the user's scope, 403 on a read-only write."""
    qs = Evidence.objects.filter(measure__agency=agency, measure__fiscal_year=fiscal_year).select_related(
        "measure", "measure__agency"
    )
    if write:
        return selectors.get_for_write(user, qs, "measure__agency", pk=pk)
    return selectors.get_for_read(user, qs, "measure__agency", pk=pk)


def followup_for_write(*, user, agency: Agency, fiscal_year: int, pk: int) -> FollowUp:
    """One meeting of the agency's year the user may change (404 / 403 as ``get_for_write``)."""
    qs = FollowUp.objects.filter(agency=agency, fiscal_year=fiscal_year).select_related("measure", "agency")
    return selectors.get_for_write(user, qs, pk=pk)


def measure_in_year(*, agency: Agency, fiscal_year: int, pk: int) -> bool:
    """Is ``pk`` a measure of the agency's year (a safe ``?measure=`` pre-fill)?"""
    return Measure.objects.filter(pk=pk, agency=agency, fiscal_year=fiscal_year).exists()


def weakness_of(agency: Agency, pk: int) -> Weakness:
    """One weakness of an agency already fetched through the access selectors, or 404."""
    return _one(Weakness.objects.filter(agency=agency), pk=pk)


def weaknesses_without_measures(*, agency: Agency, fiscal_year: int, limit: int = 20) -> list[Weakness]:
    """The year's weaknesses no measure answers yet, in their order (the overview's to-do list)."""
    return list(
        Weakness.objects.filter(agency=agency, fiscal_year=fiscal_year, measures__isnull=True).order_by("order", "pk")[:limit]
    )


def _one(qs: QuerySet, **lookup):
    try:
        return qs.get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


def measure_detail_data(measure: Measure) -> dict:
    """Steps, progress (with evidence), meetings, evidence and score effects of a measure read by
    ``measure_for_page(with_items=True)``: a fixed number of queries."""
    from measures.effects import measure_effects

    steps = list(measure.steps.select_related("done_by").order_by("order", "pk"))
    progress = list(
        measure.progress_updates.select_related("recorded_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("-reported_on", "-pk")
    )
    followups = list(
        FollowUp.objects.filter(measure=measure).prefetch_related("responsible_divisions").order_by("starts_at", "pk")
    )
    evidence = list(measure.evidence.select_related("uploaded_by", "progress").order_by("-uploaded_at", "-pk"))
    names = person_names({p.recorded_by_id for p in progress} | {e.uploaded_by_id for e in evidence}, measure.agency_id)
    for p in progress:
        p.recorded_by_name = user_label(p.recorded_by, names) if p.recorded_by_id else ""
    for e in evidence:
        e.uploaded_by_name = user_label(e.uploaded_by, names) if e.uploaded_by_id else ""
    next_plan_meeting = (
        FollowUp.objects.filter(
            agency_id=measure.agency_id,
            fiscal_year=measure.fiscal_year,
            measure__isnull=True,
            status=FollowUpStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    return {
        "next_plan_meeting": next_plan_meeting,
        "steps": steps,
        "steps_done": sum(1 for s in steps if s.is_done),
        "progress_list": progress,
        "followups": followups,
        "evidence_list": evidence,
        "divisions": list(measure.responsible_divisions.order_by("order", "name")),
        "people": list(measure.responsible_people.order_by("first_name_th")),
        "items": list(measure.items.all()),
        "effects": measure_effects([measure], prepared=True),
    }


def followups_for_agency(*, user, agency: Agency, fiscal_year: int) -> QuerySet[FollowUp]:
    return (
        selectors.scope_queryset(FollowUp.objects.all(), user)
        .filter(agency=agency, fiscal_year=fiscal_year)
        .select_related("measure")
        .prefetch_related("responsible_divisions", "attendees")
        .order_by("starts_at", "pk")
    )


# --- month calendar ----------------------------------------------------------------------------


def calendar_opening_month(*, user, agency: Agency, fiscal_year: int, today) -> tuple[int, int]:
    """(CE year, month) the month calendar opens on: this month inside the fiscal year, else the
    month of the year's next meeting from today (or its first one), else the year's first month."""
    first, last = fiscal_year_bounds(fiscal_year)
    if first <= today <= last:
        return today.year, today.month
    meetings = selectors.scope_queryset(FollowUp.objects.all(), user).filter(agency=agency, fiscal_year=fiscal_year)
    upcoming = meetings.filter(starts_at__date__gte=today).order_by("starts_at").first()
    chosen = upcoming or meetings.order_by("starts_at").first()
    if chosen is not None:
        day = timezone.localtime(chosen.starts_at).date()
        return day.year, day.month
    return first.year, first.month


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    is_today: bool
    meetings: list = field(default_factory=list)


# The calendar page's month and weekday names in the page's language (documents keep
# ita_portal.thai's Thai names); the Thai names are the msgids.
MONTH_NAMES = (
    gettext_lazy("มกราคม"),
    gettext_lazy("กุมภาพันธ์"),
    gettext_lazy("มีนาคม"),
    gettext_lazy("เมษายน"),
    gettext_lazy("พฤษภาคม"),
    gettext_lazy("มิถุนายน"),
    gettext_lazy("กรกฎาคม"),
    gettext_lazy("สิงหาคม"),
    gettext_lazy("กันยายน"),
    gettext_lazy("ตุลาคม"),
    gettext_lazy("พฤศจิกายน"),
    gettext_lazy("ธันวาคม"),
)
WEEKDAY_NAMES = (
    gettext_lazy("จันทร์"),
    gettext_lazy("อังคาร"),
    gettext_lazy("พุธ"),
    gettext_lazy("พฤหัสบดี"),
    gettext_lazy("ศุกร์"),
    gettext_lazy("เสาร์"),
    gettext_lazy("อาทิตย์"),
)


@dataclass
class MonthGrid:
    year: int
    month: int
    title: str
    weeks: list[list[CalendarDay]]
    prev: tuple[int, int]
    next: tuple[int, int]
    weekday_names: tuple[str, ...] = WEEKDAY_NAMES


def month_grid(*, user, agency: Agency, year: int, month: int) -> MonthGrid:
    """A Monday-first month grid with the agency's meetings (all fiscal years) on their days."""
    cal = calendar.Calendar(firstweekday=0)
    days = list(cal.itermonthdates(year, month))
    first, last = days[0], days[-1]
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    meetings = (
        selectors.scope_queryset(FollowUp.objects.all(), user)
        .filter(agency=agency, starts_at__gte=start, starts_at__lt=end)
        .select_related("measure")
        .order_by("starts_at", "pk")
    )
    by_day: dict[dt.date, list] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    today = timezone.localdate()
    cells = [CalendarDay(d, d.month == month, d == today, by_day.get(d, [])) for d in days]
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return MonthGrid(year, month, f"{MONTH_NAMES[month - 1]} {be_year(year)}", weeks, prev, nxt)


from measures.selectors.area import AREA_SORTS, SCORE_FIELD, area_agencies, area_details, filter_area  # noqa: E402, F401
from measures.selectors.history import HISTORY_LIMIT, HISTORY_PAGE, HistoryEntry, history_page, measure_history  # noqa: E402, F401
