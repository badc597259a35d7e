"""Did a measure move its indicator? The score of each indicator or item a measure is tied to, in
the weakness year (the results the measure answers) and in the next assessment of the same
assessor, with the change.

Honest by construction: this is a change that came *with* the measure, not proof that the measure
caused it (other measures, a new catalogue, the assessors' own changes all move scores too).
Indicators and items are matched across years by ``stable_key``; a missing score is shown as
missing, never as zero. A fixed number of queries whatever the number of measures or agencies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorScore, ItemResult
from measures.models import Measure, MeasureKind


@dataclass(frozen=True)
class Effect:
    measure: Measure
    label: str
    stable_key: str
    before_year: int
    before: Decimal | None
    after_year: int | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def went_up(self) -> bool:
        return self.change is not None and self.change > 0


def _series(model, key_field: str, agency_ids: set[int], keys: set[str], assessor_ids: set[int]) -> dict:
    """(agency, assessor, stable key) → {fiscal year: score} from one query."""
    rows = model.objects.filter(
        assessment__agency_id__in=agency_ids,
        assessment__framework__assessor_id__in=assessor_ids,
        assessment__framework__is_draft=False,
        **{f"{key_field}__stable_key__in": keys},
        score__isnull=False,
    ).values_list(
        "assessment__agency_id",
        "assessment__framework__assessor_id",
        f"{key_field}__stable_key",
        "assessment__framework__fiscal_year",
        "score",
    )
    out: dict = defaultdict(dict)
    for agency_id, assessor_id, key, year, score in rows:
        out[(agency_id, assessor_id, key)][year] = score
    return out


def _effect(measure, label, key, framework, series) -> Effect:
    years = series.get((measure.agency_id, framework.assessor_id, key), {})
    before_year = framework.fiscal_year
    later = sorted(y for y in years if y > before_year)
    after_year = later[0] if later else None
    return Effect(
        measure=measure,
        label=label,
        stable_key=key,
        before_year=before_year,
        before=years.get(before_year),
        after_year=after_year,
        after=years.get(after_year) if after_year else None,
    )


def measure_effects(measures, *, prepared: bool = False) -> list[Effect]:
    """One row per (measure, indicator or item it is tied to): score before, score after, change.

    ``measures``: a queryset or list; four queries in all (measures with their indicator and
    items, indicator scores, item scores). ``prepared=True``: the measures come already read with
    ``indicator__framework`` and their ``items`` (with ``framework``) prefetched, as the measure
    page's selector reads its one measure: then only the two score queries run.
    """
    if not prepared:
        measures = list(
            Measure.objects.filter(pk__in=[m.pk for m in measures])
            .select_related("indicator__framework", "agency")
            .prefetch_related("items__framework", "items__indicator")
            .order_by("agency__path", "fiscal_year", "order", "pk")
        )
    agency_ids = {m.agency_id for m in measures}
    ind_keys = {m.indicator.stable_key for m in measures if m.indicator_id}
    item_keys = {i.stable_key for m in measures for i in m.items.all()}
    assessors = {m.indicator.framework.assessor_id for m in measures if m.indicator_id}
    assessors |= {i.framework.assessor_id for m in measures for i in m.items.all()}
    ind_series = _series(IndicatorScore, "indicator", agency_ids, ind_keys, assessors) if ind_keys else {}
    item_series = _series(ItemResult, "item", agency_ids, item_keys, assessors) if item_keys else {}
    effects = []
    for m in measures:
        if m.indicator_id:
            label = f"{m.indicator.number}. {m.indicator.name}"
            effects.append(_effect(m, label, m.indicator.stable_key, m.indicator.framework, ind_series))
        for item in m.items.all():
            effects.append(_effect(m, f"{item.code} {item.title}", item.stable_key, item.framework, item_series))
    return effects


def effects_chart(effects: list[Effect], *, before_label: str, after_label: str) -> dict:
    """Chart.js data: one group per row (before / after bars)."""
    shown = [e for e in effects if e.before is not None or e.after is not None]
    return {
        "labels": [e.label[:40] for e in shown],
        "before": [float(e.before) if e.before is not None else None for e in shown],
        "after": [float(e.after) if e.after is not None else None for e in shown],
        "beforeLabel": before_label,
        "afterLabel": after_label,
    }


@dataclass(frozen=True)
class Rollup:
    label: str
    measures: int
    with_scores: int
    went_up: int
    mean_change: Decimal | None


def effects_rollup(effects: list[Effect]) -> list[Rollup]:
    """Across an area: per indicator or item (by stable key), how many measures, how many of those
    have both scores, how many went up, and the mean change. Largest mean gain first."""
    groups: dict[str, list[Effect]] = defaultdict(list)
    for e in effects:
        groups[e.stable_key].append(e)
    out = []
    for rows in groups.values():
        changes = [e.change for e in rows if e.change is not None]
        mean = (sum(changes) / len(changes)).quantize(Decimal("0.01")) if changes else None
        out.append(Rollup(rows[0].label, len(rows), len(changes), sum(1 for c in changes if c > 0), mean))
    out.sort(key=lambda r: (r.mean_change is None, -(r.mean_change or 0), r.label))
    return out


@dataclass(frozen=True)
class KindRollup:
    kind: str
    label: str
    measures: int
    with_scores: int
    gains: int
    losses: int
    unchanged: int
    mean_change: Decimal | None


def effects_by_kind(effects: list[Effect]) -> list[KindRollup]:
    """Across an area: per kind of measure, how many measures, how many have scores before and
    after, and how many of those went with a gain, a loss or no change.

    A measure tied to several indicators/items counts once, by the mean change of its rows that
    have both scores. Kinds in the order of ``MeasureKind``, measures with no kind last.
    """
    changes: dict[int, list[Decimal]] = defaultdict(list)
    measures: dict[int, Measure] = {}
    for e in effects:
        measures[e.measure.pk] = e.measure
        if e.change is not None:
            changes[e.measure.pk].append(e.change)
    by_kind: dict[str, list] = defaultdict(list)
    for pk, measure in measures.items():
        rows = changes.get(pk)
        by_kind[measure.kind or ""].append((sum(rows) / len(rows)) if rows else None)
    labels = {**dict(MeasureKind.choices), "": _("ยังไม่ระบุประเภท")}
    out = []
    for kind in [*MeasureKind.values, ""]:
        if kind not in by_kind:
            continue
        known = [c for c in by_kind[kind] if c is not None]
        mean = (sum(known) / len(known)).quantize(Decimal("0.01")) if known else None
        out.append(
            KindRollup(
                kind=kind,
                label=str(labels[kind]),
                measures=len(by_kind[kind]),
                with_scores=len(known),
                gains=sum(1 for c in known if c > 0),
                losses=sum(1 for c in known if c < 0),
                unchanged=sum(1 for c in known if c == 0),
                mean_change=mean,
            )
        )
    return out
