"""Follow-up calendar — ปฏิทินการกำกับ ติดตาม (seed 000): date | activities | responsible | note,
from the follow-up meetings of the year, with the head's signature at the end."""

from __future__ import annotations

from reports import selectors
from reports.documents.common import Fmt, head_signature, lines
from reports.documents.kind import DocumentKind, MemoTexts, register
from reports.models import ReportKind


@register
class Calendar(DocumentKind):
    """The follow-up calendar: the year's follow-up meetings."""

    kind = ReportKind.CALENDAR
    template = "reports/pdf/attachments/calendar.html"
    landscape = False
    default_oit_key = "integrity-measures"  # O42 (2563–2566), O25 (2569)

    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        return MemoTexts(
            subject=f"ปฏิทินการกำกับ ติดตามการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. {year}",
            background=(
                f"ตามที่ {agency.name} ได้กำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year} "
                f"ซึ่งกำหนดให้มีการกำกับ ติดตามการดำเนินงานเป็นระยะ นั้น"
            ),
            work="ได้จัดทำปฏิทินการกำกับ ติดตามการดำเนินงาน รายละเอียดตามเอกสารแนบ",
            proposals=(
                f"ให้ความเห็นชอบปฏิทินการกำกับ ติดตามการดำเนินงาน ประจำปีงบประมาณ พ.ศ. {year}",
                f"แจ้งเวียนผู้รับผิดชอบทราบ และขออนุญาตเผยแพร่ทางเว็บไซต์{agency.name}",
            ),
            title=(
                "ปฏิทินการกำกับ ติดตามการดำเนินงานการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน\n"
                f"ของ{agency.name} ประจำปีงบประมาณ พ.ศ. {year}"
            ),
        )

    def gather(self, report, fmt: Fmt) -> dict:
        agency, year = report.agency, report.fiscal_year
        rows = []
        for f in selectors.followups_for_calendar(agency=agency, year=year):
            activities = [f.title] if f.title else []
            if f.measure_id and f.measure.title not in activities:
                activities.append(f.measure.title)
            activities += lines(f.agenda)
            divisions = [d.name for d in f.responsible_divisions.all()]
            if not divisions and f.measure_id:
                divisions = [d.name for d in f.measure.responsible_divisions.all()]
            rows.append(
                {
                    "date": fmt.date(f.starts_at),
                    "activities": fmt.numbered(activities) if len(activities) > 1 else [fmt.d(a) for a in activities],
                    "responsible": [fmt.d(d) for d in divisions],
                    "note": fmt.d(" ".join(x for x in (f.note, f.place) if x)),
                }
            )
        return {
            "title_lines": [fmt.d(x) for x in (report.title or "").split("\n") if x.strip()],
            "agency": agency.name,
            "year": fmt.d(year),
            "rows": rows,
            "head": head_signature(report, fmt, selectors.director_membership(agency=agency)),
        }
