"""The demo's current cycle (``fixtures/demo/cycle.json``, made-up demo data): 2568 and 2569 scores
with OIT item results, the weaknesses the system proposes from 2569, and a 2570 plan in progress,
so that ``make run`` opens on the fiscal year people are in (2570 from 1 Oct 2026).

Written through the apps' services like the rest of ``demo.data``; loading again changes
nothing (assessments are upserts, proposals skip what exists, measures and meetings are matched by
title and start).
"""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Framework
from indicators.services import ItemInput, assessment_save_scores
from ita_portal.agencies.models import Agency, Membership
from ita_portal.thai import parse_be_date
from measures.models import FollowUp, FollowUpStatus, Measure, Weakness, WeaknessStatus
from measures.services import (
    followup_create,
    followup_record_minutes,
    measure_create,
    progress_record,
    step_set_done,
    weakness_set_status,
    weaknesses_propose,
)


def _framework(year: int, load) -> Framework:
    return load(year, "nacc")


def _load_assessments(rows: list[dict], agencies: dict[str, Agency], load) -> dict[tuple[str, int], object]:
    out = {}
    for row in rows:
        framework = _framework(row["fiscal_year"], load)
        indicators = dict(framework.indicators.values_list("number", "pk"))
        codes = {item.code: item.pk for item in framework.items.all()}
        out[(row["agency"], row["fiscal_year"])] = assessment_save_scores(
            agency=agencies[row["agency"]],
            framework=framework,
            scores={indicators[int(n)]: Decimal(str(v)) for n, v in row["scores"].items()},
            items={codes[code]: ItemInput(passed=passed) for code, passed in row["items"].items()},
            note="ข้อมูลสมมติสำหรับสาธิต",
        )
    return out


def _weakness_for(agency: Agency, year: int, row: dict) -> Weakness | None:
    qs = Weakness.objects.filter(agency=agency, fiscal_year=year).select_related("indicator", "item")
    if row.get("weakness_item"):
        kind, number = row["weakness_item"][0], int(row["weakness_item"][1:])
        return qs.filter(item__kind=kind, item__number=number).first()
    return qs.filter(item__isnull=True, indicator__number=row["weakness_indicator"]).first()


def _load_plan(plan: dict, agencies: dict[str, Agency], divisions: dict, members: dict[str, Membership], meetings) -> None:
    code, year = plan["agency"], plan["fiscal_year"]
    agency, user = agencies[code], members[plan["user"]].user
    for row in plan["measures"]:
        if Measure.objects.filter(agency=agency, fiscal_year=year, title=row["title"]).exists():
            continue
        weakness = _weakness_for(agency, year, row)
        if weakness is not None and weakness.status == WeaknessStatus.PROPOSED:
            weakness_set_status(weakness=weakness, status=WeaknessStatus.CONFIRMED)
        measure = measure_create(
            agency=agency,
            fiscal_year=year,
            title=row["title"],
            kind=row.get("kind", ""),
            user=user,
            weakness=weakness,
            steps=row["steps"],
            responsible_divisions=[divisions[(code, name)] for name in row["responsible_divisions"]],
            start_date=parse_be_date(row["start_date"]),
            end_date=parse_be_date(row["end_date"]),
            period_text=row.get("period_text", ""),
        )
        for step in measure.steps.order_by("order")[: row.get("done_steps", 0)]:
            step_set_done(step=step, done=True, user=user)
        for progress in row.get("progress", []):
            progress_record(
                measure=measure,
                reported_on=parse_be_date(progress["reported_on"]),
                status=progress["status"],
                user=user,
                **{k: progress[k] for k in ("percent_complete", "result_summary", "obstacles") if k in progress},
            )
    for row in plan.get("followups", []):
        starts_at = meetings(row["date"], row["time"])
        followup = FollowUp.objects.filter(agency=agency, fiscal_year=year, measure=None, starts_at=starts_at).first()
        if followup is None:
            followup = followup_create(agency=agency, fiscal_year=year, starts_at=starts_at, title=row["title"], user=user)
        if row.get("held") and followup.status == FollowUpStatus.SCHEDULED:
            followup_record_minutes(followup=followup, minutes="ที่ประชุมรับทราบความก้าวหน้าของมาตรการ (ข้อมูลสมมติ)", held=True)


def load_cycle(data: dict, agencies: dict[str, Agency], divisions: dict, members: dict[str, Membership], *, load, when) -> None:
    """Scores of 2568/2569, weaknesses proposed from 2569 and the 2570 plan of ``data``.

    ``load(year, assessor)`` returns (loading if needed) a framework; ``when(date, time)`` turns a
    BE date and a time into an aware datetime — both the demo loader's own helpers.
    """
    assessments = _load_assessments(data["assessments"], agencies, load)
    for (_code, year), assessment in assessments.items():
        if year == 2569:
            weaknesses_propose(assessment=assessment, user=None)
    for plan in data["plans"]:
        _load_plan(plan, agencies, divisions, members, when)
