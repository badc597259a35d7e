"""The rules for an item's URL and remark, shared by the entry form and the score import, so a
file the import preview accepts is one the database accepts too (PostgreSQL refuses NUL bytes in
text; the URL column holds 1,000 characters) and the import refuses what the form refuses."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

URL_MAX_LENGTH = 1000  # ItemResult.url
REMARK_MAX_LENGTH = 2000
URL_SCHEMES = ("http", "https")

#: Published evidence is a web page: javascript:, data:, file:, ftp: … are refused.
web_url_validator = URLValidator(schemes=URL_SCHEMES)
INVALID_URL = gettext_lazy("กรุณากรอก URL ให้ถูกต้อง ขึ้นต้นด้วย http:// หรือ https:// เช่น https://www.example.go.th/ita/o1")


class WebURLField(forms.URLField):
    """A URLField that accepts web pages only (Django's default also takes ftp://)."""

    default_validators = [web_url_validator]


def url_form_field(**kwargs) -> forms.URLField:
    """The URL field of the entry form (https:// is assumed when no scheme is typed)."""
    return WebURLField(max_length=URL_MAX_LENGTH, assume_scheme="https", error_messages={"invalid": INVALID_URL}, **kwargs)


def _no_nul(text: str, what: str) -> None:
    if "\x00" in text:
        raise ValueError(_("%(what)s มีอักขระว่าง (NUL) ซึ่งบันทึกไม่ได้ กรุณาลบออก") % {"what": what})


def clean_url(text: str) -> str:
    """An import cell's URL as the entry form would store it; ValueError with a Thai message."""
    if not text:
        return ""
    _no_nul(text, "URL")
    if len(text) > URL_MAX_LENGTH:
        raise ValueError(_("URL ยาว %(n)s ตัวอักษร เกินที่กำหนด %(max)s ตัวอักษร") % {"n": len(text), "max": URL_MAX_LENGTH})
    try:
        return url_form_field(required=False).clean(text)
    except ValidationError as exc:
        raise ValueError(" ".join(dict.fromkeys(str(m) for m in exc.messages))) from exc


def clean_remark(text: str) -> str:
    """An import cell's remark; ValueError with a Thai message."""
    _no_nul(text, _("หมายเหตุ"))
    if len(text) > REMARK_MAX_LENGTH:
        raise ValueError(_("หมายเหตุยาว %(n)s ตัวอักษร เกินที่กำหนด %(max)s ตัวอักษร") % {"n": len(text), "max": REMARK_MAX_LENGTH})
    return text
