"""Send a test e-mail through the outbox and SMTP settings, in the foreground, and say what happened."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ita_portal.mail.models import OutboxStatus
from ita_portal.mail.render import render_email
from ita_portal.mail.services import email_queue, outbox_send
from ita_portal.thai import format_date


class Command(BaseCommand):
    help = "ส่งอีเมลทดสอบผ่านกล่องขาออก (ค่าเริ่มต้นส่งทันที; --queue ให้ Celery worker ส่ง)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("to", nargs="+", help="ที่อยู่อีเมลผู้รับ")
        parser.add_argument("--queue", action="store_true", help="เข้าคิวให้ worker ส่งแทนการส่งทันที")

    def handle(self, *args, to: list[str], queue: bool, **options) -> None:
        now = timezone.localtime()
        context = {"sent_when": f"{format_date(now.date())} {now:%H.%M} น.", "site_url": settings.SITE_URL}
        subject, text, html = render_email("test", context)
        try:
            with transaction.atomic():
                email = email_queue(recipients=to, subject=subject, text=text, html=html, send_after_commit=queue)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if queue:
            self.stdout.write(f"เข้าคิวแล้ว (outbox #{email.pk}); worker จะส่งให้")
            return
        try:
            email = outbox_send(email_id=email.pk)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if email.status == OutboxStatus.SENT:
            self.stdout.write(self.style.SUCCESS(f"ส่งแล้ว (outbox #{email.pk}) ถึง {', '.join(email.recipients)}"))
            return
        raise CommandError(
            f"ส่งไม่สำเร็จ (outbox #{email.pk}, ครั้งที่ {email.attempts}): {email.last_error}; ระบบจะลองส่งใหม่ภายหลังโดยอัตโนมัติ"
        )
