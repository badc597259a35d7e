"""Reads of the scores: which framework a page is about, one agency's table, its years, an area.

Every agency-owned row is read through ``ita_portal.agencies.selectors``. On top of it this module
names the one right that is particular to scores (the policy's ``load_scores`` action): scores of an
agency may be *loaded* (typed or imported) by its staff and director and also by a supervisor of its
subtree — a supervising office loads a whole area's results at once — whereas everything else a
supervisor sees stays read-only.

Every function here costs a fixed number of queries whatever the number of agencies, indicators or
items (tests assert it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, FilteredRelation, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from indicators.grading import grade_for
from indicators.models import Assessment, Framework, ImportBatch, Indicator, IndicatorScore, Item, ItemResult
from ita_portal.agencies import selectors as agency_selectors
from ita_portal.agencies.models import Agency
from ita_portal.agencies.selectors import Action

# The national NACC assessment (``fixtures/frameworks/nacc-*.json`` use "nacc"); a year's page shows
# it unless another assessor (a ministry's variant such as "moe-ops") is asked for.
NATIONAL_ASSESSOR_CODES = ("nacc", "nacc-ita")


# --- who may load scores --------------------------------------------------------------------
# The rule itself is the access policy's ``load_scores`` action (``ita_portal.agencies.selectors``).


def can_load_scores(user, agency: Agency) -> bool:
    """Staff/director of the agency, a supervisor of a subtree holding it, or a superuser."""
    return agency_selectors.can(user, Action.LOAD_SCORES, agency)


def agencies_loadable_by(user) -> QuerySet[Agency]:
    """Agencies whose scores ``user`` may type or import (active ones only)."""
    return agency_selectors.agencies_for(user, Action.LOAD_SCORES)


def get_agency_for_scores(user, agency_id: int) -> Agency:
    """The agency if ``user`` may load its scores: 404 when unreadable, 403 when read-only."""
    return agency_selectors.get_agency_for(user, agency_id, Action.LOAD_SCORES)


def loadable_agencies_below(user, root: Agency) -> QuerySet[Agency]:
    """Agencies of ``root``'s subtree whose scores ``user`` may load, in tree order."""
    return agencies_loadable_by(user).filter(path__startswith=root.path).order_by("path", "name")


# --- import batches -----------------------------------------------------------------------------


def recent_import_batches(agency: Agency, year: int, limit: int = 10) -> QuerySet[ImportBatch]:
    """The agency's latest uploads of a year (newest first, the file content left unread)."""
    return ImportBatch.objects.filter(agency=agency, fiscal_year=year).select_related("uploaded_by").defer("content")[:limit]


def import_batch_for(user, agency_id: int, year: int, batch_id: int) -> ImportBatch:
    """An upload of an agency's year, for someone who may load its scores (404 / 403 otherwise)."""
    agency = get_agency_for_scores(user, agency_id)
    try:
        return ImportBatch.objects.select_related("agency", "uploaded_by").get(pk=batch_id, agency=agency, fiscal_year=year)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


# --- frameworks -------------------------------------------------------------------------------


def frameworks_of_year(year: int) -> list[Framework]:
    """Every framework of a fiscal year, the national one first."""
    frameworks = list(Framework.objects.filter(fiscal_year=year).select_related("assessor"))
    frameworks.sort(key=lambda f: (f.assessor.code not in NATIONAL_ASSESSOR_CODES, f.assessor.code))
    return frameworks


def framework_for(year: int, assessor_code: str | None = None) -> Framework | None:
    """The framework a page of ``year`` is about: the asked assessor's, else the national one."""
    frameworks = frameworks_of_year(year)
    if assessor_code:
        frameworks = [f for f in frameworks if f.assessor.code == assessor_code]
    return frameworks[0] if frameworks else None


def framework_catalogue(framework: Framework) -> tuple[list[Indicator], list[Item]]:
    """Indicators (by number) and OIT/other items (by code) of a framework: two queries."""
    indicators = list(framework.indicators.order_by("number"))
    items = list(framework.items.select_related("indicator").order_by("indicator__number", "kind", "number"))
    return indicators, items


def assessment_of(agency: Agency, framework: Framework) -> Assessment | None:
    """The agency's assessment in a framework with its scores and item results (three queries)."""
    return (
        Assessment.objects.filter(agency=agency, framework=framework)
        .select_related("framework", "updated_by")
        .prefetch_related(
            Prefetch("indicator_scores", queryset=IndicatorScore.objects.all()),
            Prefetch("item_results", queryset=ItemResult.objects.all()),
        )
        .first()
    )


# --- one agency's ranked table (seed 001) ------------------------------------------------------


@dataclass
class RankedRow:
    rank: int
    indicator: Indicator
    score: Decimal
    grade: str
    passed: bool


def ranked_rows(indicators: list[Indicator], assessment: Assessment | None, pass_mark: Decimal) -> list[RankedRow]:
    """Indicators with a score, best first (ties by indicator number), ranked 1…n as in seed 001."""
    if assessment is None:
        return []
    scores = {s.indicator_id: s.score for s in assessment.indicator_scores.all()}
    scored = [ind for ind in indicators if ind.pk in scores]
    scored.sort(key=lambda ind: (-scores[ind.pk], ind.number))
    return [
        RankedRow(
            rank=n, indicator=ind, score=scores[ind.pk], grade=grade_for(scores[ind.pk]), passed=scores[ind.pk] >= pass_mark
        )
        for n, ind in enumerate(scored, start=1)
    ]


# --- year over year --------------------------------------------------------------------------


@dataclass
class TrendRow:
    stable_key: str
    number: int
    name: str
    scores: dict[int, Decimal | None] = field(default_factory=dict)
    changes: dict[int, Decimal | None] = field(default_factory=dict)


@dataclass
class Trend:
    years: list[int]
    rows: list[TrendRow]
    overall: dict[int, Decimal | None]


def year_over_year(agency: Agency, assessor_id: int, up_to_year: int, span: int = 5) -> Trend:
    """Indicator scores of the agency over the last ``span`` years up to ``up_to_year``.

    Indicators are matched across years by ``stable_key`` (their numbers or names may change); the
    change is against the previous year shown. Two queries.
    """
    assessments = list(
        Assessment.objects.filter(agency=agency, framework__assessor_id=assessor_id, framework__fiscal_year__lte=up_to_year)
        .select_related("framework")
        .order_by("-framework__fiscal_year")[:span]
    )
    assessments.reverse()
    years = [a.framework.fiscal_year for a in assessments]
    scores = IndicatorScore.objects.filter(assessment__in=[a.pk for a in assessments]).select_related(
        "indicator", "assessment__framework"
    )
    rows: dict[str, TrendRow] = {}
    named_in: dict[str, int] = {}
    for s in scores:
        year = s.assessment.framework.fiscal_year
        key = s.indicator.stable_key
        row = rows.setdefault(key, TrendRow(key, s.indicator.number, s.indicator.name))
        if year >= named_in.get(key, 0):  # the latest year names the row
            row.number, row.name = s.indicator.number, s.indicator.name
            named_in[key] = year
        row.scores[year] = s.score
    for row in rows.values():
        # Both dicts in year order: templates and exports iterate them as table columns.
        row.scores = {year: row.scores.get(year) for year in years}
        previous = None
        for year in years:
            value = row.scores[year]
            row.changes[year] = value - previous if value is not None and previous is not None else None
            if value is not None:
                previous = value
    return Trend(
        years=years,
        rows=sorted(rows.values(), key=lambda r: r.number),
        overall={a.framework.fiscal_year: a.overall_score for a in assessments},
    )


# --- supervisor's area -------------------------------------------------------------------------

SCORE_FIELD = DecimalField(max_digits=5, decimal_places=2)

AREA_SORTS = {
    "name": (F("name").asc(), "pk"),
    "-name": (F("name").desc(), "-pk"),
    "code": (F("code").asc(),),
    "-code": (F("code").desc(),),
    # Agencies without a score go last whichever way the column is sorted (same on SQLite and PostgreSQL).
    "score": (F("overall").asc(nulls_last=True), "name"),
    "-score": (F("overall").desc(nulls_last=True), "name"),
    "weakest": (F("weakest_sort").asc(nulls_last=True), "name"),
    "-weakest": (F("weakest_sort").desc(nulls_last=True), "name"),
    "done": (F("done_sort").asc(), "name"),
    "-done": (F("done_sort").desc(), "name"),
}


def area_agencies(user, root: Agency, framework: Framework | None, year: int) -> QuerySet[Agency]:
    """Every agency of ``root``'s subtree the user may read, with the year's ``overall``, ``grade``
    and ``passed`` (one LEFT JOIN: an agency has at most one assessment per framework).

    The weakest indicator and the measure counts are shown for one page of agencies only, so
    they are read for that page by :func:`area_details`; as sort keys (``weakest_sort``,
    ``done_sort``) they are aliases, computed by the database only when the list is sorted by them.
    """
    from measures.models import Measure, MeasureStatus  # measures sits above indicators; read-only use

    qs = agency_selectors.scope_queryset(Agency.objects.all(), user, "").filter(path__startswith=root.path, is_active=True)
    weakest = IndicatorScore.objects.filter(assessment__agency=OuterRef("pk"), assessment__framework=framework).order_by(
        "score", "indicator__number"
    )
    done = (
        Measure.objects.filter(agency=OuterRef("pk"), fiscal_year=year, status=MeasureStatus.DONE)
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        year_assessment=FilteredRelation("assessments", condition=Q(assessments__framework=framework)),
        overall=F("year_assessment__overall_score"),
        grade=F("year_assessment__grade"),
        passed=F("year_assessment__passed"),
    ).alias(
        weakest_sort=Subquery(weakest.values("score")[:1], output_field=SCORE_FIELD),
        done_sort=Coalesce(Subquery(done, output_field=IntegerField()), 0),
    )


def area_details(agencies: list[Agency], framework: Framework | None, year: int) -> list[Agency]:
    """Set ``weakest_number``, ``weakest_name``, ``weakest_score``, ``measures_total`` and
    ``measures_<status>`` on ``agencies`` (one page of :func:`area_agencies`). Two queries."""
    from measures.models import Measure, MeasureStatus

    ids = [a.pk for a in agencies]
    weakest: dict[int, dict] = {}
    if ids and framework is not None:
        rows = (
            IndicatorScore.objects.filter(assessment__agency_id__in=ids, assessment__framework=framework)
            .order_by("assessment__agency_id", "score", "indicator__number")
            .values("assessment__agency_id", "score", "indicator__number", "indicator__name")
        )
        for row in rows:
            weakest.setdefault(row["assessment__agency_id"], row)
    counts: dict[tuple[int, str], int] = {}
    if ids:
        rows = Measure.objects.filter(agency_id__in=ids, fiscal_year=year).order_by().values_list("agency_id", "status")
        for agency_id, status, n in rows.annotate(n=Count("pk")):
            counts[(agency_id, status)] = n
    for a in agencies:
        w = weakest.get(a.pk)
        a.weakest_number = w["indicator__number"] if w else None
        a.weakest_name = w["indicator__name"] if w else None
        a.weakest_score = w["score"] if w else None
        for status in MeasureStatus.values:
            setattr(a, f"measures_{status}", counts.get((a.pk, status), 0))
        a.measures_total = sum(counts.get((a.pk, status), 0) for status in MeasureStatus.values)
    return agencies


def filter_area(qs: QuerySet[Agency], *, q: str = "", grade: str = "", result: str = "", sort: str = "name") -> QuerySet[Agency]:
    """Apply the area dashboard's filters (text, grade, passed/failed/missing) and sort."""
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    if grade:
        qs = qs.filter(grade=grade)
    if result == "passed":
        qs = qs.filter(passed=True)
    elif result == "failed":
        qs = qs.filter(passed=False)
    elif result == "missing":
        qs = qs.filter(overall__isnull=True)
    return qs.order_by(*AREA_SORTS.get(sort, AREA_SORTS["name"]))
