"""A supervisor's area: every agency below with its score of the year and its measures, read
through ``ita_portal.agencies.selectors``; a page costs a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from indicators.models import Framework, IndicatorScore
from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency
from measures.models import Measure, MeasureStatus

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
    """Every agency of ``root``'s subtree the user may read, with the year's ``overall``, ``grade``,
    ``passed`` and instrument scores ``iit``/``eit``/``oit`` (for the rating bands of 2568 on,
    ``indicators.rating``) — one LEFT JOIN: an agency has at most one assessment per framework.

    The weakest indicator and the measure counts are shown for one page of agencies only, so
    they are read for that page by :func:`area_details`; as sort keys (``weakest_sort``,
    ``done_sort``) they are aliases, computed by the database only when the list is sorted by them.
    """
    qs = selectors.scope_queryset(Agency.objects.all(), user, "").filter(path__startswith=root.path, is_active=True)
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
        iit=F("year_assessment__iit_score"),
        eit=F("year_assessment__eit_score"),
        oit=F("year_assessment__oit_score"),
    ).alias(
        weakest_sort=Subquery(weakest.values("score")[:1], output_field=SCORE_FIELD),
        done_sort=Coalesce(Subquery(done, output_field=IntegerField()), 0),
    )


def area_details(agencies: list[Agency], framework: Framework | None, year: int) -> list[Agency]:
    """Set ``weakest_number``, ``weakest_name``, ``weakest_score``, ``measures_total`` and
    ``measures_<status>`` on ``agencies`` (one page of :func:`area_agencies`). Two queries."""
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
