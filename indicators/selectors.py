"""Reads of the scores: which framework a page is about, one agency's table, its years.

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

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from indicators.grading import grade_for
from indicators.models import Assessment, Framework, ImportBatch, Indicator, IndicatorScore, Item, ItemResult
from ita_portal.agencies import selectors as agency_selectors
from ita_portal.agencies.models import Agency
from ita_portal.agencies.selectors import Action
from ita_portal.cache import remember

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
    """Every confirmed framework of a fiscal year with its assessor, the national one first. Read
    by most pages (the year's catalogue, its grade bands, the measures' catalogue notice), so
    cached under the catalogue's generation, which every change of a framework, indicator, item or
    assessor bumps (``indicators.portal.catalogue_changed``): one query on a miss, none on a hit;
    each call gets its own objects (the cache unpickles)."""
    from indicators.portal import CATALOGUE

    def build() -> list[Framework]:
        frameworks = list(Framework.objects.filter(fiscal_year=year, is_draft=False).select_related("assessor"))
        frameworks.sort(key=lambda f: (f.assessor.code not in NATIONAL_ASSESSOR_CODES, f.assessor.code))
        return frameworks

    return remember(CATALOGUE, f"year:{int(year)}", build)


def framework_for(year: int, assessor_code: str | None = None) -> Framework | None:
    """The framework a page of ``year`` is about: the asked assessor's, else the national one."""
    frameworks = frameworks_of_year(year)
    if assessor_code:
        frameworks = [f for f in frameworks if f.assessor.code == assessor_code]
    return frameworks[0] if frameworks else None


def frameworks_answered_by_measures(measures_year: int) -> list[Framework]:
    """The catalogue(s) a measure of ``measures_year`` is chosen from: the results it answers.

    Measures of year Y answer the weaknesses of year Y-1's results (seed 003: "ผลการประเมิน ITA
    ปี 2567 ไปสู่การปรับปรุงการดำเนินงานของปี 2568"), so their indicators and items are those of
    Y-1's confirmed catalogues. When Y-1 has no national catalogue (the NACC published no 2567
    list; agencies kept using 2566's codes) the latest earlier national one is added, so a
    ministry's partial list never stands alone. Two or three queries.
    """
    frameworks = frameworks_of_year(measures_year - 1)
    if any(f.assessor.code in NATIONAL_ASSESSOR_CODES for f in frameworks):
        return frameworks
    national = (
        Framework.objects.filter(fiscal_year__lt=measures_year - 1, is_draft=False, assessor__code__in=NATIONAL_ASSESSOR_CODES)
        .select_related("assessor")
        .order_by("-fiscal_year")
        .first()
    )
    return [*frameworks, national] if national else frameworks


def framework_catalogue(framework: Framework) -> tuple[list[Indicator], list[Item]]:
    """Indicators (by number) and OIT/other items (by code) of a framework. Read by every score
    page and the same all year: cached under the catalogue's generation, which every change of a
    framework, indicator, item or assessor bumps (``indicators.portal.catalogue_changed``); two
    queries on a miss, none on a hit. Each call gets its own objects (the cache unpickles)."""
    from indicators.portal import CATALOGUE

    def build() -> tuple[list[Indicator], list[Item]]:
        indicators = list(framework.indicators.order_by("number"))
        items = list(framework.items.select_related("indicator").order_by("indicator__number", "kind", "number"))
        return indicators, items

    return remember(CATALOGUE, f"framework:{framework.pk}", build)


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
