"""The agency's LINE channel settings (director only): token (write-only), group id, on/off, test."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita_portal.agencies import selectors as access
from ita_portal.mail import selectors
from ita_portal.mail.line import line_channel_set, line_test_send


class LineChannelForm(forms.Form):
    # render_value=False: the stored token is never sent back to the browser.
    token = forms.CharField(
        label=gettext_lazy("Channel access token (long-lived)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("เว้นว่างไว้เพื่อใช้ค่าที่บันทึกไว้ ระบบเก็บแบบเข้ารหัสและไม่แสดงกลับ"),
    )
    group_id = forms.CharField(label=gettext_lazy("Group ID ของกลุ่มไลน์"), max_length=64)
    enabled = forms.BooleanField(label=gettext_lazy("ส่งแจ้งเตือนทาง LINE"), required=False, initial=True)


@login_required
def line_settings(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = access.get_agency_for_write(request.user, agency_id, approve=True)
    channel = selectors.line_channel_of(agency)
    initial = {"group_id": channel.group_id, "enabled": channel.enabled} if channel else {}
    form = LineChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("test") and channel:
        sent = line_test_send(agency=agency, actor=request.user)
        messages.info(request, _("ส่งข้อความทดสอบเข้าคิวแล้ว") if sent else _("ยังไม่ได้เปิดใช้ LINE"))
        return redirect("mail:line_settings", agency_id=agency.pk, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            line_channel_set(agency=agency, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("บันทึกการตั้งค่า LINE แล้ว"))
            return redirect("mail:line_settings", agency_id=agency.pk, year=year)
    recent = selectors.line_pushes_recent(agency)
    return render(
        request, "mail/line_settings.html", {"agency": agency, "year": year, "form": form, "channel": channel, "recent": recent}
    )
