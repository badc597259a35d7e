"""The outbox: one row per message, queued after commit, sent and retried by Celery.

A row is an e-mail, or (``channel = line``) a push to an agency's LINE group through the LINE
Messaging API; both go through the same claim, retry and admin. ``LineChannel`` holds an agency's
channel access token (encrypted at rest) and group id.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    READY = "ready", _("รอส่ง")
    SENDING = "sending", _("กำลังส่ง")
    SENT = "sent", _("ส่งแล้ว")
    FAILED = "failed", _("ส่งไม่สำเร็จ")


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("อีเมล")
    LINE = "line", _("LINE")


class OutboxEmail(models.Model):
    """One message. E-mail: ``attachments`` is a list of {filename, content_type, content} (text).
    LINE: ``recipients`` is [group id], ``text`` the message, ``agency`` whose channel sends it."""

    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=OutboxChannel.choices, default=OutboxChannel.EMAIL)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("หน่วยงาน (LINE)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("สถานะ"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.READY)
    recipients = models.JSONField(_("ผู้รับ"), default=list)
    subject = models.CharField(_("เรื่อง"), max_length=998)
    text = models.TextField(_("เนื้อความ (ข้อความ)"))
    html = models.TextField(_("เนื้อความ (HTML)"), blank=True)
    attachments = models.JSONField(_("ไฟล์แนบ"), default=list, blank=True)
    # Why the message exists, e.g. "reminder:12:1719709200:a@x" or "digest:2567-W40:7": never twice.
    dedupe_key = models.CharField(_("รหัสกันส่งซ้ำ"), max_length=255, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่พยายามส่ง"), default=0)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    next_attempt_at = models.DateTimeField(_("พยายามส่งครั้งถัดไป"), default=timezone.now)
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ส่งแล้วเมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("อีเมลในกล่องขาออก")
        verbose_name_plural = _("กล่องขาออกอีเมล")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outbox_ready_due", condition=models.Q(status__in=["ready", "sending"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"


class LineChannel(models.Model):
    """An agency's LINE Messaging API channel: the access token (encrypted, never shown back) and the
    group the bot pushes to. Off until a token and group id are saved and ``enabled``."""

    agency = models.OneToOneField(
        "agencies.Agency", verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="line_channel"
    )
    token_encrypted = models.TextField(_("Channel access token (เข้ารหัส)"), editable=False)
    group_id = models.CharField(_("Group ID ของกลุ่มไลน์"), max_length=64)
    enabled = models.BooleanField(_("ส่งแจ้งเตือนทาง LINE"), default=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("ช่องทาง LINE ของหน่วยงาน")
        verbose_name_plural = _("ช่องทาง LINE ของหน่วยงาน")

    def __str__(self) -> str:
        return f"LINE {self.agency}"
