"""``manage.py load_demo``: load the demo data set (idempotent) and print the demo logins."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from demo.data import demo_load
from ita_portal.agencies.models import Agency, Membership
from measures.models import FollowUp, Measure


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Thai vowel and tone marks above/below take none."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "โหลดข้อมูลตัวอย่างจาก fixtures/demo (โหลดซ้ำได้) และแสดงชื่อผู้ใช้ตัวอย่าง"

    def handle(self, *args, **options):
        try:
            logins = demo_load()
        except ValidationError as exc:
            raise CommandError("โหลดข้อมูลตัวอย่างไม่สำเร็จ: " + "; ".join(exc.messages)) from exc
        self.stdout.write(
            f"ข้อมูลตัวอย่าง: หน่วยงาน {Agency.objects.count()} สมาชิก {Membership.objects.count()} "
            f"มาตรการ {Measure.objects.count()} การประชุมติดตาม {FollowUp.objects.count()}"
        )
        header = ("ชื่อผู้ใช้", "รหัสผ่าน", "บทบาท", "หน่วยงาน", "ชื่อ / ตำแหน่ง")
        rows = [header, *[(x.username, x.password, x.role, x.agency, x.person) for x in logins]]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("ผู้ใช้ตัวอย่าง (ทุกบัญชีใช้รหัสผ่านเดียวกัน)"))
        for n, row in enumerate(rows):
            line = "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
            self.stdout.write(line)
            if n == 0:
                self.stdout.write("-" * min(_width(line), 120))
