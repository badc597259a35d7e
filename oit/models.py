"""The OIT workspace: one row per agency and O-item of a fiscal year's catalogue.

A row (``OitEntry``) is created the first time someone assigns, uploads or changes its status;
until then the workspace shows the catalogue item as "not started". Its evidence are
``measures.Evidence`` rows (the portal's one upload path) linked here by ``OitEvidence``, which
also says whether that file or link may be shown on the public item page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import Item
from ita_portal.agencies.models import Agency, Division, Membership
from measures.models import Evidence


class OitStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("ยังไม่เริ่ม")
    IN_PROGRESS = "in_progress", _("กำลังจัดเตรียม")
    READY = "ready", _("พร้อมให้ตรวจ")
    PUBLISHED = "published", _("เผยแพร่แล้ว")


class OitEntry(models.Model):
    """What an agency prepares for one O-item of one fiscal year, who does it and who checked it."""

    agency = models.ForeignKey(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="oit_entries")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    item = models.ForeignKey(Item, verbose_name=_("ข้อ OIT"), on_delete=models.PROTECT, related_name="oit_entries")
    division = models.ForeignKey(
        Division, verbose_name=_("กลุ่มงานที่รับผิดชอบ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible = models.ForeignKey(
        Membership, verbose_name=_("ผู้รับผิดชอบ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("กำหนดส่ง"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    status = models.CharField(_("สถานะ"), max_length=20, choices=OitStatus.choices, default=OitStatus.NOT_STARTED)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ตรวจโดย"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("ตรวจเมื่อ"), null=True, blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    reused_from = models.ForeignKey(
        "self", verbose_name=_("ใช้หลักฐานปีก่อนจาก"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("ข้อ OIT ของหน่วยงาน")
        verbose_name_plural = _("ข้อ OIT ของหน่วยงาน")
        ordering = ["agency", "-fiscal_year", "item__number"]
        constraints = [models.UniqueConstraint(fields=["agency", "item"], name="oit_entry_unique_item")]
        indexes = [models.Index(fields=["agency", "fiscal_year", "status"], name="oit_entry_agency_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.item.code} ({self.fiscal_year})"


class OitEvidence(models.Model):
    """One evidence file or link of a workspace row; ``is_public`` puts it on the public item page."""

    entry = models.ForeignKey(OitEntry, verbose_name=_("ข้อ OIT"), on_delete=models.CASCADE, related_name="attachments")
    evidence = models.OneToOneField(Evidence, verbose_name=_("หลักฐาน"), on_delete=models.CASCADE, related_name="oit_link")
    is_public = models.BooleanField(_("เผยแพร่สาธารณะ"), default=False)

    class Meta:
        verbose_name = _("หลักฐานข้อ OIT")
        verbose_name_plural = _("หลักฐานข้อ OIT")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return str(self.evidence)


class OitReminder(models.Model):
    """One reminder moment of a row: ``lead_days`` before its ``due_date`` (the date it was for).

    Rows are written by the sweep when the moment has come and claimed with a conditional UPDATE
    (``claim_token``), so each moment's e-mail goes out exactly once even with two sweeps at a
    time. A new due date gives new moments; a row ready or published by then is skipped.
    """

    entry = models.ForeignKey(OitEntry, verbose_name=_("ข้อ OIT"), on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField(_("กำหนดส่งที่เตือน"))
    lead_days = models.PositiveSmallIntegerField(_("เตือนล่วงหน้า (วัน)"))
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    claim_token = models.UUIDField(_("รหัสการส่ง"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ส่งแล้วเมื่อ"), null=True, blank=True)
    skipped_reason = models.CharField(_("เหตุที่ไม่ส่ง"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือนข้อ OIT")
        verbose_name_plural = _("การแจ้งเตือนข้อ OIT")
        constraints = [
            models.UniqueConstraint(fields=["entry", "due_date", "lead_days"], name="oit_reminder_unique_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} − {self.lead_days}"
