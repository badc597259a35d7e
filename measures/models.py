"""Weaknesses found in the scores, the measures (มาตรการ) that answer them, their steps, the
follow-up meetings (ปฏิทินการกำกับติดตาม) with their reminders, progress updates and evidence.

Behaviour lives in ``measures/services.py``; these classes hold shapes and database guarantees.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Assessment, Indicator, Item
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.thai import format_date

FISCAL_YEAR_CHECK = models.Q(fiscal_year__gte=2500, fiscal_year__lte=2700)
NON_NEGATIVE_MONEY = [MinValueValidator(Decimal("0"), message=_("จำนวนเงินต้องไม่ติดลบ"))]


class WeaknessKind(models.TextChoices):
    URGENT = "urgent", _("ข้อบกพร่องหรือจุดอ่อนที่ต้องแก้ไขโดยเร่งด่วน")
    IMPROVE = "improve", _("ประเด็นที่จะพัฒนาให้ดีขึ้น")


class WeaknessStatus(models.TextChoices):
    PROPOSED = "proposed", _("ระบบเสนอ (รอยืนยัน)")
    CONFIRMED = "confirmed", _("ยืนยันแล้ว")
    DISMISSED = "dismissed", _("ไม่นำมาใช้")


class Weakness(models.Model):
    """A weak point found from an assessment (or named by staff), with its analysis."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="weaknesses")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณที่ดำเนินมาตรการ"))
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("ผลการประเมินที่เป็นที่มา"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="weaknesses",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), null=True, blank=True, on_delete=models.SET_NULL, related_name="weaknesses"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("ข้อ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="weaknesses"
    )
    kind = models.CharField(_("ประเภท"), max_length=20, choices=WeaknessKind.choices, default=WeaknessKind.URGENT)
    title = models.CharField(_("ประเด็น"), max_length=500)
    analysis = models.TextField(_("ผลการวิเคราะห์"), blank=True)
    status = models.CharField(_("สถานะ"), max_length=20, choices=WeaknessStatus.choices, default=WeaknessStatus.CONFIRMED)
    is_proposed_by_system = models.BooleanField(_("ระบบเสนอจากคะแนน"), default=False)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("สร้างโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("จุดอ่อน / ประเด็นพัฒนา")
        verbose_name_plural = _("จุดอ่อน / ประเด็นพัฒนา")
        ordering = ["agency", "-fiscal_year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=FISCAL_YEAR_CHECK, name="weakness_year_is_be", violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช")
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("ยังไม่ดำเนินการ")
    IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
    DONE = "done", _("ดำเนินการแล้ว")
    NOT_DONE = "not_done", _("ไม่ดำเนินการ")


#: Each status's label (lazy: translated where it is shown), for lists that print one per row
#: (``get_status_display()`` rebuilds the choices on every call).
STATUS_LABELS = dict(MeasureStatus.choices)


class MeasureKind(models.TextChoices):
    """What a measure does, for the supervisor's roll-up of which kinds went with gains."""

    DISCLOSURE = "disclosure", _("เผยแพร่ข้อมูล")
    PROCESS = "process", _("ปรับปรุงกระบวนงาน")
    AWARENESS = "awareness", _("อบรม / สร้างความตระหนัก")
    CHANNEL = "channel", _("ช่องทางรับฟัง / ร้องเรียน")
    OTHER = "other", _("อื่น ๆ")


class Measure(models.Model):
    """A มาตรการ: what the agency will do in a fiscal year about a weakness."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="measures")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    weakness = models.ForeignKey(
        Weakness, verbose_name=_("จุดอ่อน / ประเด็นพัฒนา"), null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    items = models.ManyToManyField(Item, verbose_name=_("ข้อที่เกี่ยวข้อง"), blank=True, related_name="measures")
    issue_heading = models.CharField(
        _("ประเด็น"), max_length=500, blank=True, help_text=_("เช่น ประเด็นที่ ๑.๑ กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ")
    )
    title = models.CharField(_("ชื่อมาตรการ"), max_length=500)
    kind = models.CharField(
        _("ประเภทมาตรการ"),
        max_length=20,
        choices=MeasureKind.choices,
        blank=True,
        help_text=_("ใช้สรุปผลในพื้นที่ว่ามาตรการประเภทใดมาพร้อมคะแนนที่เพิ่มขึ้น"),
    )
    weakness_text = models.TextField(_("ประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อนที่ต้องแก้ไขโดยเร่งด่วน"), blank=True)
    improvement_text = models.TextField(_("ประเด็นที่จะพัฒนาให้ดีขึ้น"), blank=True)
    guideline = models.TextField(_("แนวทางการดำเนินการ"), blank=True)
    objective = models.TextField(_("วัตถุประสงค์"), blank=True)
    target_quantity = models.TextField(_("เป้าหมายเชิงปริมาณ"), blank=True)
    target_quality = models.TextField(_("เป้าหมายเชิงคุณภาพ"), blank=True)
    responsible_divisions = models.ManyToManyField(
        Division, verbose_name=_("กลุ่มงานที่รับผิดชอบ"), blank=True, related_name="measures"
    )
    responsible_people = models.ManyToManyField(
        Membership, verbose_name=_("ผู้รับผิดชอบ (บุคคล)"), blank=True, related_name="measures"
    )
    responsible_note = models.CharField(
        _("ผู้รับผิดชอบ (ข้อความเพิ่มเติม)"), max_length=500, blank=True, help_text=_("เช่น และกลุ่มงานที่เกี่ยวข้อง")
    )
    start_date = models.DateField(_("วันเริ่มต้น"), null=True, blank=True)
    end_date = models.DateField(_("วันสิ้นสุด"), null=True, blank=True)
    period_text = models.CharField(
        _("ระยะเวลาดำเนินการ (ข้อความ)"), max_length=255, blank=True, help_text=_("เช่น มิถุนายน – กรกฎาคม ๒๕๖๗")
    )
    budget_planned = models.DecimalField(
        _("งบประมาณที่วางแผน (บาท)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE_MONEY
    )
    budget_source = models.CharField(_("แหล่งงบประมาณ"), max_length=255, blank=True)
    limitations = models.TextField(_("ข้อจำกัดของหน่วยงาน"), blank=True)
    monitoring_approach = models.TextField(_("แนวทางการกำกับติดตามให้นำไปสู่การปฏิบัติและการรายงานผล"), blank=True)
    # Group headers of the quarterly action-plan report (seed 002): rows under the same national
    # strategy, strategy and project print under one header.
    national_strategy = models.CharField(
        _("ยุทธศาสตร์ชาติ"),
        max_length=500,
        blank=True,
        help_text=_("เช่น ยุทธศาสตร์ชาติว่าด้วยการป้องกันและปราบปรามการทุจริต ระยะที่ ๓ (พ.ศ. ๒๕๖๐ - ๒๕๖๔)"),
    )
    strategy = models.CharField(_("ยุทธศาสตร์"), max_length=500, blank=True, help_text=_("เช่น ยุทธศาสตร์ที่ ๑ สร้างสังคมที่ไม่ทนต่อการทุจริต"))
    project = models.CharField(_("โครงการ"), max_length=500, blank=True, help_text=_("เช่น โครงการยกระดับการทำงานให้สอดคล้องกับ ITA"))
    # Who acknowledges this row of the monitoring report when it is not the head (seed 000 rows 8–12).
    ack_signer_name = models.CharField(
        _("ผู้ลงนามรับทราบ (แทนผู้บริหาร)"),
        max_length=255,
        blank=True,
        help_text=_("ว่างไว้ = ผู้บริหารของหน่วยงาน เช่น นายพัชรุต อุปัติสาร"),
    )
    ack_signer_position = models.CharField(_("ตำแหน่งผู้ลงนามรับทราบ"), max_length=255, blank=True)
    ack_signer_label = models.CharField(
        _("ข้อความเหนือลายมือชื่อผู้ลงนามรับทราบ"), max_length=100, blank=True, help_text=_("เช่น ผู้แทนท้องถิ่น")
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("สร้างโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("ประวัติมาตรการ"), m2m_fields=[responsible_divisions, responsible_people])

    class Meta:
        verbose_name = _("มาตรการ")
        verbose_name_plural = _("มาตรการ")
        ordering = ["agency", "-fiscal_year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="measure_period_ordered",
                violation_error_message=_("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_planned__gte=0),
                name="measure_budget_non_negative",
                violation_error_message=_("งบประมาณต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=FISCAL_YEAR_CHECK, name="measure_year_is_be", violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช")
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "fiscal_year", "status"], name="measure_agency_year_status"),
            # The admin's date drill-down reads MIN/MAX(start_date) over a supervisor's scope.
            models.Index(fields=["start_date"], name="measure_start_date"),
            # A supervisor's working year: the latest year of the subtree's rows, read backwards
            # from the top of this index (ita_portal.agencies.dashboard.working_years).
            models.Index(fields=["fiscal_year"], name="measure_fiscal_year"),
        ]

    def __str__(self) -> str:
        return self.title


class MeasureStep(models.Model):
    """One ordered step (ขั้นตอนหรือวิธีการปฏิบัติ) of a measure; staff tick it off when done."""

    measure = models.ForeignKey(Measure, verbose_name=_("มาตรการ"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    text = models.TextField(_("ขั้นตอน"))
    due_date = models.DateField(_("กำหนดเสร็จ"), null=True, blank=True)
    is_done = models.BooleanField(_("เสร็จแล้ว"), default=False)
    done_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ยืนยันโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(verbose_name=_("ประวัติขั้นตอน"))

    class Meta:
        verbose_name = _("ขั้นตอนการดำเนินการ")
        verbose_name_plural = _("ขั้นตอนการดำเนินการ")
        ordering = ["measure", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("กำหนดการ")
    HELD = "held", _("ดำเนินการแล้ว")
    CANCELLED = "cancelled", _("ยกเลิกแล้ว")


class FollowUp(models.Model):
    """A follow-up meeting (การกำกับติดตาม ครั้งที่ ๑, ๒ …) for an agency's plan or one measure."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="followups")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("มาตรการ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followups",
        help_text=_("ว่างไว้ = การกำกับติดตามของทั้งแผน"),
    )
    number = models.PositiveSmallIntegerField(_("ครั้งที่"))
    title = models.CharField(_("รายการกิจกรรม / หัวข้อ"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("วันเวลาเริ่ม"))
    ends_at = models.DateTimeField(_("วันเวลาสิ้นสุด"), null=True, blank=True)
    place = models.CharField(_("สถานที่"), max_length=255, blank=True)
    online_url = models.URLField(_("ลิงก์ประชุมออนไลน์"), max_length=1000, blank=True)
    agenda = models.TextField(_("วาระ / รายการติดตาม"), blank=True)
    attendees = models.ManyToManyField(Membership, verbose_name=_("ผู้เข้าร่วม"), blank=True, related_name="followups")
    responsible_divisions = models.ManyToManyField(
        Division, verbose_name=_("ผู้รับผิดชอบ (กลุ่มงาน)"), blank=True, related_name="followups"
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED)
    minutes = models.TextField(_("บันทึกผลการประชุม"), blank=True)
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    # Stable across moves so calendar apps update the event instead of adding a second one.
    uid = models.UUIDField(_("UID ปฏิทิน"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("ลำดับการแก้ไข (iCalendar SEQUENCE)"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("สร้างโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("ประวัติการกำกับติดตาม"))

    class Meta:
        verbose_name = _("การกำกับติดตาม (ประชุม)")
        verbose_name_plural = _("ปฏิทินการกำกับติดตาม")
        ordering = ["agency", "starts_at", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="followup_period_ordered",
                violation_error_message=_("เวลาสิ้นสุดต้องไม่ก่อนเวลาเริ่ม"),
            ),
            models.CheckConstraint(
                condition=FISCAL_YEAR_CHECK, name="followup_year_is_be", violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช")
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "fiscal_year", "starts_at"], name="followup_agency_year_start"),
            models.Index(fields=["fiscal_year"], name="followup_fiscal_year"),  # see Measure's
        ]

    def __str__(self) -> str:
        return f"ครั้งที่ {self.number} {self.title}".strip()


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("แจ้งเตือนล่วงหน้า")
    CANCELLATION = "cancellation", _("แจ้งยกเลิก")


class Reminder(models.Model):
    """One reminder moment of a follow-up meeting: when it is due and whether it went out.

    The sweep claims due rows with a conditional UPDATE (``claimed_at`` set where it was NULL or
    stale), so two workers never send the same reminder and a worker that died mid-send leaves a row
    that is claimed again later.
    """

    followup = models.ForeignKey(FollowUp, verbose_name=_("การกำกับติดตาม"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("ประเภท"), max_length=20, choices=ReminderKind.choices, default=ReminderKind.REMINDER)
    lead_days = models.PositiveSmallIntegerField(_("ล่วงหน้า (วัน)"), default=0)
    due_at = models.DateTimeField(_("ถึงกำหนดส่ง"), db_index=True)
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    claim_token = models.UUIDField(_("รหัสการจอง"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("ส่งแล้วเมื่อ"), null=True, blank=True)
    skipped_reason = models.CharField(_("ไม่ส่งเพราะ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["followup", "kind", "lead_days"], name="reminder_unique_moment"),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="reminder_due_unsent", condition=models.Q(sent_at__isnull=True, skipped_reason="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.followup} − {self.lead_days} วัน"


class ProgressUpdate(models.Model):
    """A dated report on a measure: status, results, outcome, money spent, obstacles, suggestions."""

    measure = models.ForeignKey(Measure, verbose_name=_("มาตรการ"), on_delete=models.CASCADE, related_name="progress_updates")
    reported_on = models.DateField(_("วันที่รายงาน"))
    status = models.CharField(_("สถานะ"), max_length=20, choices=MeasureStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("ความก้าวหน้า (ร้อยละ)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    result_summary = models.TextField(_("สรุปผลการดำเนินการ"), blank=True)
    outcome = models.TextField(_("ผลลัพธ์ / ความสำเร็จ"), blank=True)
    budget_spent = models.DecimalField(
        _("งบประมาณที่ใช้ (บาท)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE_MONEY
    )
    obstacles = models.TextField(_("ปัญหา / อุปสรรค"), blank=True)
    suggestions = models.TextField(_("ข้อเสนอแนะ"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("บันทึกโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("ประวัติการรายงานความก้าวหน้า"))

    class Meta:
        verbose_name = _("ความก้าวหน้า")
        verbose_name_plural = _("ความก้าวหน้า")
        ordering = ["measure", "-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_spent__gte=0),
                name="progress_budget_non_negative",
                violation_error_message=_("งบประมาณที่ใช้ต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__isnull=True) | models.Q(percent_complete__lte=100),
                name="progress_percent_range",
                violation_error_message=_("ร้อยละความก้าวหน้าต้องไม่เกิน 100"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {format_date(self.reported_on, thai_digits=False, abbr=True)}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("ไฟล์")
    LINK = "link", _("ลิงก์")


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Random names: the original name is kept in a field, never trusted as a path.
    ext = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    agency_id = instance.agency_id or instance.measure.agency_id
    return f"evidence/{agency_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A file or link that proves something: a measure's progress, or an OIT item's publication
    (``oit.OitEvidence`` links it to a workspace row; then ``measure`` is empty). Files are served
    only through access-checked views."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("หน่วยงาน"), null=True, on_delete=models.CASCADE, related_name="evidence", editable=False
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("มาตรการ"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    progress = models.ForeignKey(
        ProgressUpdate, verbose_name=_("ความก้าวหน้า"), null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    kind = models.CharField(_("ประเภท"), max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(_("ชื่อหลักฐาน"), max_length=255)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_upload_to, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    content_type = models.CharField(_("ชนิดไฟล์ (ตรวจจากเนื้อไฟล์)"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("ลิงก์"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("อัปโหลดโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("หลักฐาน")
        verbose_name_plural = _("หลักฐาน")
        ordering = ["measure", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="file") & ~models.Q(file="")) | (models.Q(kind="link") & ~models.Q(url="")),
                name="evidence_has_file_or_link",
                violation_error_message=_("หลักฐานต้องมีไฟล์หรือลิงก์"),
            )
        ]

    def __str__(self) -> str:
        return self.title


def _feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a calendar-feed URL (iCalendar subscription) of one user.

    ``agency`` set: that agency's follow-up meetings; empty: the user's own meetings across their
    agencies. Calendar apps cannot log in, so the token is the credential: it is long and random,
    shown only to its owner, can be regenerated (the old URL stops working at once), and the feed
    still checks that the owner may read the agency today.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ใช้"), on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("หน่วยงาน"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(_("รหัสลับ"), max_length=64, unique=True, default=_feed_token, editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("ลิงก์ปฏิทิน (ICS)")
        verbose_name_plural = _("ลิงก์ปฏิทิน (ICS)")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="feed_token_unique_user_agency"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(agency__isnull=True), name="feed_token_unique_personal"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.agency or _('ปฏิทินส่วนตัว')}"
