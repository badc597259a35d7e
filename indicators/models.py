"""The ITA catalogue of each fiscal year and assessor, and each agency's scores in it.

Year-specific facts (indicators, O-items, weights, pass mark) are rows loaded from ``fixtures/``,
never constants in code. Items keep a ``stable_key`` so that e.g. the measures item is linked across
years although it is O42 in 2566 and O25 in 2569.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Agency

SCORE_VALIDATORS = [
    MinValueValidator(Decimal("0"), message=_("คะแนนต้องไม่น้อยกว่า 0")),
    MaxValueValidator(Decimal("100"), message=_("คะแนนต้องไม่เกิน 100")),
]


def score_range_check(field: str, name: str) -> models.CheckConstraint:
    """Database guard: a score is NULL or within 0–100."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=name,
        violation_error_message=_("คะแนนต้องอยู่ระหว่าง 0 ถึง 100"),
    )


class Instrument(models.TextChoices):
    IIT = "IIT", _("IIT แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน")
    EIT = "EIT", _("EIT แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก")
    OIT = "OIT", _("OIT แบบตรวจการเปิดเผยข้อมูลสาธารณะ")


class Assessor(models.Model):
    """Who runs an assessment: the NACC's national ITA, or a ministry's own variant checklist."""

    code = models.SlugField(_("รหัส"), max_length=50, unique=True)
    name = models.CharField(_("ชื่อผู้ประเมิน"), max_length=255)
    description = models.TextField(_("รายละเอียด"), blank=True)

    class Meta:
        verbose_name = _("ผู้ประเมิน")
        verbose_name_plural = _("ผู้ประเมิน")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Framework(models.Model):
    """The catalogue of one fiscal year for one assessor: indicators, items, weights, pass mark."""

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    assessor = models.ForeignKey(Assessor, verbose_name=_("ผู้ประเมิน"), on_delete=models.PROTECT, related_name="frameworks")
    name = models.CharField(_("ชื่อ"), max_length=255)
    pass_mark = models.DecimalField(
        _("เกณฑ์ผ่าน"), max_digits=5, decimal_places=2, default=Decimal("85"), validators=SCORE_VALIDATORS
    )
    iit_weight = models.DecimalField(_("น้ำหนัก IIT"), max_digits=5, decimal_places=2, default=Decimal("30"))
    eit_weight = models.DecimalField(_("น้ำหนัก EIT"), max_digits=5, decimal_places=2, default=Decimal("30"))
    oit_weight = models.DecimalField(_("น้ำหนัก OIT"), max_digits=5, decimal_places=2, default=Decimal("40"))
    source_note = models.TextField(_("แหล่งที่มา / หมายเหตุ"), blank=True)
    is_confirmed = models.BooleanField(_("ยืนยันจากแหล่งทางการแล้ว"), default=False, help_text=_("ไม่เลือก หากรายการข้อยังเป็นข้อมูลบางส่วน"))
    # A draft (made from last year's catalogue, being edited) is invisible to every page that uses
    # the catalogue until a catalogue editor confirms it (``indicators.catalogue.upkeep``).
    is_draft = models.BooleanField(_("ฉบับร่าง"), default=False)
    # The qualitative rating of 2568 onward (ผ่านดี / ผ่าน …) as data: bands best first, each
    # {"label", "min_score", "min_instruments": {"eit": 85, …}}. Empty = the year publishes none
    # or its rule is not known; then no rating is shown (``indicators.grading.rating_for``).
    rating_rules = models.JSONField(_("เกณฑ์ผลการประเมินเชิงคุณภาพ"), default=list, blank=True)

    class Meta:
        verbose_name = _("กรอบการประเมิน")
        verbose_name_plural = _("กรอบการประเมิน")
        ordering = ["-fiscal_year", "assessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "assessor"], name="framework_unique_year_assessor"),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2500, fiscal_year__lte=2700),
                name="framework_year_is_be",
                violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช"),
            ),
            score_range_check("pass_mark", "framework_pass_mark_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"


class Indicator(models.Model):
    """One of the (ten) indicators of a framework."""

    framework = models.ForeignKey(Framework, verbose_name=_("กรอบการประเมิน"), on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("ตัวชี้วัดที่"))
    name = models.CharField(_("ประเด็นตัวชี้วัด"), max_length=255)
    instrument = models.CharField(_("เครื่องมือ"), max_length=3, choices=Instrument.choices)
    weight = models.DecimalField(
        _("น้ำหนัก (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("ว่างไว้ = แบ่งน้ำหนักของเครื่องมือเท่า ๆ กัน"),
    )
    stable_key = models.SlugField(_("รหัสคงที่ข้ามปี"), max_length=80)

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number"),
            models.UniqueConstraint(fields=["framework", "stable_key"], name="indicator_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ItemKind(models.TextChoices):
    OIT = "O", _("ข้อ OIT")
    IIT = "I", _("ข้อ IIT")
    EIT = "E", _("ข้อ EIT")


class Item(models.Model):
    """A question or open-data item (O1…O43, I1…, E1…) under an indicator."""

    framework = models.ForeignKey(Framework, verbose_name=_("กรอบการประเมิน"), on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("ประเภทข้อ"), max_length=1, choices=ItemKind.choices)
    number = models.PositiveSmallIntegerField(_("ข้อที่"))
    title = models.CharField(_("ชื่อข้อ"), max_length=500)
    sub_area = models.CharField(_("หัวข้อย่อย"), max_length=255, blank=True)
    stable_key = models.SlugField(_("รหัสคงที่ข้ามปี"), max_length=80, help_text=_("ใช้เชื่อมข้อเดียวกันข้ามปี แม้เลขข้อ O จะเปลี่ยน"))
    # Stable keys of earlier items merged into this one (their keys end here, rule 2 of
    # ``fixtures/frameworks/README.md``); the year-over-year diff shows them as "merged".
    absorbs = models.JSONField(_("รวมข้อเดิม (รหัสคงที่)"), default=list, blank=True)
    # What to publish for the item and how (shown on the OIT workspace). Written by the catalogue's
    # editors; the shipped text is unofficial guidance, as the framework's ``source_note`` says.
    guideline = models.TextField(
        _("แนวทางการจัดเตรียมข้อมูล"), blank=True, help_text=_("สิ่งที่ควรเผยแพร่ในข้อนี้ (ไม่บังคับ แสดงในหน้าข้อมูล OIT)")
    )

    class Meta:
        verbose_name = _("ข้อการประเมิน")
        verbose_name_plural = _("ข้อการประเมิน")
        ordering = ["framework", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "kind", "number"], name="item_unique_code"),
            models.UniqueConstraint(fields=["framework", "stable_key"], name="item_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.kind}{self.number}"


class Grade(models.TextChoices):
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"


class AssessmentSource(models.TextChoices):
    ENTERED = "entered", _("บันทึกผ่านหน้าจอ")
    IMPORTED = "imported", _("นำเข้าจากไฟล์")


class Assessment(models.Model):
    """An agency's result in one framework. Overall score, grade and pass are computed, never typed."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(
        Framework, verbose_name=_("กรอบการประเมิน"), on_delete=models.PROTECT, related_name="assessments"
    )
    overall_score = models.DecimalField(
        _("คะแนนรวม"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    grade = models.CharField(_("ระดับ"), max_length=2, choices=Grade.choices, blank=True)
    passed = models.BooleanField(_("ผ่านเกณฑ์"), null=True, blank=True)
    iit_score = models.DecimalField(
        _("คะแนน IIT"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    eit_score = models.DecimalField(
        _("คะแนน EIT"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    oit_score = models.DecimalField(
        _("คะแนน OIT"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    rating_text = models.CharField(_("ผลการประเมินเชิงคุณภาพ"), max_length=100, blank=True, help_text=_("เช่น ผ่านดี ผ่าน (ตั้งแต่ปี 2568)"))
    source = models.CharField(_("ที่มา"), max_length=20, choices=AssessmentSource.choices, default=AssessmentSource.ENTERED)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("แก้ไขโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("ผลการประเมิน")
        verbose_name_plural = _("ผลการประเมิน")
        ordering = ["-framework__fiscal_year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "framework"], name="assessment_unique_agency_framework"),
            score_range_check("overall_score", "assessment_overall_range"),
            score_range_check("iit_score", "assessment_iit_range"),
            score_range_check("eit_score", "assessment_eit_range"),
            score_range_check("oit_score", "assessment_oit_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.framework.fiscal_year}"

    @property
    def fiscal_year(self) -> int:
        return self.framework.fiscal_year

    @property
    def computed_rating(self) -> str:
        """The rating by the framework's bands ("" when the framework defines none)."""
        from indicators.rating import rating_for

        instruments = {"iit": self.iit_score, "eit": self.eit_score, "oit": self.oit_score}
        return rating_for(self.framework.rating_rules, self.overall_score, instruments)


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("ผลการประเมิน"), on_delete=models.CASCADE, related_name="indicator_scores"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("คะแนน"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)

    class Meta:
        verbose_name = _("คะแนนรายตัวชี้วัด")
        verbose_name_plural = _("คะแนนรายตัวชี้วัด")
        ordering = ["assessment", "indicator__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_score_unique"),
            score_range_check("score", "indicator_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class ItemResult(models.Model):
    """The result of one item: OIT pass/fail with remark and URL, or a question's score."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("ผลการประเมิน"), on_delete=models.CASCADE, related_name="item_results"
    )
    item = models.ForeignKey(Item, verbose_name=_("ข้อ"), on_delete=models.PROTECT, related_name="results")
    passed = models.BooleanField(_("ผ่าน"), null=True, blank=True)
    score = models.DecimalField(_("คะแนน"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS)
    url = models.URLField(_("URL ที่เผยแพร่"), max_length=1000, blank=True)
    remark = models.TextField(_("ข้อสังเกต / หมายเหตุ"), blank=True)

    class Meta:
        verbose_name = _("ผลรายข้อ")
        verbose_name_plural = _("ผลรายข้อ")
        ordering = ["assessment", "item__kind", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="item_result_unique"),
            score_range_check("score", "item_result_score_range"),
        ]

    def __str__(self) -> str:
        if self.passed is not None:
            return f"{self.item.code}: {_('ผ่าน') if self.passed else _('ไม่ผ่าน')}"
        return f"{self.item.code}: {self.score}"


class ImportStatus(models.TextChoices):
    READY = "ready", _("ตรวจแล้ว รอยืนยัน")
    INVALID = "invalid", _("มีข้อผิดพลาด")
    COMMITTED = "committed", _("นำเข้าแล้ว")
    CHECKING = "checking", _("กำลังตรวจไฟล์")
    COMMITTING = "committing", _("กำลังนำเข้า")
    FAILED = "failed", _("ตรวจไม่สำเร็จ")


class ImportPhase(models.TextChoices):
    """What the worker is doing with a large file (the progress bar's label)."""

    READ = "read", _("อ่านไฟล์")
    CHECK = "check", _("ตรวจแถว")
    WRITE = "write", _("บันทึก")


def score_file_upload_to(instance: ImportBatch, filename: str) -> str:
    # Random names under a private prefix: the original name is kept in ``filename``, never used as a path.
    ext = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"score-imports/{instance.agency_id}/{uuid.uuid4().hex}.{ext}"


class ImportBatch(models.Model):
    """An uploaded score file between its check and its commit (the preview step of an import).

    The file itself is kept so the commit re-reads exactly what was previewed; rows are checked
    again at commit time because the catalogue or the agencies may have changed in between.

    A small file is kept in ``content``. A large one is kept in ``file`` (the default storage, the
    evidence files' private one: ``MEDIA_ROOT`` or the bucket, never served) and is checked, and
    committed, by the Celery worker (``indicators.services.import_jobs``): while it works the row is
    ``checking`` / ``committing`` and ``progress_*`` say how far it is; ``heartbeat_at`` tells a
    live job from one whose worker died.
    """

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงานที่นำเข้า"), on_delete=models.CASCADE, related_name="score_imports")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    assessor = models.ForeignKey(
        Assessor, verbose_name=_("ผู้ประเมิน"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("ชื่อไฟล์"), max_length=255)
    content = models.BinaryField(_("เนื้อหาไฟล์"), blank=True)
    file = models.FileField(_("ไฟล์ที่อัปโหลด (ไฟล์ใหญ่)"), upload_to=score_file_upload_to, blank=True, max_length=200)
    status = models.CharField(_("สถานะ"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.READY)
    layout = models.CharField(_("รูปแบบไฟล์"), max_length=10, blank=True)
    encoding = models.CharField(_("การเข้ารหัส"), max_length=20, blank=True)
    row_count = models.PositiveIntegerField(_("จำนวนแถว"), default=0)
    error_count = models.PositiveIntegerField(_("จำนวนข้อผิดพลาด"), default=0)
    errors = models.JSONField(_("ข้อผิดพลาด"), default=list, blank=True)
    summary = models.JSONField(_("สรุป"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("นำเข้าโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)
    committed_at = models.DateTimeField(_("นำเข้าเมื่อ"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ยืนยันโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phase = models.CharField(_("ขั้นตอน"), max_length=10, choices=ImportPhase.choices, blank=True)
    progress_done = models.PositiveIntegerField(_("แถวที่ทำแล้ว"), default=0)
    progress_total = models.PositiveIntegerField(_("จำนวนแถวทั้งหมด"), default=0)
    queued_at = models.DateTimeField(_("ส่งเข้าคิวเมื่อ"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("ทำงานล่าสุดเมื่อ"), null=True, blank=True)
    job_error = models.CharField(_("ข้อความจากงานเบื้องหลัง"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("การนำเข้าคะแนน")
        verbose_name_plural = _("การนำเข้าคะแนน")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.fiscal_year})"

    def read_content(self) -> bytes:
        """The uploaded file's bytes, from the storage (large files) or the row (small ones)."""
        if self.file:
            with self.file.open("rb") as handle:
                return handle.read()
        return bytes(self.content)
