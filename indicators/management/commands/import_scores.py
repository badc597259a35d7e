"""``python manage.py import_scores FILE [--fiscal-year 2567] [--assessor CODE] [--dry-run]``.

Checks every row first; a file with any bad row prints the row errors (in Thai) and exits with
status 1 without writing anything. The layouts are described in README.md ("Importing scores").
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.importing import ScoreScope, parse_year
from indicators.services import scores_import


class Command(BaseCommand):
    help = "นำเข้าคะแนน ITA จากไฟล์ CSV/XLSX (ทุกแถวต้องถูกต้อง มิฉะนั้นไม่นำเข้าเลย)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="ไฟล์ .csv หรือ .xlsx")
        parser.add_argument("--fiscal-year", help="ปีงบประมาณ (พ.ศ.) สำหรับแถวที่ไม่มีคอลัมน์ปี เช่น 2567 หรือ ๒๕๖๗")
        parser.add_argument("--assessor", help="รหัสผู้ประเมิน (ค่าเริ่มต้น: ITA ของ ป.ป.ช.)")
        parser.add_argument("--dry-run", action="store_true", help="ตรวจอย่างเดียว ไม่บันทึก")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {path}")
        year = None
        if options["fiscal_year"]:
            try:
                year = parse_year(options["fiscal_year"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        outcome = scores_import(
            content=path.read_bytes(),
            filename=path.name,
            fiscal_year=year,
            assessor_code=options["assessor"],
            scope=ScoreScope(everything=True),
            dry_run=options["dry_run"],
        )
        parsed = outcome.parsed
        elapsed = time.perf_counter() - started
        if not parsed.ok:
            for error in parsed.errors:
                self.stderr.write(str(error))
            if parsed.error_count > len(parsed.errors):
                self.stderr.write(f"… และอีก {parsed.error_count - len(parsed.errors)} ข้อผิดพลาด")
            self.stderr.write(f"ไม่ได้นำเข้า: พบข้อผิดพลาด {parsed.error_count} รายการ จาก {parsed.row_count} แถว")
            sys.exit(1)
        summary = parsed.summary()
        verb = "ตรวจแล้ว (ยังไม่บันทึก)" if options["dry_run"] else "นำเข้าแล้ว"
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{verb}: {parsed.row_count} แถว, {summary['agencies']} หน่วยงาน, "
            f"คะแนนตัวชี้วัด {summary['indicator_scores']}, ผลรายข้อ {summary['item_results']} "
            f"({parsed.layout}, {parsed.encoding}) ใน {elapsed:.1f} วินาที, หน่วยความจำสูงสุด {peak_mb:.0f} MB"
        )
