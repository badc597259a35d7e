"""Sign-in and password forms with Thai messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import AgencyKind


class ThaiAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบแล้วลองใหม่อีกครั้ง"),
        "inactive": _("บัญชีผู้ใช้นี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลระบบ"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("ชื่อผู้ใช้")
        self.fields["password"].label = _("รหัสผ่าน")
        self.fields["username"].error_messages["required"] = _("กรุณากรอกชื่อผู้ใช้")
        self.fields["password"].error_messages["required"] = _("กรุณากรอกรหัสผ่าน")


class ThaiPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_incorrect": _("รหัสผ่านเดิมไม่ถูกต้อง กรุณากรอกใหม่"),
        "password_mismatch": _("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("รหัสผ่านเดิม")
        self.fields["new_password1"].label = _("รหัสผ่านใหม่")
        self.fields["new_password2"].label = _("ยืนยันรหัสผ่านใหม่")
        for field in self.fields.values():
            field.error_messages["required"] = _("กรุณากรอกช่องนี้")


class AgencySearchForm(forms.Form):
    """Filters of the agency list; every field optional, bad values are simply ignored."""

    q = forms.CharField(
        label=_("ค้นหา"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "placeholder": _("ชื่อ ชื่อย่อ หรือรหัสหน่วยงาน")}),
    )
    kind = forms.ChoiceField(label=_("ประเภทหน่วยงาน"), required=False, choices=[("", _("ทุกประเภท")), *AgencyKind.choices])
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
