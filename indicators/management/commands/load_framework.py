"""``manage.py load_framework PATH [PATH…]`` / ``--all``: load ITA catalogue files (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import framework_import_file

FRAMEWORKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


class Command(BaseCommand):
    help = "โหลดกรอบการประเมิน ITA จากไฟล์ .json/.csv/.xlsx (โหลดซ้ำได้: ปรับปรุงข้อมูลเดิม ไม่สร้างซ้ำ)"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="ไฟล์กรอบการประเมิน")
        parser.add_argument("--all", action="store_true", help=f"ทุกไฟล์ .json ใน {FRAMEWORKS_DIR}")
        parser.add_argument("--fiscal-year", type=int, help="ปีงบประมาณ (สำหรับไฟล์ CSV/XLSX ที่ไม่มีคอลัมน์ปี)")
        parser.add_argument("--assessor", help="รหัสผู้ประเมิน (สำหรับไฟล์ CSV/XLSX ที่ไม่มีคอลัมน์ผู้ประเมิน)")

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["paths"]]
        if options["all"]:
            paths += sorted(FRAMEWORKS_DIR.glob("*.json"))
        if not paths:
            raise CommandError("ระบุไฟล์อย่างน้อยหนึ่งไฟล์ หรือใช้ --all")
        failed = 0
        for path in paths:
            try:
                framework = framework_import_file(
                    file=path, fiscal_year=options["fiscal_year"], assessor_code=options["assessor"]
                )
            except ValidationError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path.name}: โหลดไม่สำเร็จ"))
                for message in exc.messages:
                    self.stderr.write(f"  - {message}")
                continue
            status = "" if framework.is_confirmed else " (ข้อมูลบางส่วน)"
            self.stdout.write(
                f"{path.name}: {framework.assessor.code} {framework.fiscal_year} — "
                f"ตัวชี้วัด {framework.indicators.count()} ข้อ {framework.items.count()}{status}"
            )
        if failed:
            raise CommandError(f"โหลดไม่สำเร็จ {failed} ไฟล์")
