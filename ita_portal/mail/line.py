"""LINE as a channel of the outbox: an agency's LINE group gets the workflow notifications and the
follow-up reminders, through the LINE Messaging API (LINE Notify closed in 2025) with the official
``line-bot-sdk``.

A LINE message is an outbox row (``channel = line``) written in the same transaction as its cause,
with a dedupe key, and pushed by the same Celery task that sends e-mail: claimed once, retried with
back-off, ``failed`` with the API's error after the last attempt, visible in the admin. Each push
carries an ``X-Line-Retry-Key`` derived from the row, so LINE itself drops a repeat of a push whose
answer was lost. Nothing goes to LINE until the agency saves its channel access token (stored
encrypted, never shown back) and group id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ita_portal.agencies import selectors as access
from ita_portal.crypto import decrypt_text, encrypt_text
from ita_portal.mail.models import LineChannel, OutboxChannel, OutboxEmail

#: LINE's limit for one text message.
MAX_TEXT = 5000
_RETRY_NAMESPACE = uuid.UUID("5a3c0f64-8f7e-4f0a-9a55-6c1b2b7d1e13")


def line_api_base() -> str:
    """The Messaging API host (tests point it at their fake server on 127.0.0.1)."""
    return getattr(settings, "LINE_API_BASE", "https://api.line.me").rstrip("/")


@transaction.atomic
def line_channel_set(*, agency, actor, token: str = "", group_id: str, enabled: bool = True) -> LineChannel:
    """Save the agency's LINE channel (director's right). A blank ``token`` keeps the stored one."""
    if not access.can_approve(actor, agency):
        raise PermissionDenied
    group_id = (group_id or "").strip()
    token = (token or "").strip()
    if not group_id.startswith(("C", "U", "R")) or len(group_id) < 10:
        raise ValidationError({"group_id": "Group ID ไม่ถูกต้อง (ขึ้นต้นด้วย C สำหรับกลุ่ม ดูได้จาก webhook เมื่อบอทเข้ากลุ่ม)"})
    channel = LineChannel.objects.select_for_update().filter(agency=agency).first()
    if channel is None and not token:
        raise ValidationError({"token": "กรุณาระบุ Channel access token"})
    channel = channel or LineChannel(agency=agency)
    if token:
        channel.token_encrypted = encrypt_text(token)
    channel.group_id, channel.enabled = group_id, enabled
    channel.save()
    return channel


def line_channels_for(agency_ids: Iterable[int]) -> dict[int, LineChannel]:
    """The enabled LINE channels of the given agencies, by agency id (one query)."""
    ids = set(agency_ids)
    if not ids:
        return {}
    return {c.agency_id: c for c in LineChannel.objects.filter(agency_id__in=ids, enabled=True)}


def line_rows(*, messages: Iterable[dict], channels: dict[int, LineChannel]) -> list[OutboxEmail]:
    """Unsaved outbox rows for ``messages`` ({agency_id, text, dedupe_key}) of agencies with a channel."""
    rows = []
    for m in messages:
        channel = channels.get(m["agency_id"])
        if channel is None:
            continue
        text = m["text"].strip()[:MAX_TEXT]
        rows.append(
            OutboxEmail(
                channel=OutboxChannel.LINE,
                agency_id=m["agency_id"],
                recipients=[channel.group_id],
                subject=" ".join(text.split("\n", 1)[0].split())[:998] or "LINE",
                text=text,
                dedupe_key=m["dedupe_key"],
                next_attempt_at=timezone.now(),
            )
        )
    return rows


def line_queue_many(*, messages: Iterable[dict], channels: dict[int, LineChannel] | None = None) -> list[OutboxEmail]:
    """Queue LINE pushes to the groups of the messages' agencies (those without a channel are left
    out); dedupe and sending after commit as ``email_queue_many``. ``channels`` (enabled channels by
    agency id) saves the one query that looks them up; with none configured nothing else is done."""
    from ita_portal.mail.services import outbox_rows_insert

    messages = list(messages)
    if channels is None:
        channels = line_channels_for(m["agency_id"] for m in messages)
    if not channels:
        return []
    return outbox_rows_insert(line_rows(messages=messages, channels=channels))


def line_queue_for_agency(*, agency, text: str, dedupe_key: str) -> OutboxEmail | None:
    """One LINE push to ``agency``'s group, or None when LINE is not configured (or already queued)."""
    rows = line_queue_many(messages=[{"agency_id": agency.pk, "text": text, "dedupe_key": dedupe_key}])
    return rows[0] if rows else None


def retry_key(row: OutboxEmail) -> str:
    """The same key on every attempt of one row: LINE answers a repeat with 409 and sends nothing."""
    return str(uuid.uuid5(_RETRY_NAMESPACE, f"{row.pk}:{row.created_at.isoformat()}"))


class LineDeliveryError(Exception):
    """The Messaging API refused a push; the message holds its status and body."""


def line_push(row: OutboxEmail) -> None:
    """Push one LINE outbox row through the Messaging API; raises LineDeliveryError on refusal.

    A 409 answer to our retry key means an earlier attempt already reached LINE: delivered.
    """
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest, TextMessage
    from linebot.v3.messaging.exceptions import ApiException

    channel = LineChannel.objects.filter(agency_id=row.agency_id).first()
    if channel is None:
        raise LineDeliveryError("หน่วยงานยกเลิกการตั้งค่า LINE แล้ว จึงส่งข้อความนี้ไม่ได้")
    config = Configuration(host=line_api_base(), access_token=decrypt_text(channel.token_encrypted))
    try:
        with ApiClient(config) as client:
            MessagingApi(client).push_message(
                PushMessageRequest(to=row.recipients[0], messages=[TextMessage(text=row.text)]),
                x_line_retry_key=retry_key(row),
            )
    except ApiException as exc:
        if exc.status == 409:
            return
        raise LineDeliveryError(f"LINE API {exc.status} {exc.reason}: {(exc.body or '')[:500]}") from exc


def line_test_send(*, agency, actor) -> bool:
    """Queue one test push to the agency's LINE group; False when no enabled channel is saved.

    ``actor`` is the director who asked (the view checked the right); the dedupe key is unique per
    request, so every press of the button sends one message."""
    with transaction.atomic():
        text = _("ทดสอบการแจ้งเตือนจากระบบ ITA Portal ถึงกลุ่มไลน์ของ%(agency)s") % {"agency": agency.name}
        key = f"line-test:{agency.pk}:{actor.pk}:{timezone.now().timestamp()}"
        rows = line_queue_many(messages=[{"agency_id": agency.pk, "text": text, "dedupe_key": key}])
    return bool(rows)
