"""What the measures app adds to the shared shell (``ita_portal.agencies``, ``ita_portal.mail``), from
``AppConfig.ready()``: navigation entries (weaknesses, measures, follow-up), the supervisor's area
page, the measures and next-meeting boxes of the home and agency pages, the models that tell
which year an agency works in, and the periodic tasks of reminders and the weekly digest."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators import score_panels
from ita_portal.agencies import dashboard, navigation, selectors
from ita_portal.mail.schedule import PeriodicEntry, periodic_task_register
from measures.effects import effects_chart, measure_effects
from measures.models import FollowUp, FollowUpStatus, Measure, MeasureStatus

SWEEP_NAME = "ITA: ส่งการแจ้งเตือนการกำกับติดตาม (ทุก 5 นาที)"
DIGEST_NAME = "ITA: สรุปรายสัปดาห์ถึงผู้อำนวยการ (วันจันทร์ 07:00)"


@dataclass
class StatusCount:
    value: str
    label: str
    count: int


def measure_facts(user, agency_ids: list[int], year: int) -> dict[int, dict]:
    """Per agency: the year's measures counted by status (every status, zeros included) and in all. One query."""
    counts: dict[tuple[int, str], int] = {}
    rows = (
        selectors.scope_queryset(Measure.objects.filter(agency_id__in=agency_ids, fiscal_year=year), user)
        .order_by()
        .values_list("agency_id", "status")
        .annotate(n=Count("pk"))
    )
    for agency_id, status, n in rows:
        counts[(agency_id, status)] = n
    facts = {}
    for agency_id in agency_ids:
        statuses = [StatusCount(value, str(label), counts.get((agency_id, value), 0)) for value, label in MeasureStatus.choices]
        facts[agency_id] = {"counts": statuses, "total": sum(c.count for c in statuses)}
    return facts


def next_followup_facts(user, agency_ids: list[int], year: int) -> dict[int, FollowUp]:
    """Per agency that has one: its next scheduled follow-up meeting of the year. Two queries."""
    upcoming = selectors.scope_queryset(
        FollowUp.objects.filter(fiscal_year=year, status=FollowUpStatus.SCHEDULED, starts_at__gte=timezone.now()), user
    )
    next_ids = (
        selectors.agencies_visible_to(user)
        .filter(pk__in=agency_ids)
        .annotate(next_id=Subquery(upcoming.filter(agency_id=OuterRef("pk")).order_by("starts_at", "pk").values("pk")[:1]))
        .exclude(next_id=None)
        .values_list("next_id", flat=True)
    )
    return {f.agency_id: f for f in FollowUp.objects.filter(pk__in=Subquery(next_ids)).select_related("measure")}


def effects_facts(user, agency, year: int, page: str) -> dict | None:
    """The scores pages' "did a measure move its indicator?" box: on the year's table the measures
    of ``year`` (their weakness year's score and this year's), on the year-over-year page every
    measure up to ``year``. None when there is none. Five queries at most (``measure_effects``)."""
    years = {"fiscal_year": year} if page == score_panels.DASHBOARD else {"fiscal_year__lte": year}
    measures = selectors.scope_queryset(Measure.objects.filter(agency=agency, **years), user)
    effects = measure_effects(measures)
    if not effects:
        return None
    chart = effects_chart(effects, before_label=_("คะแนนปีที่พบจุดอ่อน"), after_label=_("คะแนนการประเมินครั้งถัดไป"))
    return {"agency": agency, "year": year, "effects": effects, "chart": chart, "all_years": page == score_panels.TREND}


def register() -> None:
    navigation.section_register(navigation.Section(_("จุดอ่อน"), "bi-exclamation-triangle", ("weaknesses:weaknesses",), order=20))
    navigation.section_register(navigation.Section(_("มาตรการ"), "bi-list-check", ("measures:measure_list",), order=30))
    navigation.section_register(navigation.Section(_("การกำกับติดตาม"), "bi-calendar-event", ("measures:followup_list",), order=40))
    navigation.supervision_page_register("area:area")
    dashboard.card_register(dashboard.Card(order=20, template="measures/_summary_card_measures.html", facts=measure_facts))
    dashboard.card_register(dashboard.Card(order=30, template="measures/_summary_card_followup.html", facts=next_followup_facts))
    dashboard.activity_register(Measure, FollowUp)
    score_panels.panel_register(
        score_panels.Panel(
            order=10, template="measures/_scores_effects.html", facts=effects_facts, scripts=("js/effects-chart.js",)
        )
    )
    periodic_task_register(PeriodicEntry(SWEEP_NAME, "measures.reminders_sweep", every_minutes=5))
    periodic_task_register(
        PeriodicEntry(DIGEST_NAME, "measures.director_digest", crontab={"minute": "0", "hour": "7", "day_of_week": "1"})
    )
