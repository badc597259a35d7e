"""Reads for reports: what a user may see, the director's queue, the public lists, and the portal
data each document is made from.

Staff pages read through ``ita_portal.agencies.selectors`` (scope, 404/403). Public pages read only
published reports of active agencies. Document data (measures, steps, progress, follow-ups,
scores) is read for one agency and year that the caller has already been allowed to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from indicators.models import Assessment, IndicatorScore, Item
from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency
from measures.models import FollowUp, FollowUpStatus, Measure, MeasureStep, ProgressUpdate
from measures.selectors.people import person_names, user_label
from reports.models import Rendition, RenditionStatus, Report, ReportEvent, ReportState

# ---------------------------------------------------------------------------------------- staff


def reports_for(*, user, agency: Agency, year: int) -> QuerySet[Report]:
    """Every version of every report of ``agency`` for fiscal ``year`` the user may read."""
    qs = Report.objects.filter(agency=agency, fiscal_year=year).select_related("agency", "created_by")
    return access.scope_queryset(qs, user).order_by("kind", "series", "-version")


def current_versions(reports: QuerySet[Report]) -> list[Report]:
    """The newest version of each series in ``reports`` (older versions stay in the history)."""
    seen: set = set()
    out = []
    for report in reports.order_by("kind", "series", "-version"):
        if report.series not in seen:
            seen.add(report.series)
            out.append(report)
    return out


def report_for_read(*, user, agency_id: int, year: int, pk: int) -> Report:
    """One report of the agency/year in the URL, or 404."""
    qs = Report.objects.filter(agency_id=agency_id, fiscal_year=year).select_related("agency", "division", "created_by")
    return access.get_for_read(user, qs, pk=pk)


def report_for_write(*, user, agency_id: int, year: int, pk: int, approve: bool = False) -> Report:
    """One report the user may change (``approve``: sign off), 404 if unreadable, 403 if read-only."""
    qs = Report.objects.filter(agency_id=agency_id, fiscal_year=year).select_related("agency", "division", "created_by")
    return access.get_for_write(user, qs, approve=approve, pk=pk)


def director_queue(*, user, agency: Agency, year: int) -> QuerySet[Report]:
    """Reports of the agency and year waiting for the director (submitted, through the chain), oldest first."""
    qs = Report.objects.filter(
        agency=agency, fiscal_year=year, state=ReportState.SUBMITTED, pending_review__isnull=True
    ).select_related("created_by")
    return access.scope_queryset(qs, user).order_by("updated_at")


def waiting_for(user) -> QuerySet[Report]:
    """Everything that waits for ``user`` now, in any agency and year, oldest first: memos at their
    step of a routing chain, memos through their chain in agencies they direct, and their own
    returned drafts (the newest version only)."""
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    # Agencies the user signs for through their own membership (the policy's APPROVE in their agency).
    directed = [m.agency_id for m, reach in access.memberships_granting(user, access.Action.APPROVE) if reach == access.OWN]
    q = Q(state=ReportState.SUBMITTED, pending_review__reviewer=user)
    q |= Q(state=ReportState.SUBMITTED, pending_review__isnull=True, agency_id__in=directed)
    q |= Q(state=ReportState.RETURNED, created_by=user)
    qs = Report.objects.filter(q, next_version__isnull=True).select_related("agency", "pending_review")
    return access.scope_queryset(qs, user).order_by("updated_at", "pk")


def report_history(report: Report) -> list[Report]:
    """All versions of the report's series, newest first."""
    return list(Report.objects.filter(series=report.series).order_by("-version"))


def report_events(report: Report) -> list:
    """The sign-off trail, oldest first, each event with ``actor_name``: the person's Thai name and
    position as the agency records them (the account name only for someone the agency does not list)."""
    events = list(report.events.select_related("actor").order_by("at", "pk"))
    names = person_names({e.actor_id for e in events if e.actor_id}, report.agency_id, with_position=True)
    for e in events:
        e.actor_name = user_label(e.actor, names) if e.actor_id else ""
    return events


def latest_rendition(report: Report, *, done_only: bool = False) -> Rendition | None:
    qs = report.renditions.order_by("-created_at", "-pk")
    if done_only:
        qs = qs.filter(status=RenditionStatus.DONE)
    return qs.first()


def final_rendition(report: Report) -> Rendition | None:
    return report.renditions.filter(is_final=True).first()


# --------------------------------------------------------------------------------------- public


def public_agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, is_active=True).first()


def published_years(*, agency: Agency) -> list[tuple[int, int]]:
    """(fiscal year, number of document series) with something published, newest year first:
    the public index of an agency (``/public/<code>/``)."""
    counts: dict[int, set] = {}
    for year, series in (
        Report.objects.filter(agency=agency, state=ReportState.PUBLISHED, agency__is_active=True)
        .values_list("fiscal_year", "series")
        .distinct()
    ):
        counts.setdefault(year, set()).add(series)
    return sorted(((year, len(s)) for year, s in counts.items()), reverse=True)


def _latest_versions(agency: Agency, year: int, *, revocations: bool = False) -> list[Report]:
    """The newest published-or-revoked version of each series of an agency and year, with its final
    renditions (``public_finals``) and, asked for, its revocations newest first (``revocations``):
    three queries at most."""
    prefetches = [
        Prefetch(
            "renditions",
            queryset=Rendition.objects.filter(is_final=True, status=RenditionStatus.DONE),
            to_attr="public_finals",
        )
    ]
    if revocations:
        prefetches.append(
            Prefetch("events", queryset=ReportEvent.objects.filter(action="revoke").order_by("-at"), to_attr="revocations")
        )
    qs = (
        Report.objects.filter(
            agency=agency, fiscal_year=year, state__in=(ReportState.PUBLISHED, ReportState.REVOKED), agency__is_active=True
        )
        .prefetch_related(*prefetches)
        .order_by("series", "-version")
    )
    out, seen = [], set()
    for report in qs:
        if report.series not in seen:
            seen.add(report.series)
            out.append(report)
    return out


def _published(latest: list[Report]) -> list[Report]:
    out = []
    for report in latest:
        if report.state != ReportState.REVOKED and report.public_finals:
            report.public_rendition = report.public_finals[0]
            out.append(report)
    out.sort(key=lambda r: r.published_at or r.updated_at, reverse=True)
    return out


def published_reports(*, agency: Agency, year: int) -> list[Report]:
    """The latest published version of each series of an agency and year, with its frozen PDF.

    A series whose newest published version was revoked is left out: revoking takes the
    document off the public page.
    """
    return _published(_latest_versions(agency, year))


def public_year(*, agency: Agency, year: int) -> tuple[list[Report], list[Report]]:
    """The public page's documents of an agency and year from one read (three queries): the latest
    published version of each series with its frozen PDF, newest first (``published_reports``), and
    the series whose newest published version was revoked, each with when (``revoked_at``), so a
    reader who saw the document knows it no longer stands."""
    latest = _latest_versions(agency, year, revocations=True)
    revoked = []
    for report in latest:
        if report.state == ReportState.REVOKED:
            report.revoked_at = report.revocations[0].at if report.revocations else report.updated_at
            revoked.append(report)
    return _published(latest), revoked


def published_in_series(*, agency: Agency, year: int, series) -> Report | None:
    """The latest published version of one series, or None (never an unpublished version)."""
    for report in published_reports(agency=agency, year=year):
        if report.series == series:
            return report
    return None


def _items_by_key(year: int, keys: set[str] | None = None, *, oit_only: bool = False) -> dict[str, list[Item]]:
    """Items of the year's frameworks by stable key; a key the year's catalogue lacks (2567 has only a
    ministry's partial checklist) is taken from the latest earlier year that has it,
    so a document still names the item it answers (O42 of 2566 for the measures plan)."""
    qs = Item.objects.filter(framework__fiscal_year__lte=year, framework__is_draft=False).select_related("framework__assessor")
    if keys is not None:
        qs = qs.filter(stable_key__in=keys)
    if oit_only:
        qs = qs.filter(kind="O")
    out: dict[str, list[Item]] = {}
    year_of_key: dict[str, int] = {}
    for item in qs.order_by("-framework__fiscal_year", "framework__assessor__code", "number"):
        key, fy = item.stable_key, item.framework.fiscal_year
        if year_of_key.setdefault(key, fy) == fy:
            out.setdefault(key, []).append(item)
    return out


def oit_item_codes(*, year: int, keys: set[str]) -> dict[str, list[Item]]:
    """For each stable item key, the items carrying it in ``year`` (or the latest earlier year): O42, …"""
    if not keys:
        return {}
    return _items_by_key(year, keys)


def oit_item_choices(*, year: int) -> list[tuple[str, str]]:
    """(stable key, "O42 title") of the OIT items for the report form: the year's, then earlier years'
    items the year's catalogue does not have, newest first."""
    items = _items_by_key(year, oit_only=True)
    ordered = sorted(items.values(), key=lambda group: (-group[0].framework.fiscal_year, group[0].number))
    return [
        (
            group[0].stable_key,
            f"{group[0].code} {group[0].title}"
            + ("" if group[0].framework.fiscal_year == year else f" ({group[0].framework.fiscal_year})"),
        )
        for group in ordered
    ]


# ---------------------------------------------------------------------------- document sources


def measures_for_document(*, agency: Agency, year: int) -> list[Measure]:
    """The agency's measures of the year with everything the documents print, in a fixed number of queries."""
    return list(
        Measure.objects.filter(agency=agency, fiscal_year=year)
        .select_related("indicator", "weakness")
        .prefetch_related(
            Prefetch("steps", queryset=MeasureStep.objects.order_by("order", "pk")),
            Prefetch("items", queryset=Item.objects.order_by("kind", "number")),
            "responsible_divisions",
            "responsible_people",
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.order_by("-reported_on", "-pk")),
            Prefetch(
                "followups", queryset=FollowUp.objects.exclude(status=FollowUpStatus.CANCELLED).order_by("starts_at", "number")
            ),
        )
        .order_by("order", "pk")
    )


@dataclass(frozen=True)
class AssessorText:
    """How a memo names who runs the assessment and what it is called."""

    name: str  # "สำนักงาน ป.ป.ช.", "สำนักงานปลัดกระทรวงศึกษาธิการ"
    assessment: str  # "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)"


#: When no catalogue is loaded at all: the national assessment, as the NACC names it.
DEFAULT_ASSESSOR = AssessorText("สำนักงาน ป.ป.ช.", "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)")


def assessor_for(*, agency: Agency, year: int) -> AssessorText:
    """The assessor of ``agency``'s assessment of fiscal ``year``, from the catalogue it answers:
    the framework of the items/indicators its measures of the year are tied to, else of its
    assessment of the year (or the year before), else the year's national catalogue. A ministry's
    own catalogue (``moe-ops``: สป.) wins over the national one where the agency answers it.
    Four queries at most."""
    from indicators.models import Framework
    from indicators.selectors import NATIONAL_ASSESSOR_CODES

    measures = Measure.objects.filter(agency=agency, fiscal_year=year)
    candidates = [
        Framework.objects.filter(Q(items__measures__in=measures) | Q(indicators__measures__in=measures)),
        Framework.objects.filter(assessments__agency=agency, fiscal_year__in=(year, year - 1)),
        Framework.objects.filter(fiscal_year=year, is_draft=False, assessor__code__in=NATIONAL_ASSESSOR_CODES),
    ]
    for qs in candidates:
        frameworks = list(qs.select_related("assessor").distinct())
        if frameworks:
            frameworks.sort(key=lambda f: (f.assessor.code in NATIONAL_ASSESSOR_CODES, -f.fiscal_year))
            return _assessor_text(frameworks[0])
    return DEFAULT_ASSESSOR


def _assessor_text(framework) -> AssessorText:
    from indicators.selectors import NATIONAL_ASSESSOR_CODES

    if framework.assessor.code in NATIONAL_ASSESSOR_CODES:
        return DEFAULT_ASSESSOR  # the NACC, named as memos name it
    # A ministry's own: "การประเมิน… ของหน่วยงานในสังกัด สป. ประจำปีงบประมาณ พ.ศ. 2567 (ข้อมูลบางส่วน)"
    # → the assessment's name without the year and the catalogue's own remark (seed 003's wording).
    assessment = re.sub(r"\s*\([^()]*\)\s*$", "", framework.name.strip())
    assessment = re.split(r"\s+ประจำปีงบประมาณ", assessment)[0].strip()
    return AssessorText(framework.assessor.name.strip(), assessment or DEFAULT_ASSESSOR.assessment)


def plan_followups(*, agency: Agency, year: int) -> list[FollowUp]:
    """Follow-up meetings of the whole plan (not tied to one measure), cancelled ones left out."""
    return list(
        FollowUp.objects.filter(agency=agency, fiscal_year=year, measure__isnull=True)
        .exclude(status=FollowUpStatus.CANCELLED)
        .order_by("starts_at", "number")
    )


def followups_for_calendar(*, agency: Agency, year: int) -> list[FollowUp]:
    """Every follow-up meeting of the year (plan and per measure), in date order."""
    return list(
        FollowUp.objects.filter(agency=agency, fiscal_year=year)
        .exclude(status=FollowUpStatus.CANCELLED)
        .select_related("measure")
        .prefetch_related("responsible_divisions", "measure__responsible_divisions")
        .order_by("starts_at", "number")
    )


def assessment_scores(*, agency: Agency, year: int) -> tuple[Assessment | None, list[IndicatorScore]]:
    """The agency's assessment of ``year`` (NACC's first if several) and its indicator scores."""
    assessment = (
        Assessment.objects.filter(agency=agency, framework__fiscal_year=year)
        .select_related("framework")
        .order_by("framework__assessor__code")
        .first()
    )
    if assessment is None:
        return None, []
    scores = list(assessment.indicator_scores.select_related("indicator").order_by("indicator__number"))
    return assessment, scores


def signer_membership(*, agency: Agency, user):
    """The user's membership in the agency (for names and positions printed in a memo)."""
    if user is None:
        return None
    return agency.memberships.filter(user=user, is_active=True).select_related("division").first()


def director_membership(*, agency: Agency):
    """The agency's (first active) director, whose name goes under the head's signature lines."""
    return agency.memberships.filter(role="director", is_active=True).order_by("pk").first()
