"""Follow-up calendar — ปฏิทินการกำกับ ติดตาม (seed 000): date | activities | responsible | note,
from the follow-up meetings of the year, with the head's signature at the end."""

from __future__ import annotations

import re

from reports import selectors
from reports.documents.common import Fmt, head_signature, lines
from reports.documents.kind import DocumentKind, MemoTexts, register
from reports.models import ReportKind

#: "1. ", "๑) ", "12." typed at the start of an agenda line.
LEADING_NUMBER_RE = re.compile(r"^\s*[0-9๐-๙]+\s*[.)]\s*")


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
        number = 0  # the activities are numbered 1–N once, across the whole table (seed 000)
        for f in selectors.followups_for_calendar(agency=agency, year=year):
            # The agenda's lines are the activities, numbered 1–N across the table; numbers typed in
            # front of a line ("1. …") give way to that running number. The meeting's title (and its
            # measure's) lead the row unnumbered — or are the activities when there is no agenda.
            items = [LEADING_NUMBER_RE.sub("", line).strip() for line in lines(f.agenda)]
            items = [x for x in items if x]
            lead = [x.strip() for x in (f.title, f.measure.title if f.measure_id else "") if x and x.strip()]
            lead = list(dict.fromkeys(x for x in lead if x not in items))
            if not items:
                items, lead = lead, []
            numbered = [f"{fmt.d(number + i)}. {fmt.d(x)}" for i, x in enumerate(items, start=1)]
            number += len(items)
            divisions = [d.name for d in f.responsible_divisions.all()]
            if not divisions and f.measure_id:
                divisions = [d.name for d in f.measure.responsible_divisions.all()]
            rows.append(
                {
                    "date": fmt.date(f.starts_at),
                    "lead": [fmt.d(x) for x in lead],
                    "activities": numbered,
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
