"""``python manage.py make_stress_data [--year 2566] [--out DIR]``: the layout stress set of issue 11.

One agency (code ``STRESS``, made once, its data rebuilt on each run) with 45 measures and 40 follow-up
meetings: long Thai paragraphs, long personal names such as
"(ว่าที่ร้อยตรีหญิงพรรณนิภา ศรีสุวรรณภูมิประเสริฐ)", long division names, evidence links of 80–120
characters (Google Drive), e-mail addresses and codes in the texts, one 2,000-character cell, and one
approved report of each of the five kinds on it. ``--out`` also writes each kind's PDF there.

:func:`build_stress_data` is the same set for tests (``tests/test_reports_layout.py``). Everything is
written through the services of each app.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.catalogue import framework_load_file
from indicators.models import Framework, Item
from indicators.services import assessment_save_scores
from ita_portal.agencies.models import Agency, Role
from ita_portal.agencies.services import agency_create, division_create, membership_create, user_create
from measures.models import MeasureStatus
from measures.services import followup_create, measure_create, progress_record
from reports import services
from reports.models import Report, ReportKind

STRESS_CODE = "STRESS"
BANGKOK = ZoneInfo("Asia/Bangkok")
MEASURES = 45
MEETINGS = 40
LONG_NAME = "ว่าที่ร้อยตรีหญิงพรรณนิภา ศรีสุวรรณภูมิประเสริฐ"
DIVISIONS = (
    "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษาและการพัฒนาคุณภาพการศึกษาขั้นพื้นฐาน",
    "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสารเพื่อการศึกษา",
    "หน่วยตรวจสอบภายในและศูนย์ปฏิบัติการต่อต้านการทุจริตประจำสำนักงานเขตพื้นที่การศึกษา",
)
PEOPLE = (
    ("ว่าที่ร้อยตรีหญิงพรรณนิภา", "ศรีสุวรรณภูมิประเสริฐ", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"),
    ("สิบเอกหญิงกมลนภัสสร", "เจริญรุ่งเรืองวัฒนากุลชัย", "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ"),
    ("นางสาวปิยะพรรณวดี", "ประเสริฐวงศ์สกุลไทยรักษ์", "นักทรัพยากรบุคคลชำนาญการ"),
)
SENTENCES = (
    "ดำเนินการทบทวนกระบวนการปฏิบัติงานของหน่วยงานให้เป็นไปตามหลักธรรมาภิบาล โปร่งใส และตรวจสอบได้ทุกขั้นตอน",
    "ผู้บริหารและบุคลากรทุกระดับมีส่วนร่วมในการกำหนดแนวทางป้องกันผลประโยชน์ทับซ้อนและการรับสินบน",
    "จัดประชุมชี้แจงสร้างความรู้ความเข้าใจแก่บุคลากรเกี่ยวกับประมวลจริยธรรมข้าราชการพลเรือนและข้อกำหนดจริยธรรม",
    "เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง ผลการวิเคราะห์ และรายงานการกำกับติดตามบนเว็บไซต์ของหน่วยงานอย่างต่อเนื่อง",
    "ประสานกลุ่มงานที่เกี่ยวข้องเพื่อรวบรวมหลักฐานเชิงประจักษ์และรายงานผลต่อผู้บริหารเป็นประจำทุกเดือน",
    "นำผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐมาวิเคราะห์จุดอ่อนและกำหนดมาตรการแก้ไข",
)


def drive_url(n: int) -> str:
    """A Google Drive evidence link of 80–120 characters (one unbreakable run, no Thai)."""
    ident = "".join("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"[(n * 7 + i * 13) % 37] for i in range(33))
    tail = "?usp=sharing" + ("&resourcekey=0-" + "Xy9Zq" * (n % 8) if n % 8 else "")
    url = f"https://drive.google.com/drive/folders/{ident}{tail}"
    return url[:120]


PHRASES = (
    "ทบทวนกระบวนการปฏิบัติงานตามหลักธรรมาภิบาล",
    "ประชุมชี้แจงแนวทางป้องกันผลประโยชน์ทับซ้อน",
    "เผยแพร่ข้อมูลการจัดซื้อจัดจ้างบนเว็บไซต์",
    "รวบรวมหลักฐานเชิงประจักษ์และรายงานผู้บริหาร",
    "วิเคราะห์ผลการประเมินและกำหนดมาตรการแก้ไข",
    "สร้างความรู้ความเข้าใจเรื่องประมวลจริยธรรม",
)


def short_text(n: int) -> str:
    """A short phrase (about 40 characters)."""
    return PHRASES[n % len(PHRASES)]


def long_paragraph(n: int, sentences: int = 4) -> str:
    return " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(sentences))


def long_cell(length: int = 2000) -> str:
    """A 2,000-character cell: long paragraphs with links, an e-mail address and a code."""
    parts, n = [], 0
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(long_paragraph(n, 2))
        if n % 3 == 1:
            parts.append(f"หลักฐาน {drive_url(900 + n)}")
        n += 1
    parts.append("ติดต่อ itacenter.stress.samutsakhon.district@obec-integrity-and-transparency.go.th")
    return " ".join(parts)[:length]


def _frameworks(year: int) -> list[Framework]:
    out = []
    for fy in (year - 1, year):
        fw = Framework.objects.filter(fiscal_year=fy).first()
        if fw is None:
            fw = framework_load_file(path=Path(settings.BASE_DIR) / "fixtures" / "frameworks" / f"nacc-{fy}.json")
        out.append(fw)
    return out


def _agency() -> tuple[Agency, object, object, list]:
    agency = agency_create(
        name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาครและศูนย์ส่งเสริมคุณธรรมและความโปร่งใส (ชุดทดสอบการจัดหน้า)",
        code=STRESS_CODE,
        short_name="สพป.สมุทรสาคร (ทดสอบ)",
        doc_prefix="ศธ ๐๔๑๑๔.๙๙",
    )
    divisions = [division_create(agency=agency, name=name) for name in DIVISIONS]
    users = []
    for i, (first, last, position) in enumerate(PEOPLE):
        user = user_create(username=f"stress-{i}", password=None)
        membership_create(
            user=user,
            agency=agency,
            role=Role.DIRECTOR if i == 0 else Role.STAFF,
            first_name_th=first,
            last_name_th=last,
            position_title=position,
            division=None if i == 0 else divisions[i % len(divisions)],
        )
        users.append(user)
    return agency, users[0], users[1], divisions


@transaction.atomic
def build_stress_data(year: int = 2566) -> dict[str, Report]:
    """Make the stress agency (once) with its measures, meetings and one approved report of each kind;
    returns the reports by kind. Frameworks of ``year - 1`` and ``year`` are used when present, else
    loaded from ``fixtures/frameworks``."""
    if Agency.objects.filter(code=STRESS_CODE).exists():
        Agency.objects.filter(code=STRESS_CODE).delete()  # rebuilt whole: the set is generated
    agency, director, staff, divisions = _agency()
    fw_before, fw_after = _frameworks(year)
    for fw, shift in ((fw_before, 0), (fw_after, 3)):
        scores = {ind.pk: Decimal(str(min(100, 70 + (ind.number * 7 + shift) % 30))) for ind in fw.indicators.all()}
        assessment_save_scores(agency=agency, framework=fw, scores=scores)
    indicators = list(fw_after.indicators.order_by("number"))
    items = list(Item.objects.filter(framework=fw_after).order_by("number"))
    people = list(agency.memberships.order_by("pk"))
    start, end = dt.date(year - 543 - 1, 11, 1), dt.date(year - 543, 8, 31)
    measures = []
    for i in range(MEASURES):
        steps = [f"{short_text(i + s)} ครั้งที่ {s + 1}" for s in range(2 + i % 3)]
        if i % 4 == 0:
            steps.append(f"จัดเก็บหลักฐานที่ {drive_url(i)}")
        m = measure_create(
            agency=agency,
            fiscal_year=year,
            title=f"มาตรการที่ {i + 1} {short_text(i)}",
            indicator=indicators[i % len(indicators)],
            items=items[i % max(1, len(items)) : i % max(1, len(items)) + 2],
            steps=steps,
            responsible_divisions=[divisions[i % len(divisions)]],
            responsible_people=[people[i % len(people)]],
            issue_heading=f"ประเด็นที่ {i // 5 + 1} {long_paragraph(i, 1)}",
            weakness_text=long_cell() if i == 7 else long_paragraph(i, 1 + (i % 9 == 0)),
            improvement_text=long_paragraph(i + 1, 1),
            objective=short_text(i + 2),
            target_quantity=f"ไม่น้อยกว่าร้อยละ {80 + i % 20} ของบุคลากรทั้งหมด",
            target_quality=short_text(i + 3) if i % 3 == 0 else "",
            responsible_note=f"ผู้ประสานงาน: {LONG_NAME} โทร 0-3442-7000 ต่อ {100 + i}",
            limitations=long_paragraph(i + 4, 1),
            monitoring_approach=f"{long_paragraph(i + 5, 1)} แจ้งผลทาง e-mail: ita.monitoring.unit{i}@samutsakhon-primary-education.go.th",
            start_date=start,
            end_date=end,
            budget_planned=Decimal(1000 * (i % 7) * 13),
        )
        status = (MeasureStatus.DONE, MeasureStatus.IN_PROGRESS, MeasureStatus.NOT_STARTED)[i % 3]
        url = drive_url(i)
        progress_record(
            measure=m,
            reported_on=dt.date(year - 543, 6, 1 + i % 28),
            status=status,
            links=[(url, f"หลักฐานมาตรการที่ {i + 1}")],
            result_summary=f"{long_paragraph(i + 1, 1) if i % 3 == 0 else short_text(i + 1)} หลักฐาน {url}",
            outcome=long_cell() if i == 11 else f"{long_paragraph(i + 2, 1)} ({url}) รหัสเอกสาร ITA-{year}-O42-EVIDENCE-{i:06d}",
            budget_spent=Decimal(500 * (i % 5)),
            obstacles=short_text(i + 3),
            suggestions=short_text(i + 4) if i % 2 else "",
        )
        measures.append(m)
    for n in range(MEETINGS):
        day = dt.datetime(year - 543 - 1, 11, 1, 9, 0, tzinfo=BANGKOK) + dt.timedelta(days=7 * n)
        followup_create(
            agency=agency,
            fiscal_year=year,
            starts_at=day,
            measure=measures[n] if n % 4 else None,
            title=f"ประชุมกำกับ ติดตามการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ครั้งที่ {n + 1}",
            agenda="\n".join(long_paragraph(n + k, 1) for k in range(1 + n % 3)),
            place="ห้องประชุมศูนย์ส่งเสริมคุณธรรมและความโปร่งใส ชั้น ๓" + (f" ประชุมออนไลน์ {drive_url(n)}" if n % 5 == 0 else ""),
            responsible_divisions=[divisions[n % len(divisions)], divisions[(n + 1) % len(divisions)]],
        )
    reports = {}
    for kind in ReportKind.values:
        data = {
            "signer_name": "สิบเอกหญิงกมลนภัสสร เจริญรุ่งเรืองวัฒนากุลชัย",
            "signer_position": "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ รักษาราชการแทนผู้อำนวยการกลุ่มนโยบายและแผน",
            "doc_date": dt.date(year - 543, 6, 15),
            # Thai digits in the memo kinds; Arabic in the two whose tables print links and codes.
            "use_thai_digits": kind not in (ReportKind.RESULTS, ReportKind.QUARTERLY),
        }
        if kind == ReportKind.QUARTERLY:
            data["quarter"] = 3
        report = services.report_create(agency=agency, year=year, kind=kind, actor=staff, data=data)
        services.report_submit(report=report, actor=staff)
        report.refresh_from_db()
        reports[kind] = services.report_approve(
            report=report, actor=director, decision="อนุญาต", note=long_paragraph(3, 2) + f" {drive_url(77)}"
        )
    return reports


class Command(BaseCommand):
    help = "Make the layout stress set (agency STRESS: 45 measures, 40 meetings, one report of each kind)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2566, help="fiscal year (BE); frameworks of year−1 and year are needed")
        parser.add_argument("--out", type=Path, help="write each kind's PDF into this folder")

    def handle(self, *args, **options):
        reports = build_stress_data(options["year"])
        self.stdout.write(f"stress agency {STRESS_CODE}: {MEASURES} measures, {MEETINGS} meetings, {len(reports)} reports")
        if options["out"]:
            from reports.documents import build_source
            from reports.rendering import render_source_pdf

            options["out"].mkdir(parents=True, exist_ok=True)
            for kind, report in reports.items():
                path = options["out"] / f"stress-{kind}.pdf"
                path.write_bytes(render_source_pdf(build_source(report)))
                self.stdout.write(str(path))
