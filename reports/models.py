"""Reports: a memo (บันทึกข้อความ) plus its attachment, signed off and published.

A Report moves draft → submitted → approved / returned → published (→ revoked); every move is a
ReportEvent carrying the SHA-256 of the PDF it concerned. An approved PDF is a Rendition frozen with
its hash and the data it was made from; editing an approved report starts a new version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Agency, AttachmentDigits, Division, attachment_digits_field


class ReportKind(models.TextChoices):
    MEASURES_PLAN = "measures_plan", _("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน")
    RESULTS = "results", _("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน")
    MONITORING = "monitoring", _("รายงานผลการกำกับ ติดตาม")
    CALENDAR = "calendar", _("ปฏิทินการกำกับ ติดตาม")
    QUARTERLY = "quarterly", _("รายงานผลการดำเนินงานตามแผนปฏิบัติการ รายไตรมาส")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("ฉบับร่าง")
    SUBMITTED = "submitted", _("เสนอพิจารณา")
    RETURNED = "returned", _("ส่งกลับแก้ไข")
    APPROVED = "approved", _("อนุมัติแล้ว")
    PUBLISHED = "published", _("เผยแพร่แล้ว")
    REVOKED = "revoked", _("ยกเลิกการเผยแพร่")


class Decision(models.TextChoices):
    ACKNOWLEDGE = "ทราบ", "ทราบ"
    PERMIT = "อนุญาต", "อนุญาต"
    APPROVE = "อนุมัติ", "อนุมัติ"
    REFUSE = "ไม่อนุญาต", "ไม่อนุญาต"


class PlanLayout(models.TextChoices):
    """The measures table of a measures plan: seed 003's five columns or seed 001's four."""

    FIVE_COLUMNS = "five", _("๕ คอลัมน์ (ข้อบกพร่อง ประเด็นพัฒนา ผู้รับผิดชอบ ขั้นตอน การกำกับติดตาม)")
    FOUR_COLUMNS = "four", _("๔ คอลัมน์ (ตัวชี้วัด ประเด็นการประเมิน มาตรการและแนวทาง ระยะเวลาและผู้รับผิดชอบ)")


class StatusColumns(models.TextChoices):
    """The tick columns under การปฏิบัติ of a monitoring report (seed 000 prints both pairs)."""

    IN_PROGRESS = "in_progress", _("ดำเนินการ / กำลังดำเนินการ")
    NOT_DONE = "not_done", _("ดำเนินการ / ไม่ดำเนินการ")
    ALL = "all", _("ดำเนินการ / กำลังดำเนินการ / ไม่ดำเนินการ")


class DocumentSequence(models.Model):
    """Running document numbers per agency and fiscal year (ที่ ศธ ๐๔๑๑๔/๑๒๓).

    Numbers are taken with SELECT … FOR UPDATE inside the approving transaction, so two directors
    approving at once never get the same number.
    """

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="document_sequences")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    last_number = models.PositiveIntegerField(_("เลขที่ล่าสุด"), default=0)

    class Meta:
        verbose_name = _("เลขที่หนังสือ")
        verbose_name_plural = _("เลขที่หนังสือ")
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year"], name="docseq_unique_agency_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.fiscal_year}: {self.last_number}"


class Report(models.Model):
    """One version of a report document of an agency for a fiscal year (and quarter)."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="reports")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    kind = models.CharField(_("ประเภทเอกสาร"), max_length=20, choices=ReportKind.choices)
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"), null=True, blank=True)
    # All versions of one document share a series id; one of them is current.
    series = models.UUIDField(_("ชุดเอกสาร"), default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveSmallIntegerField(_("ฉบับที่"), default=1)
    previous = models.OneToOneField(
        "self", verbose_name=_("ฉบับก่อนหน้า"), null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    state = models.CharField(_("สถานะ"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    oit_item_key = models.SlugField(
        _("ตอบข้อ OIT (รหัสคงที่)"),
        max_length=80,
        blank=True,
        help_text=_("เช่น integrity-measures สำหรับ O42 (2566) / O25 (2569); ดู fixtures/frameworks/README.md"),
    )
    # Memo header and body, edited by staff (defaults per kind come from the report service).
    division = models.ForeignKey(
        Division, verbose_name=_("กลุ่มงานเจ้าของเรื่อง"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department_line = models.CharField(_("ส่วนราชการ"), max_length=500, blank=True)
    doc_number = models.PositiveIntegerField(_("เลขที่หนังสือ"), null=True, blank=True)
    doc_date = models.DateField(_("วันที่"), null=True, blank=True)
    subject = models.CharField(_("เรื่อง"), max_length=500)
    addressee = models.CharField(_("เรียน"), max_length=255)
    body = models.TextField(_("เนื้อความ"), help_text=_("เว้นบรรทัดว่างระหว่างย่อหน้า"))
    proposals = models.TextField(_("ข้อเสนอ"), blank=True, help_text=_("หนึ่งบรรทัดต่อหนึ่งข้อ เช่น ขออนุญาตเผยแพร่ … ทางเว็บไซต์"))
    closing = models.CharField(_("ข้อความปิดท้าย"), max_length=255, default="จึงเรียนมาเพื่อโปรดพิจารณา")
    signer_name = models.CharField(_("ชื่อผู้ลงนาม"), max_length=255, blank=True)
    signer_position = models.CharField(_("ตำแหน่งผู้ลงนาม"), max_length=255, blank=True)
    title = models.CharField(_("ชื่อเอกสารแนบ"), max_length=500, blank=True)
    intro = models.TextField(
        _("ข้อความนำในเอกสารแนบ"),
        blank=True,
        help_text=_("บทวิเคราะห์หรือข้อความก่อนตาราง เว้นบรรทัดว่างระหว่างย่อหน้า"),
    )
    use_thai_digits = models.BooleanField(_("ใช้เลขไทย"), default=True)
    # What the seed documents print beyond the memo and the table (issue 11): each applies to the
    # kinds whose DocumentKind lists it in ``seed_fields`` (the form shows only those).
    cover_page = models.BooleanField(
        _("พิมพ์หน้าปก"), default=False, help_text=_("หน้าปกก่อนเอกสารแนบ: ชื่อเอกสาร หน่วยงาน ปีงบประมาณ (แบบรายงานผลของ สพป.)")
    )
    cover_lines = models.TextField(
        _("ข้อความท้ายหน้าปก"),
        blank=True,
        help_text=_("หนึ่งบรรทัดต่อหนึ่งบรรทัด เช่น ชื่อหน่วยงาน สังกัด และกระทรวง — ว่างไว้ = ชื่อหน่วยงาน"),
    )
    summary = models.TextField(_("บทสรุป"), blank=True, help_text=_("พิมพ์เป็นหัวข้อ “บทสรุป” ก่อนเอกสารแนบ เว้นบรรทัดว่างระหว่างย่อหน้า"))
    show_grade_legend = models.BooleanField(
        _("แสดงเกณฑ์ระดับคะแนน"), default=False, help_text=_("ตารางระดับคะแนน AA–F และเกณฑ์การผ่านใต้ตารางคะแนน")
    )
    plan_layout = models.CharField(
        _("รูปแบบตารางมาตรการ"), max_length=10, choices=PlanLayout.choices, default=PlanLayout.FIVE_COLUMNS
    )
    results_plan_table = models.BooleanField(
        _("แสดงตารางมาตรการและแนวทาง"),
        default=False,
        help_text=_("ตาราง ๔ คอลัมน์ (ตัวชี้วัด ประเด็นการประเมิน มาตรการและแนวทาง ระยะเวลาและผู้รับผิดชอบ) ก่อนผลการดำเนินการ"),
    )
    results_period_column = models.BooleanField(
        _("แสดงคอลัมน์ระยะเวลาดำเนินการ"), default=False, help_text=_("ในตารางผลการดำเนินการตามมาตรการ")
    )
    status_columns = models.CharField(
        _("คอลัมน์การปฏิบัติ"), max_length=12, choices=StatusColumns.choices, default=StatusColumns.IN_PROGRESS
    )
    distribution = models.TextField(_("รายชื่อผู้รับทราบ (แจ้งเวียน)"), blank=True, help_text=_("หนึ่งชื่อต่อหนึ่งบรรทัด พิมพ์ท้ายบันทึกข้อความ"))
    head_signature_label = models.CharField(
        _("ข้อความเหนือลายมือชื่อผู้บริหาร"), max_length=100, blank=True, help_text=_("เช่น ผู้บริหาร (ท้ายเอกสารแนบ)")
    )
    certified_by_name = models.CharField(
        _("ผู้รับรองสำเนาถูกต้อง"), max_length=255, blank=True, help_text=_("ชื่อผู้ลงนามรับรอง “สำเนาถูกต้อง” ท้ายเอกสารแนบ")
    )
    certified_by_position = models.CharField(_("ตำแหน่งผู้รับรองสำเนาถูกต้อง"), max_length=255, blank=True)
    attachment_digits = attachment_digits_field(_("เช่น บันทึกข้อความใช้เลขไทย ตารางคะแนนในเอกสารแนบใช้เลขอารบิก"))
    doc_prefix = models.CharField(
        _("รหัสส่วนราชการของเลขที่หนังสือ"),
        max_length=50,
        blank=True,
        help_text=_("เช่น ศธ ๐๔๑๑๔ — ว่างไว้ใช้ของหน่วยงาน"),
    )
    # Sign-off outcome, filled by report_approve.
    decision = models.CharField(_("คำสั่งการ"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("ความเห็นผู้บริหาร"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("อนุมัติโดย"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"), null=True, blank=True)
    # The date printed under the endorsement: chosen by the approver (default the day of approval),
    # never before the memo's date.
    endorsed_on = models.DateField(_("วันที่สั่งการ"), null=True, blank=True)
    # Name and position as printed in the endorsement block, copied from the approver's membership.
    approver_name = models.CharField(_("ชื่อผู้อนุมัติ"), max_length=255, blank=True)
    approver_position = models.CharField(_("ตำแหน่งผู้อนุมัติ"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    # The routing chain (เสนอตามลำดับชั้น): each submission is a round of ReviewSteps; the step
    # holding the memo now, or null when it waits for the director (or is not submitted).
    review_round = models.PositiveSmallIntegerField(_("รอบการเสนอ"), default=0)
    pending_review = models.ForeignKey(
        "ReviewStep", verbose_name=_("รอการพิจารณาของ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("จัดทำโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("รายงาน")
        verbose_name_plural = _("รายงาน")
        ordering = ["agency", "-fiscal_year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="report_unique_version"),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "doc_number"],
                condition=models.Q(doc_number__isnull=False),
                name="report_unique_doc_number",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="report_quarter_range",
                violation_error_message=_("ไตรมาสต้องเป็น 1–4"),
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2500, fiscal_year__lte=2700),
                name="report_year_is_be",
                violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช"),
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "fiscal_year", "state"], name="report_agency_year_state"),
            models.Index(fields=["fiscal_year"], name="report_fiscal_year"),  # see measures.Measure's
        ]

    def __str__(self) -> str:
        return f"{self.subject} (ฉบับที่ {self.version})"

    @property
    def attachment_thai_digits(self) -> bool:
        """Whether the attachment prints Thai digits: its own choice, else the memo's."""
        if self.attachment_digits == AttachmentDigits.THAI:
            return True
        if self.attachment_digits == AttachmentDigits.ARABIC:
            return False
        return self.use_thai_digits

    def download_name(self) -> str:
        """``<kind>-<agency code>-<year>-v<n>.pdf``: a name a person can read in a folder."""
        return f"{self.kind}-{self.agency.code}-{self.fiscal_year}-v{self.version}.pdf"


class ReportAction(models.TextChoices):
    CREATE = "create", _("สร้าง")
    EDIT = "edit", _("แก้ไข")
    SUBMIT = "submit", _("เสนอพิจารณา")
    RETURN = "return", _("ส่งกลับแก้ไข")
    APPROVE = "approve", _("อนุมัติ")
    PUBLISH = "publish", _("เผยแพร่")
    REVOKE = "revoke", _("ยกเลิกการเผยแพร่")
    NEW_VERSION = "new_version", _("สร้างฉบับใหม่")
    FORWARD = "forward", _("เสนอต่อตามลำดับชั้น")


class ReportEvent(models.Model):
    """The sign-off trail. Rows are only ever added."""

    report = models.ForeignKey(Report, verbose_name=_("รายงาน"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("การดำเนินการ"), max_length=20, choices=ReportAction.choices)
    from_state = models.CharField(_("จากสถานะ"), max_length=20, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("เป็นสถานะ"), max_length=20, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ดำเนินการ"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 ของ PDF"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("ประวัติการพิจารณา")
        verbose_name_plural = _("ประวัติการพิจารณา")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class RenditionStatus(models.TextChoices):
    PENDING = "pending", _("รอคิว")
    RENDERING = "rendering", _("กำลังสร้าง PDF")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


def rendition_upload_to(instance: Rendition, filename: str) -> str:
    r = instance.report
    return f"renditions/{r.agency_id}/{r.fiscal_year}/{r.series}-v{r.version}-{uuid.uuid4().hex[:8]}.pdf"


class Rendition(models.Model):
    """A PDF made from a report. ``is_final`` renditions are frozen: file, hash and source data."""

    report = models.ForeignKey(Report, verbose_name=_("รายงาน"), on_delete=models.CASCADE, related_name="renditions")
    status = models.CharField(_("สถานะ"), max_length=20, choices=RenditionStatus.choices, default=RenditionStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("ความคืบหน้า (ร้อยละ)"), default=0)
    file = models.FileField(_("ไฟล์ PDF"), upload_to=rendition_upload_to, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), default=0)
    pages = models.PositiveSmallIntegerField(_("จำนวนหน้า"), default=0)
    source_data = models.JSONField(_("ข้อมูลที่ใช้สร้าง"), default=dict, blank=True)
    is_final = models.BooleanField(_("ฉบับที่อนุมัติ (ห้ามแก้ไข)"), default=False)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("สั่งสร้างโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    # When the render task was handed to the broker; empty while the broker could not take it.
    queued_at = models.DateTimeField(_("ส่งเข้าคิวเมื่อ"), null=True, blank=True)
    started_at = models.DateTimeField(_("เริ่มสร้างเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("ไฟล์ PDF ของรายงาน")
        verbose_name_plural = _("ไฟล์ PDF ของรายงาน")
        ordering = ["report", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report"], condition=models.Q(is_final=True), name="rendition_one_final_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.report} — {self.get_status_display()}"


class RoutingStep(models.Model):
    """One person a report of ``kind`` passes through before the director (เสนอตามลำดับชั้น).

    An agency without steps for a kind sends it directly to the director. Set by
    ``reports.services.routing.routing_chain_set``.
    """

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="routing_steps")
    kind = models.CharField(_("ประเภทเอกสาร"), max_length=20, choices=ReportKind.choices)
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    reviewer = models.ForeignKey(
        "agencies.Membership", verbose_name=_("ผู้พิจารณา"), on_delete=models.CASCADE, related_name="routing_steps"
    )

    class Meta:
        verbose_name = _("ลำดับการเสนอ")
        verbose_name_plural = _("ลำดับการเสนอ")
        ordering = ["agency", "kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "order"], name="routing_unique_order"),
            models.UniqueConstraint(fields=["agency", "kind", "reviewer"], name="routing_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order}: {self.reviewer}"


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("รอพิจารณา")
    FORWARD = "forward", _("เสนอต่อ")
    RETURN = "return", _("ส่งกลับแก้ไข")


class ReviewStep(models.Model):
    """One person's turn on one submission of a report, with the note (เกษียณหนังสือ) written there.

    Name and position are copied when the memo reaches the chain, so the printed memo never changes
    when a membership is edited later.
    """

    report = models.ForeignKey(Report, verbose_name=_("รายงาน"), on_delete=models.CASCADE, related_name="review_steps")
    round = models.PositiveSmallIntegerField(_("รอบการเสนอ"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้พิจารณา"), on_delete=models.PROTECT, related_name="review_steps"
    )
    reviewer_name = models.CharField(_("ชื่อผู้พิจารณา"), max_length=255)
    reviewer_position = models.CharField(_("ตำแหน่งผู้พิจารณา"), max_length=255, blank=True)
    outcome = models.CharField(_("ผลการพิจารณา"), max_length=10, choices=ReviewOutcome.choices, blank=True, default="")
    note = models.TextField(_("เกษียณหนังสือ"), blank=True)
    done_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การพิจารณาตามลำดับชั้น")
        verbose_name_plural = _("การพิจารณาตามลำดับชั้น")
        ordering = ["report", "round", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "round", "order"], name="review_unique_step")]

    def __str__(self) -> str:
        return f"{self.reviewer_name} ({self.get_outcome_display()})"


from reports.signing_models import AgencySigningKey, KeySource, SignatureImage  # noqa: E402 - Django finds them here

__all__ = [
    "AgencySigningKey",
    "AttachmentDigits",
    "Decision",
    "DocumentSequence",
    "KeySource",
    "PlanLayout",
    "Rendition",
    "RenditionStatus",
    "Report",
    "ReportAction",
    "ReportEvent",
    "ReportKind",
    "ReportState",
    "ReviewOutcome",
    "ReviewStep",
    "RoutingStep",
    "SignatureImage",
    "StatusColumns",
]
