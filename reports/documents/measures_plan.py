"""Measures plan — มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน (O42-type; seeds 003 and 001).

Attachment: the previous year's indicator scores ranked (seed 001) with the analysis before it, then
per issue heading the related items and the five-column table with a full-width row holding
ระยะเวลาดำเนินการ and ข้อจำกัดของหน่วยงาน (seed 003).
"""

from __future__ import annotations

from indicators.grading import grade_for
from reports import selectors
from reports.documents.common import Fmt, item_label, paragraphs, responsible_text
from reports.documents.kind import DocumentKind, MemoTexts, register
from reports.documents.seed_parts import grade_legend
from reports.models import ReportKind


@register
class MeasuresPlan(DocumentKind):
    """The measures plan: last year's scores ranked, then the measures by issue."""

    kind = ReportKind.MEASURES_PLAN
    template = "reports/pdf/attachments/measures_plan.html"
    landscape = True
    default_oit_key = "integrity-measures"  # O42 (2563–2566), O25 (2569)
    seed_fields = ("cover_page", "cover_lines", "summary", "show_grade_legend", "plan_layout")

    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        # Who runs the assessment follows the year's catalogue the agency answers (the NACC's, or a
        # ministry's own such as สป.'s, seed 003), never a fixed "สำนักงาน ป.ป.ช.".
        assessor = selectors.assessor_for(agency=agency, year=year)
        return MemoTexts(
            subject=f"มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}",
            background=(
                f"ตามที่ {assessor.name} กำหนดให้มี{assessor.assessment} "
                f"ประจำปีงบประมาณ พ.ศ. {year} โดยให้หน่วยงานวิเคราะห์ผลการประเมินในปี พ.ศ. {year - 1} "
                f"และกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน นั้น"
            ),
            work=("ได้วิเคราะห์ผลการประเมินและจัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน เรียบร้อยแล้ว รายละเอียดตามเอกสารแนบ"),
            proposals=(
                "ให้ความเห็นชอบมาตรการ และแจ้งเวียนผู้รับผิดชอบ/กลุ่มงานที่เกี่ยวข้องดำเนินการต่อไป",
                f"ขออนุญาตเผยแพร่มาตรการดังกล่าว ทางเว็บไซต์{agency.name}",
            ),
            title="มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        )

    def gather(self, report, fmt: Fmt) -> dict:
        agency, year = report.agency, report.fiscal_year
        _assessment, scores = selectors.assessment_scores(agency=agency, year=year - 1)
        ranked = sorted(scores, key=lambda s: (-s.score, s.indicator.number))
        pass_mark = _assessment.framework.pass_mark if _assessment else None
        score_rows = [
            {
                "rank": fmt.d(i),
                "number": fmt.d(s.indicator.number),
                "name": s.indicator.name,
                "score": fmt.score(s.score),
                "grade": grade_for(s.score),
                "result": ("ผ่าน" if s.score >= pass_mark else "ไม่ผ่าน") if pass_mark is not None else "",
            }
            for i, s in enumerate(ranked, start=1)
        ]
        measures = selectors.measures_for_document(agency=agency, year=year)
        issues: list[dict] = []
        by_heading: dict[str, dict] = {}
        for m in measures:
            heading = m.issue_heading.strip() or (f"ตัวชี้วัดที่ {m.indicator.number} {m.indicator.name}" if m.indicator else m.title)
            issue = by_heading.get(heading)
            if issue is None:
                issue = {"heading": fmt.d(heading), "items": [], "rows": []}
                by_heading[heading] = issue
                issues.append(issue)
            for item in m.items.all():
                label = item_label(item, fmt)
                if label not in issue["items"]:
                    issue["items"].append(label)
            # Only the meetings linked to this measure: the plan's general meetings are not appended
            # to a measure whose typed approach names none (seed 003 lists them only where typed).
            meetings = list(m.followups.all())
            monitoring = paragraphs(m.monitoring_approach)
            dates = [fmt.d(f"ครั้งที่ {f.number} {fmt.date(f.starts_at, abbr=True)}") for f in meetings]
            typed = fmt.d(" ".join(monitoring))
            # The meetings are listed unless the typed approach already lists them (as seed 003 types it).
            if dates and not all(d in typed for d in dates):
                monitoring.append("และประชุมติดตาม ดังนี้")
                monitoring += dates
            issue["rows"].append(
                {
                    "weakness": [fmt.d(p) for p in paragraphs(m.weakness_text or (m.weakness.title if m.weakness else ""))],
                    "improvement": [fmt.d(p) for p in paragraphs(m.improvement_text or m.title)],
                    "responsible": responsible_text(m, fmt),
                    "steps": fmt.numbered([s.text for s in m.steps.all()]),
                    "monitoring": [fmt.d(p) for p in monitoring],
                    "period": fmt.period(m.start_date, m.end_date, m.period_text),
                    "limitations": fmt.d(m.limitations.strip()) or "- ไม่มี -",
                    # Seed 001's four columns: the indicator and the items it was assessed on.
                    "indicator": fmt.d(f"ตัวชี้วัดที่ {m.indicator.number} {m.indicator.name}") if m.indicator else "",
                    "assessed": [item_label(item, fmt) for item in m.items.all()]
                    or [fmt.d(p) for p in paragraphs(m.weakness_text or (m.weakness.title if m.weakness else ""))],
                }
            )
        return {
            "title": fmt.d(report.title or "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"),
            "agency": agency.name,
            "year": fmt.d(year),
            "previous_year": fmt.d(year - 1),
            "pass_mark": fmt.score(pass_mark) if pass_mark is not None else "",
            "intro": [fmt.d(p) for p in paragraphs(report.intro)],
            "scores": score_rows,
            "issues": issues,
            "layout": report.plan_layout,
            "legend": grade_legend(fmt, pass_mark) if report.show_grade_legend else None,
        }
