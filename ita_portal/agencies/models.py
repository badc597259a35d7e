"""Agencies (a tree: ministry → area/provincial offices → units), their divisions (กลุ่มงาน) and
the people who work in them (Membership: user ↔ agency with a role).

Who may see what is decided in ``selectors.py`` from these rows, nowhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("กระทรวง / สำนักงานส่วนกลาง")
    REGIONAL = "regional", _("สำนักงานศึกษาธิการภาค (ศธภ.)")
    PROVINCIAL = "provincial", _("สำนักงานศึกษาธิการจังหวัด (ศธจ.)")
    PRIMARY_AREA = "primary_area", _("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา (สพป.)")
    SECONDARY_AREA = "secondary_area", _("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา (สพม.)")
    SCHOOL = "school", _("สถานศึกษา")
    OTHER = "other", _("หน่วยงานอื่น")


class AttachmentDigits(models.TextChoices):
    """The digits of a report's attachment (tables, scores, budgets), next to the memo's own: an
    agency's default, which each report may override (seed 001: a Thai-digit memo, Arabic-digit
    score tables)."""

    SAME = "", _("ตามบันทึกข้อความ")
    THAI = "thai", _("เลขไทย")
    ARABIC = "arabic", _("เลขอารบิก")


def attachment_digits_field(help_text) -> models.CharField:
    """The attachment's digits (AttachmentDigits): an agency's default and each report's choice."""
    return models.CharField(
        _("ตัวเลขในเอกสารแนบ"),
        max_length=10,
        choices=AttachmentDigits.choices,
        blank=True,
        default=AttachmentDigits.SAME,
        help_text=help_text,
    )


class Agency(models.Model):
    """A government unit that is assessed (or that supervises units that are)."""

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True, help_text=_("เช่น สพป.สมุทรสาคร"))
    code = models.CharField(_("รหัสหน่วยงาน"), max_length=32, unique=True, help_text=_("รหัสที่ใช้ในระบบ ITAS หรือรหัสกระทรวง"))
    kind = models.CharField(_("ประเภท"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("หน่วยงานต้นสังกัด"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/7/42/" so a supervisor's whole subtree is one indexed prefix query.
    path = models.CharField(_("เส้นทางในผังหน่วยงาน"), max_length=255, editable=False, db_index=True, default="")
    doc_prefix = models.CharField(_("เลขที่หนังสือ (รหัสส่วนราชการ)"), max_length=50, blank=True, help_text=_("เช่น ศธ ๐๔๑๑๔"))
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    address = models.TextField(_("ที่อยู่"), blank=True)
    website = models.URLField(_("เว็บไซต์"), blank=True)
    head_title = models.CharField(
        _("ตำแหน่งหัวหน้าหน่วยงาน"),
        max_length=255,
        blank=True,
        help_text=_("ใช้ในช่อง เรียน ของบันทึกข้อความ เช่น ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"),
    )
    emblem = models.ImageField(_("ตราครุฑ / ตราหน่วยงาน"), upload_to="emblems/", blank=True)
    use_thai_digits = models.BooleanField(_("ใช้เลขไทยในเอกสาร"), default=True)
    attachment_digits = attachment_digits_field(_("ค่าเริ่มต้นของเอกสารใหม่ เช่น บันทึกข้อความใช้เลขไทย ตารางคะแนนในเอกสารแนบใช้เลขอารบิก"))
    allow_self_approval = models.BooleanField(_("อนุญาตให้ผู้อำนวยการอนุมัติเอกสารที่ตนจัดทำเอง"), default=False)
    reminder_lead_days = models.CharField(
        _("แจ้งเตือนล่วงหน้า (วัน)"),
        max_length=50,
        default="7,1",
        help_text=_("จำนวนวันก่อนการประชุมที่ส่งการแจ้งเตือน คั่นด้วยจุลภาค เช่น 7,1"),
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        ordering = ["path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="agency_not_own_parent",
                violation_error_message=_("หน่วยงานเป็นต้นสังกัดของตนเองไม่ได้"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short(self) -> str:
        return self.short_name or self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        agency = super().from_db(db, field_names, values)
        agency._saved_parent_id = agency.__dict__.get("parent_id")
        return agency

    def save(self, *args, **kwargs) -> None:
        # The path is structure, not business logic: a new agency gets its own here (fixtures,
        # factories and services alike), which is what lets the access selectors trust it. Moving
        # an existing agency changes its whole subtree's paths and is the service ``agency_move``'s
        # job; a save that would move one silently is refused.
        if self.pk is not None and hasattr(self, "_saved_parent_id") and self.parent_id != self._saved_parent_id:
            raise ValueError("an agency moves through ita_portal.agencies.services.agency_move")
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._saved_parent_id = self.parent_id
            if not self.path:
                self.path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
                Agency.objects.filter(pk=self.pk).update(path=self.path)

    def lead_days(self) -> list[int]:
        """Reminder lead times in days, largest first; bad entries are ignored."""
        days = {int(p) for p in self.reminder_lead_days.replace(" ", "").split(",") if p.isdigit()}
        return sorted(days, reverse=True)


class Division(models.Model):
    """A กลุ่มงาน inside an agency (e.g. กลุ่มอำนวยการ, กลุ่มนโยบายและแผน)."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(_("ชื่อกลุ่มงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("กลุ่มงาน")
        verbose_name_plural = _("กลุ่มงาน")
        ordering = ["agency", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="division_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("เจ้าหน้าที่")
    DIRECTOR = "director", _("ผู้อำนวยการ / หัวหน้าส่วนราชการ")
    SUPERVISOR = "supervisor", _("ผู้กำกับติดตาม (หน่วยงานต้นสังกัด)")


class NameTitle(models.TextChoices):
    MR = "นาย", "นาย"
    MRS = "นาง", "นาง"
    MS = "นางสาว", "นางสาว"
    OTHER = "", _("อื่น ๆ (ระบุในชื่อ)")


class Membership(models.Model):
    """A person's place in an agency: role, division, position, and Thai name as printed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ใช้"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="memberships")
    division = models.ForeignKey(
        Division, verbose_name=_("กลุ่มงาน"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, default=Role.STAFF)
    # Kept as the person typed it ("น.ส.", "ว่าที่ร้อยตรีหญิง", "ดร."): documents print it so (seed 003
    # writes "น.ส.กมลนภา"); NameTitle only suggests the usual ones.
    name_title = models.CharField(
        _("คำนำหน้าชื่อ"), max_length=30, blank=True, help_text=_("พิมพ์ตามที่ใช้ในหนังสือราชการ เช่น นาย นาง นางสาว น.ส. ดร.")
    )
    first_name_th = models.CharField(_("ชื่อ"), max_length=150)
    last_name_th = models.CharField(_("นามสกุล"), max_length=150)
    position_title = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True, help_text=_("เช่น ศึกษานิเทศก์ชำนาญการพิเศษ"))
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("สมาชิกหน่วยงาน")
        verbose_name_plural = _("สมาชิกหน่วยงาน")
        ordering = ["agency", "role", "first_name_th"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="membership_unique_user_agency")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.agency.display_short})"

    @property
    def full_name(self) -> str:
        """'นางทวิกา บำรุงสวัสดิ์': title joined to the first name, as Thai documents print it."""
        return f"{self.name_title}{self.first_name_th} {self.last_name_th}".strip()


class DayOff(models.Model):
    """A day the agency does not work beyond the Thai public holidays (the ``holidays`` package
    knows those): a วันหยุดพิเศษ announced by the cabinet late, a provincial day off, an office move.
    Meeting dates and reminder moments skip these as they skip the public holidays."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="days_off")
    date = models.DateField(_("วันที่"))
    name = models.CharField(_("ชื่อวันหยุด"), max_length=255)

    class Meta:
        verbose_name = _("วันหยุดของหน่วยงาน")
        verbose_name_plural = _("วันหยุดของหน่วยงาน")
        ordering = ["agency", "date"]
        constraints = [models.UniqueConstraint(fields=["agency", "date"], name="day_off_unique_date")]

    def __str__(self) -> str:
        return self.name
