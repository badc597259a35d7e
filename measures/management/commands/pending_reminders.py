"""Show the reminders that are not yet sent nor skipped, soonest first (Bangkok time, BE dates)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ita_portal.thai import format_date
from measures.reminders import reminders_pending


class Command(BaseCommand):
    help = "แสดงการแจ้งเตือนการกำกับติดตามที่ยังไม่ได้ส่ง"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--agency", help="รหัสหน่วยงาน (Agency.code)")
        parser.add_argument("--due", action="store_true", help="เฉพาะที่ถึงกำหนดแล้ว")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, agency: str | None, due: bool, limit: int, **options) -> None:
        now = timezone.now()
        qs = reminders_pending()
        if agency:
            qs = qs.filter(followup__agency__code=agency)
        if due:
            qs = qs.filter(due_at__lte=now)
        total = qs.count()
        if not total:
            self.stdout.write("ไม่มีการแจ้งเตือนที่รอส่ง")
            return
        for r in qs[:limit]:
            due_at = timezone.localtime(r.due_at)
            starts = timezone.localtime(r.followup.starts_at)
            state = "กำลังส่ง" if r.claimed_at else ("ถึงกำหนด" if r.due_at <= now else "รอ")
            kind = "ยกเลิก" if r.kind == "cancellation" else f"ล่วงหน้า {r.lead_days} วัน"
            self.stdout.write(
                f"#{r.pk}\t{format_date(due_at.date(), thai_digits=False)} {due_at:%H.%M}\t{state}\t{kind}\t"
                f"{r.followup.agency.display_short}\t{r.followup} ({format_date(starts.date(), thai_digits=False)} {starts:%H.%M})"
            )
        self.stdout.write(f"รวม {total} รายการ" + (f" (แสดง {limit})" if total > limit else ""))
