"""Results report — รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน
(O43-type; seed 004 columns, seed 001 before/after scores, budget used, obstacles, suggestions)."""

from __future__ import annotations

from indicators.grading import grade_for
from measures.effects import measure_effects
from reports import selectors
from reports.documents.common import Fmt, head_signature, paragraphs
from reports.documents.kind import DocumentKind, MemoTexts, kind_for, register
from reports.documents.seed_parts import grade_legend
from reports.models import ReportKind


@register
class Results(DocumentKind):
    """The results report: scores before and after, what each measure achieved, money spent."""

    kind = ReportKind.RESULTS
    template = "reports/pdf/attachments/results.html"
    landscape = True  # seed 004: a wide table of measures, steps, results and outcomes
    default_oit_key = "integrity-measures-report"  # O43 (2563–2566), O26 (2569)
    seed_fields = ("cover_page", "cover_lines", "summary", "show_grade_legend", "results_plan_table", "results_period_column")

    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        return MemoTexts(
            subject=f"รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}",
            background=(f"ตามที่ {agency.name} ได้กำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year} นั้น"),
            work=("ได้สรุปผลการดำเนินการตามมาตรการดังกล่าว พร้อมงบประมาณที่ใช้ ปัญหาอุปสรรค และข้อเสนอแนะ เรียบร้อยแล้ว รายละเอียดตามเอกสารแนบ"),
            proposals=("รับทราบรายงานผลการดำเนินการตามมาตรการ", f"ขออนุญาตเผยแพร่รายงานดังกล่าว ทางเว็บไซต์{agency.name}"),
            title=f"รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายใน{agency.name}",
            intro=(
                f"{agency.name} มีการดำเนินการตามขั้นตอนหรือวิธีปฏิบัติเกี่ยวกับมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
                f"ภายในหน่วยงาน ซึ่งเป็นการดำเนินการในปีงบประมาณ พ.ศ. {year} ทำให้เกิดผลการดำเนินการ และผลลัพธ์/ความสำเร็จ "
                f"มีรายละเอียดดังต่อไปนี้"
            ),
        )

    def gather(self, report, fmt: Fmt) -> dict:
        agency, year = report.agency, report.fiscal_year
        _before, before_scores = selectors.assessment_scores(agency=agency, year=year - 1)
        _after, after_scores = selectors.assessment_scores(agency=agency, year=year)
        after_by_key = {s.indicator.stable_key: s for s in after_scores}
        measures = selectors.measures_for_document(agency=agency, year=year)
        indicator_keys = {m.indicator.stable_key for m in measures if m.indicator}
        score_rows = []
        for s in before_scores:
            if indicator_keys and s.indicator.stable_key not in indicator_keys:
                continue
            after = after_by_key.get(s.indicator.stable_key)
            change = (after.score - s.score) if after else None
            score_rows.append(
                {
                    "number": fmt.d(s.indicator.number),
                    "name": s.indicator.name,
                    "before": fmt.score(s.score),
                    "after": fmt.score(after.score) if after else "",
                    "grade": grade_for(after.score) if after else "",
                    "change": (("+" if change > 0 else "") + fmt.score(change)) if change is not None else "",
                }
            )
        rows, money = [], []
        for m in measures:
            updates = list(m.progress_updates.all())
            latest = updates[0] if updates else None
            spent = sum((u.budget_spent for u in updates), start=0)
            rows.append(
                {
                    "measure": fmt.d(m.title),
                    "steps": fmt.numbered([s.text for s in m.steps.all()]),
                    "summary": [fmt.d(p) for p in paragraphs(latest.result_summary if latest else "")],
                    "outcome": [fmt.d(p) for p in paragraphs(latest.outcome if latest else "")],
                    "period": fmt.period(m.start_date, m.end_date, m.period_text),
                }
            )
            obstacles = [u.obstacles.strip() for u in updates if u.obstacles.strip()]
            suggestions = [u.suggestions.strip() for u in updates if u.suggestions.strip()]
            # Empty parts are left out: a measure that spent nothing and met no obstacle has no
            # table at all (eleven "- ไม่มี -" tables ran 3.5 pages), and only filled rows print.
            if not (spent or obstacles or suggestions):
                continue
            money.append(
                {
                    "number": fmt.d(len(money) + 1),
                    "measure": fmt.d(m.title),
                    "budget": (f"จำนวน {fmt.money(spent)} บาท" + (f" ({fmt.d(m.budget_source)})" if m.budget_source else ""))
                    if spent
                    else "",
                    "obstacles": [fmt.d(x) for x in obstacles[:1]],
                    "suggestions": [fmt.d(x) for x in suggestions[:1]],
                }
            )
        return {
            "effects": _effect_rows(measures, fmt),
            "title": fmt.d(report.title or f"รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายใน{agency.name}"),
            "agency": agency.name,
            "year": fmt.d(year),
            "previous_year": fmt.d(year - 1),
            "intro": [fmt.d(p) for p in paragraphs(report.intro)],
            "scores": score_rows,
            "overall_lines": _overall_lines(((year - 1, _before), (year, _after)), fmt),
            "overall_before": fmt.score(_before.overall_score) if _before else "",
            "overall_after": fmt.score(_after.overall_score) if _after else "",
            "grade_after": (_after.grade or _grade_text(_after.overall_score)) if _after else "",
            "rows": rows,
            "money": money,
            "head": head_signature(report, fmt, selectors.director_membership(agency=agency)),
            "period_column": report.results_period_column,
            # Seed 001 prints the measures and approaches (four columns) before their results.
            "plan": {"issues": kind_for(ReportKind.MEASURES_PLAN).gather(report, fmt)["issues"]}
            if report.results_plan_table
            else None,
            "legend": grade_legend(fmt, (_after or _before).framework.pass_mark if (_after or _before) else None)
            if report.show_grade_legend
            else None,
        }


def _overall_lines(assessments, fmt: Fmt) -> list[str]:
    """ "ผลการประเมินในภาพรวม ปีงบประมาณ พ.ศ. … ได้คะแนน … อยู่ในระดับ …" for each year of the
    report whose overall score exists — the year before as well as the report's own (seed 001
    prints 93.17 while the later year has only two indicator scores and no overall yet)."""
    out = []
    for year, assessment in assessments:
        if assessment is None or assessment.overall_score is None:
            continue
        grade = assessment.grade or _grade_text(assessment.overall_score)
        line = f"ผลการประเมินในภาพรวม ปีงบประมาณ พ.ศ. {fmt.d(year)} ได้คะแนน {fmt.score(assessment.overall_score)}"
        out.append(line + (f" อยู่ในระดับ {grade}" if grade else ""))
    return out


def _effect_rows(measures, fmt: Fmt) -> list[dict]:
    """Per measure and indicator/item it is tied to: the score in the weakness year, in the next
    assessment, and the change (``measures.effects``)."""
    rows = []
    for e in measure_effects(measures):
        rows.append(
            {
                "measure": fmt.d(e.measure.title),
                "label": fmt.d(e.label),
                "before": f"{fmt.score(e.before)} ({fmt.d(e.before_year)})" if e.before is not None else "-",
                "after": f"{fmt.score(e.after)} ({fmt.d(e.after_year)})" if e.after is not None else "-",
                "change": (("+" if e.change > 0 else "") + fmt.score(e.change)) if e.change is not None else "-",
            }
        )
    return rows


def _grade_text(score) -> str:
    """The band of an overall score (``indicators.grading``), '' while there is none."""
    return "" if score is None else grade_for(score)
