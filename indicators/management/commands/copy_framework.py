"""``manage.py copy_framework ASSESSOR FROM_YEAR TO_YEAR``: start a year's catalogue as a draft copy.

The same service as the browser's "สร้างฉบับร่าง" (``indicators.catalogue.upkeep.framework_copy``);
edit the draft in the browser (or export, edit and re-load it) and confirm it there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue.upkeep import framework_copy


class Command(BaseCommand):
    help = "สร้างกรอบการประเมินของปีใหม่เป็นฉบับร่าง โดยคัดลอกจากปีก่อน (เช่น copy_framework nacc 2569 2570)"

    def add_arguments(self, parser):
        parser.add_argument("assessor", help="รหัสผู้ประเมิน เช่น nacc")
        parser.add_argument("from_year", type=int, help="ปีต้นแบบ (พ.ศ.)")
        parser.add_argument("to_year", type=int, help="ปีที่จะสร้าง (พ.ศ.)")

    def handle(self, *args, **options):
        try:
            framework = framework_copy(
                assessor_code=options["assessor"], from_year=options["from_year"], to_year=options["to_year"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"{framework.assessor.code} {framework.fiscal_year}: ฉบับร่าง ตัวชี้วัด {framework.indicators.count()} "
            f"ข้อ {framework.items.count()} (คัดลอกจากปี {options['from_year']}) — ตรวจแก้และยืนยันที่หน้า กรอบการประเมินรายปี"
        )
