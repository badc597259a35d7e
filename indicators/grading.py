"""Grades, pass/fail and the weighted overall score: the one place these numbers are computed.

Bands (NACC, ``ita_reference.md`` §1): AA 95–100 · A 85–94.99 · B 75–84.99 · C 65–74.99 ·
D 55–64.99 · E 50–54.99 · F 0–49.99. Scores carry two decimals, so a band's upper edge is the next
band's lower edge minus 0.01 and the comparison is simply "≥ lower edge".

Weights come from the framework of the year (``Framework.iit_weight`` / ``eit_weight`` /
``oit_weight``) and from ``Indicator.weight``: an indicator with a weight keeps it, the others share
what is left of their instrument's weight equally. The overall score is the weighted mean of the
indicator scores; an instrument score is the weighted mean of its own indicators. Nothing here is
typed by users: ``indicators.services.assessment_recompute`` stores the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from indicators.models import Grade, Instrument

TWO_PLACES = Decimal("0.01")

# Lower edge of each band, best first. The data is the NACC's published scale, the same every year.
GRADE_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("95"), Grade.AA),
    (Decimal("85"), Grade.A),
    (Decimal("75"), Grade.B),
    (Decimal("65"), Grade.C),
    (Decimal("55"), Grade.D),
    (Decimal("50"), Grade.E),
    (Decimal("0"), Grade.F),
)


def round_score(value: Decimal) -> Decimal:
    """Two decimals, half up — the way ITAS prints scores (93.165 → 93.17)."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade_for(score: Decimal | int | float | str) -> str:
    """The letter grade of a 0–100 score: ``grade_for(94.99) == "A"``, ``grade_for(95) == "AA"``."""
    value = round_score(Decimal(str(score)))
    if value < 0 or value > 100:
        raise ValueError(f"score out of range 0–100: {score}")
    for lower, grade in GRADE_BANDS:
        if value >= lower:
            return str(grade)
    raise AssertionError("unreachable: the last band starts at 0")  # pragma: no cover


def passed(score: Decimal | int | float | str | None, pass_mark: Decimal | int | str) -> bool | None:
    """True when the score reaches the pass mark (85 → AA or A); None when there is no score."""
    if score is None:
        return None
    return round_score(Decimal(str(score))) >= Decimal(str(pass_mark))


@dataclass(frozen=True)
class WeightedIndicator:
    """What the computation needs of an indicator: id, instrument and its explicit weight (or None)."""

    id: int
    instrument: str
    weight: Decimal | None


def indicator_weights(indicators: Iterable[WeightedIndicator], instrument_weights: Mapping[str, Decimal]) -> dict[int, Decimal]:
    """Effective weight of every indicator: explicit weights kept, the rest share their instrument's remainder."""
    by_instrument: dict[str, list[WeightedIndicator]] = {}
    for ind in indicators:
        by_instrument.setdefault(ind.instrument, []).append(ind)
    weights: dict[int, Decimal] = {}
    for instrument, members in by_instrument.items():
        explicit = [m for m in members if m.weight is not None]
        implicit = [m for m in members if m.weight is None]
        for m in explicit:
            weights[m.id] = Decimal(m.weight)
        if implicit:
            rest = Decimal(instrument_weights.get(instrument, Decimal("0"))) - sum(
                (Decimal(m.weight) for m in explicit), Decimal("0")
            )
            share = max(rest, Decimal("0")) / len(implicit)
            for m in implicit:
                weights[m.id] = share
    return weights


def _weighted_mean(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    total_weight = sum((w for w, _ in pairs), Decimal("0"))
    if not pairs or total_weight == 0:
        return None
    return round_score(sum((w * s for w, s in pairs), Decimal("0")) / total_weight)


@dataclass(frozen=True)
class ScoreSummary:
    overall: Decimal | None
    instruments: dict[str, Decimal | None]
    grade: str
    passed: bool | None


def overall_score(
    *,
    indicators: Iterable[WeightedIndicator],
    scores: Mapping[int, Decimal],
    instrument_weights: Mapping[str, Decimal],
    pass_mark: Decimal,
) -> ScoreSummary:
    """Instrument scores, overall score, grade and pass from indicator scores keyed by indicator id.

    An instrument score exists once all its indicators are scored; the overall score once every
    indicator is. Until then the grade is blank and pass is None, so a half-entered year never
    shows a grade it has not earned.
    """
    indicators = list(indicators)
    weights = indicator_weights(indicators, instrument_weights)
    return summarize(indicators=indicators, weights=weights, scores=scores, pass_mark=pass_mark)


def summarize(
    *, indicators: list[WeightedIndicator], weights: Mapping[int, Decimal], scores: Mapping[int, Decimal], pass_mark: Decimal
) -> ScoreSummary:
    """``overall_score`` with the weights already worked out (an import computes them once per framework)."""
    instruments: dict[str, Decimal | None] = {}
    for instrument in Instrument.values:
        members = [i for i in indicators if i.instrument == instrument]
        if members and all(i.id in scores for i in members):
            instruments[instrument] = _weighted_mean([(weights[i.id], Decimal(scores[i.id])) for i in members])
        else:
            instruments[instrument] = None
    overall = None
    if indicators and all(i.id in scores for i in indicators):
        overall = _weighted_mean([(weights[i.id], Decimal(scores[i.id])) for i in indicators])
    return ScoreSummary(
        overall=overall,
        instruments=instruments,
        grade=grade_for(overall) if overall is not None else "",
        passed=passed(overall, pass_mark),
    )


def weighted_indicators(indicators) -> list[WeightedIndicator]:
    """``WeightedIndicator`` rows from ``Indicator`` model instances."""
    return [WeightedIndicator(id=i.pk, instrument=i.instrument, weight=i.weight) for i in indicators]


def framework_instrument_weights(framework) -> dict[str, Decimal]:
    """The year's instrument weights as a mapping ``{"IIT": 30, "EIT": 30, "OIT": 40}``."""
    return {
        Instrument.IIT: framework.iit_weight,
        Instrument.EIT: framework.eit_weight,
        Instrument.OIT: framework.oit_weight,
    }
