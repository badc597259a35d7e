"""Monitoring report — รายงานผลการกำกับ ติดตาม (seed 000): one row per measure with ✓ in
ดำเนินการ / กำลังดำเนินการ, the result, who is responsible, and the director's acknowledgement
column, printed with the director's name once the report is approved."""

from __future__ import annotations

from measures.models import MeasureStatus
from reports import selectors
from reports.documents.common import Fmt, head_signature, paragraphs, responsible_text
from reports.documents.kind import DocumentKind, MemoTexts, register
from reports.models import ReportKind


@register
class Monitoring(DocumentKind):
    """The monitoring report: each measure's state and result, acknowledged by the director."""

    kind = ReportKind.MONITORING
    template = "reports/pdf/attachments/monitoring.html"
    landscape = True
    default_oit_key = "integrity-measures-report"  # O43: monitoring of the measures
    seed_fields = ("status_columns",)

    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        return MemoTexts(
            subject=(
                f"รายงานผลการกำกับ ติดตามการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}"
            ),
            background=(
                f"ตามที่ {agency.name} ได้กำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year} "
                f"และปฏิทินการกำกับ ติดตามการดำเนินงาน เพื่อให้การดำเนินงานบรรลุผลตามเป้าหมาย นั้น"
            ),
            work="ได้กำกับ ติดตามการดำเนินงานของผู้รับผิดชอบแต่ละมาตรการเรียบร้อยแล้ว",
            proposals=(
                f"รับทราบรายงานผลการกำกับ ติดตามการดำเนินงาน ประจำปีงบประมาณ พ.ศ. {year}",
                f"ขออนุญาตเผยแพร่รายงานผลการกำกับ ติดตามการดำเนินงาน ทางเว็บไซต์{agency.name}",
            ),
            title=f"รายงานผลการกำกับ ติดตามการดำเนินงาน\nของ{agency.name} ประจำปีงบประมาณ พ.ศ. {year}",
        )

    def gather(self, report, fmt: Fmt) -> dict:
        agency, year = report.agency, report.fiscal_year
        director = selectors.director_membership(agency=agency)
        head = head_signature(report, fmt, director)
        acknowledged = bool(report.approver_name)
        rows, others = [], []
        for i, m in enumerate(selectors.measures_for_document(agency=agency, year=year), start=1):
            updates = list(m.progress_updates.all())
            latest = updates[0] if updates else None
            status = latest.status if latest else m.status
            items = [fmt.d(m.title)] + [f"- {fmt.d(s.text)}" for s in m.steps.all()]
            rows.append(
                {
                    "number": fmt.d(i),
                    "items": items,
                    "done": status == MeasureStatus.DONE,
                    "in_progress": status == MeasureStatus.IN_PROGRESS,
                    "result": [fmt.d(p) for p in paragraphs(latest.result_summary if latest else "")],
                    "responsible": responsible_text(m, fmt),
                    "not_done": status == MeasureStatus.NOT_DONE,
                    # Seed 000 rows 8–12: acknowledged by someone other than the head.
                    "ack": _other_signer(m, fmt),
                }
            )
            if rows[-1]["ack"] and rows[-1]["ack"] not in others:
                others.append(rows[-1]["ack"])
        short = agency.short_name or agency.name
        return {
            "title_lines": [fmt.d(x) for x in (report.title or "").split("\n") if x.strip()],
            "agency": agency.name,
            "year": fmt.d(year),
            "ack_header": f"ลงนามรับทราบ โดย ผอ.{short}",
            "acknowledged": acknowledged,
            "rows": rows,
            "head": head,
            "status_columns": report.status_columns,
            "other_signers": others,
        }


def _other_signer(measure, fmt: Fmt) -> dict | None:
    """The measure's own acknowledging signer (name, position, the label above it), or None for
    the head of the agency."""
    if not measure.ack_signer_name.strip():
        return None
    return {
        "name": fmt.d(measure.ack_signer_name.strip()),
        "position": fmt.d(measure.ack_signer_position.strip()),
        "label": fmt.d(measure.ack_signer_label.strip()),
    }
