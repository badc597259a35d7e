"""Report fixtures: demo-like portal data drawn from the seed documents, and reports in any state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from indicators.models import Assessment, IndicatorScore, Item
from ita_portal.agencies.models import Agency, Division, Membership
from measures.models import FollowUp, Measure, MeasureStatus, MeasureStep, ProgressUpdate
from tests.factories import make_framework

SCORES_BEFORE = [95.67, 88.69, 93.91, 90.22, 89.66, 96.04, 94.40, 93.79, 76.28, 100]
SCORES_AFTER = [96.10, 94.54, 94.00, 91.00, 90.12, 96.50, 95.00, 94.10, 92.50, 100]

MEASURES = [
    {
        "issue_heading": "ประเด็นที่ ๑.๑ กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ",
        "title": "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงานให้ครอบคลุมประเด็นที่กำหนด",
        "weakness_text": "คู่มือหรือมาตรฐานการปฏิบัติงาน ยังไม่ครอบคลุมประเด็นรายละเอียดตามที่กำหนด",
        "improvement_text": "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน ให้ครอบคลุมประเด็น รายละเอียดตามที่กำหนด อย่างน้อย ๓ กระบวนงาน",
        "steps": [
            "แต่งตั้งคณะทำงานฯ ผู้รับผิดชอบการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน",
            "กำหนดการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน อย่างน้อย ๓ กระบวนงาน",
            "รวบรวมและตรวจสอบคู่มือหรือมาตรฐานการปฏิบัติงานให้ถูกต้อง",
            "เผยแพร่บนเว็บไซต์ของหน่วยงาน",
        ],
        "monitoring_approach": "กลุ่มบริหารงานบุคคล ฝ่ายเลขานุการ กำกับติดตามการดำเนินงานทุก ๑๕ วัน โดยแบบติดตามผ่านกลุ่มไลน์ ITA",
        "objective": "เพื่อให้บุคลากรปฏิบัติงานตามมาตรฐานเดียวกัน โปร่งใส ตรวจสอบได้",
        "target_quantity": "คู่มือการปฏิบัติงาน อย่างน้อย ๓ กระบวนงาน",
        "target_quality": "บุคลากรปฏิบัติงานได้ถูกต้องตามคู่มือ",
        "status": MeasureStatus.DONE,
        "limitations": "",
        "budget": Decimal("10000"),
    },
    {
        "issue_heading": "ประเด็นที่ ๑.๒ การให้บริการและระบบ E-Service",
        "title": "จัดทำข้อมูลเชิงสถิติการให้บริการให้ครอบคลุมช่องทาง E-Service",
        "weakness_text": "ข้อมูลเชิงสถิติการให้บริการ ยังไม่ครอบคลุมช่องทาง E – Service",
        "improvement_text": "ข้อมูลเชิงสถิติการให้บริการครอบคลุมทั้งการให้บริการ ณ จุดให้บริการ และ E – Service",
        "steps": [
            "สำรวจช่องทางการใช้บริการทาง E – Service ของหน่วยงาน",
            "ออกแบบ และจัดทำแบบเก็บรวบรวมข้อมูล",
            "ประสานกลุ่มงาน/ผู้รับผิดชอบรายงานข้อมูลเชิงสถิติการให้บริการที่รับผิดชอบ",
        ],
        "monitoring_approach": "ประชุมติดตามความก้าวหน้าเป็นรายเดือน",
        "objective": "เพื่อให้ผู้รับบริการเข้าถึงข้อมูลการให้บริการได้ครบถ้วน",
        "target_quantity": "สถิติการให้บริการรายเดือน ๑๒ เดือน",
        "target_quality": "",
        "status": MeasureStatus.IN_PROGRESS,
        "limitations": "งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ",
        "budget": Decimal("0"),
    },
]


def make_demo_data(agency: Agency, year: int = 2567, *, measures: int = 2, division: Division | None = None) -> list[Measure]:
    """Scores of ``year - 1`` and ``year``, ``measures`` measures with steps, items, progress and
    follow-up meetings — enough for every report kind to print every part."""
    division = division or Division.objects.get_or_create(agency=agency, name="กลุ่มบริหารงานบุคคล")[0]
    fw_before, fw_after = make_framework(year - 1, oit_items=6), make_framework(year, oit_items=6)
    for fw, values in ((fw_before, SCORES_BEFORE), (fw_after, SCORES_AFTER)):
        assessment, _ = Assessment.objects.get_or_create(
            agency=agency,
            framework=fw,
            defaults={"overall_score": Decimal(str(sum(values) / len(values))).quantize(Decimal("0.01"))},
        )
        for ind, value in zip(fw.indicators.order_by("number"), values, strict=True):
            IndicatorScore.objects.get_or_create(assessment=assessment, indicator=ind, defaults={"score": Decimal(str(value))})
    items = list(Item.objects.filter(framework=fw_after).order_by("number"))
    indicator9 = fw_after.indicators.get(number=9)
    person = Membership.objects.filter(agency=agency).first()
    out = []
    for i in range(measures):
        spec = MEASURES[i % len(MEASURES)]
        m = Measure.objects.create(
            agency=agency,
            fiscal_year=year,
            indicator=indicator9,
            issue_heading=spec["issue_heading"]
            if measures <= len(MEASURES)
            else f"ประเด็นที่ ๑.{i // 3 + 1} {spec['issue_heading'].split(' ', 2)[2]}",
            title=spec["title"] if i < len(MEASURES) else f"{spec['title']} (ชุดที่ {i + 1})",
            weakness_text=spec["weakness_text"],
            improvement_text=spec["improvement_text"],
            monitoring_approach=spec["monitoring_approach"],
            objective=spec["objective"],
            target_quantity=spec["target_quantity"],
            target_quality=spec["target_quality"],
            limitations=spec["limitations"],
            start_date=dt.date(year - 543, 5, 1),
            end_date=dt.date(year - 543, 7, 15),
            budget_planned=spec["budget"],
            status=spec["status"],
            order=i,
        )
        m.items.set(items[i % 3 : i % 3 + 2])
        m.responsible_divisions.add(division)
        if person and i == 0:
            m.responsible_people.add(person)
        for n, text in enumerate(spec["steps"], start=1):
            MeasureStep.objects.create(measure=m, order=n, text=text, is_done=spec["status"] == MeasureStatus.DONE)
        ProgressUpdate.objects.create(
            measure=m,
            reported_on=dt.date(year - 543, 6, 15),
            status=spec["status"],
            result_summary="ดำเนินการตามขั้นตอนที่กำหนด และเผยแพร่ข้อมูลบนเว็บไซต์ของหน่วยงานเรียบร้อยแล้ว",
            outcome="บุคลากรได้รับทราบแนวปฏิบัติ และผู้รับบริการเข้าถึงข้อมูลได้ครบถ้วน เป็นปัจจุบัน",
            budget_spent=spec["budget"],
            obstacles="" if i % 2 == 0 else "ระยะเวลาดำเนินการค่อนข้างจำกัด",
            suggestions="" if i % 2 == 0 else "ควรเริ่มดำเนินการตั้งแต่ต้นปีงบประมาณ",
        )
        out.append(m)
    tz = timezone.get_current_timezone()
    for n, (month, day) in enumerate(((5, 30), (6, 15), (6, 30), (7, 15)), start=1):
        f = FollowUp.objects.create(
            agency=agency,
            fiscal_year=year,
            number=n,
            title=f"ประชุมกำกับ ติดตามการดำเนินงานตามมาตรการ ครั้งที่ {n}",
            agenda="ติดตามความก้าวหน้าของแต่ละมาตรการ\nรวบรวมหลักฐานการดำเนินงาน",
            starts_at=dt.datetime(year - 543, month, day, 9, 0, tzinfo=tz),
            place="ห้องประชุมหน่วยงาน",
        )
        f.responsible_divisions.add(division)
    return out


def report_data(kind: str, *, thai: bool = True) -> dict:
    """What the report form sends for the PDF tests' documents: a signer, the seeds' memo date
    (15 June 2567), the digits, and the third quarter for the quarterly report."""
    data = {
        "signer_name": "นางสมศรี ตั้งใจดี",
        "signer_position": "นักวิเคราะห์นโยบายและแผนชำนาญการ",
        "doc_date": dt.date(2024, 6, 15),
        "use_thai_digits": thai,
    }
    if kind == "quarterly":
        data["quarter"] = 3
    return data
