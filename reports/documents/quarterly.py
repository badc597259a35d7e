"""Quarterly action-plan report — รายงานการกำกับ ติดตาม การดำเนินการตามแผนปฏิบัติการ รายไตรมาส
(seed 002): activity | objective | targets (quantity/quality) | period | steps | budget | result |
summary | problems/suggestions, as of the end of the report's quarter."""

from __future__ import annotations

from ita_portal import thai
from measures.models import MeasureStatus
from reports import selectors
from reports.documents.common import Fmt, head_signature, paragraphs
from reports.documents.kind import DocumentKind, MemoTexts, register
from reports.models import ReportKind

RESULT_LABELS = {
    MeasureStatus.DONE: "ดำเนินการแล้วเสร็จ",
    MeasureStatus.IN_PROGRESS: "อยู่ระหว่างดำเนินการ",
    MeasureStatus.NOT_STARTED: "ยังไม่ได้ดำเนินการ",
    MeasureStatus.NOT_DONE: "ไม่ได้ดำเนินการ",
}


@register
class Quarterly(DocumentKind):
    """The quarterly action-plan report, as of the end of the report's quarter."""

    kind = ReportKind.QUARTERLY
    template = "reports/pdf/attachments/quarterly.html"
    landscape = True
    default_oit_key = "anti-corruption-6m-report"  # O37 (2566): anti-corruption plan follow-up
    needs_quarter = True

    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        q = f" ไตรมาสที่ {quarter}" if quarter else ""
        return MemoTexts(
            subject=f"รายงานผลการดำเนินงานตามแผนปฏิบัติการ{q} ประจำปีงบประมาณ พ.ศ. {year}",
            background=(
                f"ตามที่ {agency.name} ได้จัดทำแผนปฏิบัติการเพื่อส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. {year} "
                f"และกำหนดให้มีการรายงานผลการดำเนินงานเป็นรายไตรมาส นั้น"
            ),
            work=f"ได้สรุปผลการดำเนินงานตามแผนปฏิบัติการ{q} เรียบร้อยแล้ว รายละเอียดตามเอกสารแนบ",
            proposals=(
                f"รับทราบรายงานผลการดำเนินงานตามแผนปฏิบัติการ{q}",
                f"ขออนุญาตเผยแพร่รายงานดังกล่าว ทางเว็บไซต์{agency.name}",
            ),
            title=f"รายงานการกำกับ ติดตาม การดำเนินการตามแผนปฏิบัติการ{q}",
        )

    def gather(self, report, fmt: Fmt) -> dict:
        agency, year = report.agency, report.fiscal_year
        quarter_end = thai.fiscal_quarter_bounds(year, report.quarter)[1] if report.quarter else None
        rows, group = [], None
        for i, m in enumerate(selectors.measures_for_document(agency=agency, year=year), start=1):
            updates = [u for u in m.progress_updates.all() if quarter_end is None or u.reported_on <= quarter_end]
            latest = updates[0] if updates else None
            status = latest.status if latest else MeasureStatus.NOT_STARTED
            problems = [x for u in updates[:1] for x in (u.obstacles.strip(), u.suggestions.strip()) if x]
            this_group = tuple(x.strip() for x in (m.national_strategy, m.strategy, m.project) if x.strip())
            targets = []
            if m.target_quantity:
                targets.append(("เชิงปริมาณ", [fmt.d(p) for p in paragraphs(m.target_quantity)]))
            if m.target_quality:
                targets.append(("เชิงคุณภาพ", [fmt.d(p) for p in paragraphs(m.target_quality)]))
            rows.append(
                {
                    "number": fmt.d(i),
                    "activity": [fmt.d(p) for p in paragraphs(m.title)],
                    "objective": [fmt.d(p) for p in paragraphs(m.objective)],
                    "targets": [{"label": label, "texts": texts} for label, texts in targets],
                    "period": fmt.period(m.start_date, m.end_date, m.period_text),
                    "steps": fmt.numbered([s.text for s in m.steps.all()]),
                    "budget": fmt.money(m.budget_planned) if m.budget_planned else "-",
                    "result": RESULT_LABELS.get(status, ""),
                    "summary": [fmt.d(p) for p in paragraphs(latest.result_summary if latest else "")],
                    "problems": [fmt.d(p) for p in problems],
                    # Seed 002: ยุทธศาสตร์ชาติ / ยุทธศาสตร์ที่ / โครงการ rows above the first row of each group.
                    "groups": [fmt.d(x) for x in this_group] if this_group != group else [],
                }
            )
            group = this_group
        return {
            "title": fmt.d(report.title),
            "agency": agency.name,
            "year": fmt.d(year),
            "quarter": fmt.d(report.quarter) if report.quarter else "",
            "intro": [fmt.d(p) for p in paragraphs(report.intro)],
            "rows": rows,
            "head": head_signature(report, fmt, selectors.director_membership(agency=agency)),
        }
