"""``manage.py export_framework YEAR ASSESSOR --format json|csv|xlsx -o FILE``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import framework_export, framework_export_csv, framework_export_xlsx
from indicators.models import Framework
from ita_portal.thai import to_arabic_digits


class Command(BaseCommand):
    help = "ส่งออกกรอบการประเมิน ITA ของปีงบประมาณและผู้ประเมินเป็นไฟล์ JSON, CSV (UTF-8 BOM) หรือ XLSX"

    def add_arguments(self, parser):
        parser.add_argument("year", help="ปีงบประมาณ พ.ศ. เช่น 2566 หรือ ๒๕๖๖")
        parser.add_argument("assessor", help="รหัสผู้ประเมิน เช่น nacc")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default=None, help="ค่าเริ่มต้น: จากนามสกุลไฟล์ หรือ json")
        parser.add_argument("-o", "--output", help="ไฟล์ปลายทาง (ไม่ระบุ = พิมพ์ออกทางหน้าจอ; ใช้ไม่ได้กับ xlsx)")

    def handle(self, *args, **options):
        year_text = to_arabic_digits(options["year"]).strip()
        if not year_text.isdigit():
            raise CommandError(f"ปีงบประมาณ “{options['year']}” ต้องเป็นตัวเลข")
        framework = (
            Framework.objects.select_related("assessor")
            .filter(fiscal_year=int(year_text), assessor__code=options["assessor"])
            .first()
        )
        if framework is None:
            raise CommandError(f"ไม่พบกรอบการประเมินปี {year_text} ของผู้ประเมิน “{options['assessor']}”")
        output = Path(options["output"]) if options["output"] else None
        fmt = options["format"] or (output.suffix.lstrip(".").lower() if output and output.suffix else "json")
        if fmt not in ("json", "csv", "xlsx"):
            raise CommandError(f"ไม่รู้จักรูปแบบ “{fmt}”: ใช้ json, csv หรือ xlsx")
        if fmt == "json":
            content = (json.dumps(framework_export(framework=framework), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        elif fmt == "csv":
            content = framework_export_csv(framework=framework)
        else:
            if output is None:
                raise CommandError("รูปแบบ xlsx ต้องระบุไฟล์ปลายทางด้วย -o")
            content = framework_export_xlsx(framework=framework)
        if output is None:
            sys.stdout.buffer.write(content)
            return
        output.write_bytes(content)
        self.stdout.write(f"บันทึก {output} ({fmt}, ข้อ {framework.items.count()})")
