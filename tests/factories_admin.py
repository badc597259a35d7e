"""Factories for the admin tests: one row of every model of the four apps for an agency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone

from indicators.models import Assessment, IndicatorScore, ItemResult
from ita_portal.agencies.models import Agency
from measures.models import Evidence, FollowUp, MeasureStep, ProgressUpdate, Reminder
from reports.models import DocumentSequence, Rendition, Report, ReportEvent, ReportKind, ReportState
from tests.factories import DivisionFactory, MeasureFactory, WeaknessFactory, make_framework


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    framework = factory.LazyFunction(lambda: make_framework(2566))
    overall_score = Decimal("82.50")
    grade = "B"
    passed = False


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    fiscal_year = 2567
    kind = ReportKind.MEASURES_PLAN
    subject = factory.Sequence(lambda n: f"รายงานมาตรการทดสอบ {n}")
    addressee = "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"
    body = "ตามที่ …"


@dataclass
class AgencyRows:
    assessment: Assessment
    measure: object
    report: Report
    event: ReportEvent
    rendition: Rendition


def rows_for(agency: Agency, tag: str) -> AgencyRows:
    """Every kind of agency-owned row for ``agency``; text carries ``tag`` so tests can find it."""
    framework = make_framework(2566)
    assessment = AssessmentFactory(agency=agency, framework=framework, note=f"ผลประเมิน {tag}")
    indicator = framework.indicators.get(number=9)
    item = framework.items.first()
    IndicatorScore.objects.create(assessment=assessment, indicator=indicator, score=Decimal("70"))
    ItemResult.objects.create(assessment=assessment, item=item, passed=False, remark=f"ไม่พบข้อมูล {tag}")
    division = agency.divisions.first() or DivisionFactory(agency=agency)
    weakness = WeaknessFactory(agency=agency, title=f"จุดอ่อน {tag}", assessment=assessment, indicator=indicator, item=item)
    measure = MeasureFactory(agency=agency, title=f"มาตรการ {tag}", weakness=weakness)
    measure.responsible_divisions.add(division)
    MeasureStep.objects.create(measure=measure, order=1, text=f"ขั้นตอน {tag}", due_date=dt.date(2024, 6, 30))
    followup = FollowUp.objects.create(
        agency=agency,
        fiscal_year=2567,
        measure=measure,
        number=1,
        title=f"ประชุมติดตาม {tag}",
        starts_at=timezone.make_aware(dt.datetime(2024, 6, 15, 9, 0)),
    )
    Reminder.objects.create(followup=followup, lead_days=7, due_at=timezone.make_aware(dt.datetime(2024, 6, 8, 8, 0)))
    progress = ProgressUpdate.objects.create(
        measure=measure, reported_on=dt.date(2024, 7, 1), status="in_progress", result_summary=f"ความก้าวหน้า {tag}"
    )
    Evidence.objects.create(measure=measure, progress=progress, kind="link", title=f"หลักฐาน {tag}", url="https://example.go.th/e")
    DocumentSequence.objects.create(agency=agency, fiscal_year=2567, last_number=3)
    report = ReportFactory(agency=agency, subject=f"รายงาน {tag}")
    event = ReportEvent.objects.create(report=report, action="create", to_state=ReportState.DRAFT, note=f"สร้าง {tag}")
    rendition = Rendition.objects.create(report=report, status="done", sha256="a" * 64, pages=2, size=1000)
    return AgencyRows(assessment=assessment, measure=measure, report=report, event=event, rendition=rendition)
