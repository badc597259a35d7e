from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ita_portal.admin_base import is_active_superuser
from ita_portal.mail.models import OutboxEmail
from ita_portal.mail.services import outbox_resend


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """The outbox holds mail of every agency: only superusers see it (supervisors do not)."""

    list_display = ("subject", "channel", "recipient_list", "status", "attempts", "next_attempt_at", "sent_at", "short_error")
    list_filter = ("status", "channel")
    search_fields = ("subject", "recipients", "last_error")
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    @admin.display(description=_("ผู้รับ"))
    def recipient_list(self, obj: OutboxEmail) -> str:
        return ", ".join(obj.recipients)

    @admin.display(description=_("ข้อผิดพลาดล่าสุด"))
    def short_error(self, obj: OutboxEmail) -> str:
        return obj.last_error[:120]

    def has_module_permission(self, request) -> bool:
        return is_active_superuser(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_active_superuser(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_active_superuser(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_active_superuser(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("ส่งอีกครั้ง"), permissions=["change"])
    def send_again(self, request, queryset) -> None:
        done, refused = 0, 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                outbox_resend(email_id=pk)
                done += 1
            except ValidationError:
                refused += 1
        if done:
            self.message_user(request, ngettext("ส่งอีกครั้ง %d ฉบับ", "ส่งอีกครั้ง %d ฉบับ", done) % done, messages.SUCCESS)
        if refused:
            self.message_user(request, _("%d ฉบับยังรอส่งหรือกำลังส่งอยู่ จึงไม่ได้ส่งซ้ำ") % refused, messages.WARNING)
