"""A year at a glance for the home and agency pages: read-only summaries, always scoped.

The agencies app sits below indicators, measures and reports (DESIGN.md §2), so their models are
looked up by name when present rather than imported. Every query goes through
``selectors.scope_queryset`` and the summaries for any number of agencies cost a fixed number of
queries (one per kind of fact), never one per agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Max, Model, OuterRef, Q, Subquery
from django.utils import timezone

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Membership


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@dataclass
class StatusCount:
    value: str
    label: str
    count: int


@dataclass
class AgencyYearSummary:
    """What an agency has for one fiscal year: its assessment(s), measures, next meeting, reports."""

    agency: Agency
    year: int
    assessments: list = field(default_factory=list)  # the year's, one per assessor
    earlier_assessment: Model | None = None  # latest before the year, shown when the year has none
    measure_counts: list[StatusCount] = field(default_factory=list)
    measures_total: int = 0
    next_followup: Model | None = None
    reports_submitted: int = 0  # waiting for the director's decision
    reports_returned: int = 0  # sent back to staff for changes


def working_years(user, agencies: list[Agency], current_year: int) -> dict[int, int]:
    """Per agency, the fiscal year its people are working in.

    That is the current fiscal year once it has measures, meetings or reports; before that (in
    October, while last year's results are still being reported, or in the demo data) it is the
    latest earlier year that has them; with nothing at all, the current year. For an agency the
    user supervises, the data of its whole subtree counts (a supervising office has few rows of
    its own). Three queries, plus three per supervised agency.
    """
    ids = [a.pk for a in agencies]
    # Agencies the user sees with their whole subtree (supervisors, by the policy table).
    supervised = {
        m.agency_id: m.agency.path
        for m, reach in selectors.memberships_granting(user, selectors.Action.VIEW)
        if reach == selectors.SUBTREE
    }
    latest: dict[int, int] = {}
    for label in ("measures.Measure", "measures.FollowUp", "reports.Report"):
        model = _model(label)
        if model is None or not ids:
            continue
        rows = (
            selectors.scope_queryset(model.objects.filter(agency_id__in=ids, fiscal_year__lte=current_year), user)
            .order_by()
            .values("agency_id")
            .annotate(year=Max("fiscal_year"))
        )
        for row in rows:
            latest[row["agency_id"]] = max(latest.get(row["agency_id"], 0), row["year"])
        for agency_id, path in supervised.items():
            if agency_id not in ids:
                continue
            qs = model.objects.filter(agency__path__startswith=path, fiscal_year__lte=current_year)
            year = selectors.scope_queryset(qs, user).aggregate(year=Max("fiscal_year"))["year"]
            if year is not None:
                latest[agency_id] = max(latest.get(agency_id, 0), year)
    return {pk: latest.get(pk, current_year) for pk in ids}


def _status_choices(model: type[Model], field_name: str) -> list[tuple[str, str]]:
    return list(model._meta.get_field(field_name).choices or [])


def summaries_for(user, agencies: list[Agency], year: int) -> dict[int, AgencyYearSummary]:
    """Summaries keyed by agency id for ``agencies`` (already read through the selectors) in ``year``.

    Costs at most five queries whatever the number of agencies.
    """
    summaries = {a.pk: AgencyYearSummary(agency=a, year=year) for a in agencies}
    ids = list(summaries)
    if not ids:
        return summaries

    assessment_model = _model("indicators.Assessment")
    if assessment_model is not None:
        rows = selectors.scope_queryset(
            assessment_model.objects.filter(agency_id__in=ids, framework__fiscal_year__lte=year)
            .select_related("framework__assessor")
            .order_by("-framework__fiscal_year", "framework__assessor__name"),
            user,
        )
        for assessment in rows:
            summary = summaries[assessment.agency_id]
            if assessment.framework.fiscal_year == year:
                summary.assessments.append(assessment)
            elif summary.earlier_assessment is None:
                summary.earlier_assessment = assessment

    measure_model = _model("measures.Measure")
    if measure_model is not None:
        choices = _status_choices(measure_model, "status")
        counts: dict[tuple[int, str], int] = {}
        rows = (
            selectors.scope_queryset(measure_model.objects.filter(agency_id__in=ids, fiscal_year=year), user)
            .order_by()
            .values_list("agency_id", "status")
            .annotate(n=Count("pk"))
        )
        for agency_id, status, n in rows:
            counts[(agency_id, status)] = n
        for agency_id, summary in summaries.items():
            summary.measure_counts = [
                StatusCount(value, str(label), counts.get((agency_id, value), 0)) for value, label in choices
            ]
            summary.measures_total = sum(c.count for c in summary.measure_counts)

    followup_model = _model("measures.FollowUp")
    if followup_model is not None:
        upcoming = selectors.scope_queryset(
            followup_model.objects.filter(fiscal_year=year, status="scheduled", starts_at__gte=timezone.now()), user
        )
        next_ids = (
            selectors.agencies_visible_to(user)
            .filter(pk__in=ids)
            .annotate(next_id=Subquery(upcoming.filter(agency_id=OuterRef("pk")).order_by("starts_at", "pk").values("pk")[:1]))
            .exclude(next_id=None)
            .values_list("next_id", flat=True)
        )
        for followup in followup_model.objects.filter(pk__in=Subquery(next_ids)).select_related("measure"):
            summaries[followup.agency_id].next_followup = followup

    report_model = _model("reports.Report")
    if report_model is not None:
        rows = (
            selectors.scope_queryset(
                report_model.objects.filter(
                    agency_id__in=ids, fiscal_year=year, state__in=["submitted", "returned"], next_version__isnull=True
                ),
                user,
            )
            .order_by()
            .values_list("agency_id", "state")
            .annotate(n=Count("pk"))
        )
        for agency_id, state, n in rows:
            if state == "submitted":
                summaries[agency_id].reports_submitted = n
            else:
                summaries[agency_id].reports_returned = n
    return summaries


def subtree_sizes(user, memberships: list[Membership]) -> dict[int, int]:
    """For each supervising membership (by id): how many active agencies its subtree holds, the
    supervising agency included. One query for all of them."""
    supervising = [m for m in memberships if selectors.reach_of(m.role, selectors.Action.SUPERVISE) == selectors.SUBTREE]
    if not supervising:
        return {}
    visible = selectors.agencies_visible_to(user)
    totals = visible.aggregate(**{f"m{m.pk}": Count("pk", filter=Q(path__startswith=m.agency.path)) for m in supervising})
    return {m.pk: totals[f"m{m.pk}"] for m in supervising}
