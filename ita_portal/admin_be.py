"""Buddhist-Era dates in the admin, shown and typed.

Shown: Django prints every date of a list column and of a read-only field through
``django.contrib.admin.utils.display_for_field`` / ``display_for_value`` (``formats.localize``,
Christian-era years). ``install()`` (called once by ``configure_admin_site``) puts BE versions in
their place in the three admin modules that call them, so a changelist column, a read-only
``created_at``, a user's ``date_joined`` / ``last_login`` all read "15 มิ.ย. 2567 09:30" in Thai
(English keeps Django's own). The yes/no icons get a Thai ``alt`` instead of "True"/"False"/"None".
The history pages use the ``be_date`` / ``be_datetime`` template filters (``admin_be`` tags).

Typed: ``ScopedFieldsMixin`` gives every ``DateField`` of an admin form the portal's
``ThaiDateField`` with ``AdminThaiDateInput`` — the same parser (typed ``15/6/2567``,
``๑๕ มิ.ย. ๖๗`` …; CE years refused) and the same BE calendar (``static/js/thai-datepicker.js``) as
the portal's forms — and every ``DateTimeField`` the same date box beside a ``09:30`` time box.
"""

from __future__ import annotations

import datetime as dt
import functools

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ita_portal.forms_thai import DATE_HELP, ThaiDateField, ThaiDateInput, ThaiTimeField
from ita_portal.thai import format_date

_django_display_for_field = admin_utils.display_for_field
_django_display_for_value = admin_utils.display_for_value


def _thai() -> bool:
    return (translation.get_language() or "th").startswith("th")


def be_date(value: dt.date | None) -> str:
    """'15 มิ.ย. 2567' (Arabic digits, as the admin writes numbers)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return be_datetime(value)
    return format_date(value, thai_digits=False, abbr=True)


def be_datetime(value: dt.datetime | None) -> str:
    """'15 มิ.ย. 2567 09:30', in the site's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local, thai_digits=False, abbr=True)} {local:%H:%M}"


def display_for_field(value, field, empty_value_display, avoid_link=False):
    # The type tests first: the language is looked up (a context-local read) only for dates, not
    # for every cell of a changelist.
    if (
        isinstance(field, models.DateField)
        and not getattr(field, "flatchoices", None)
        and value not in getattr(field, "empty_values", ())
        and _thai()
    ):
        return be_datetime(value) if isinstance(field, models.DateTimeField) else be_date(value)
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if isinstance(value, dt.date) and not boolean and _thai():
        return be_datetime(value) if isinstance(value, dt.datetime) else be_date(value)
    return _django_display_for_value(value, empty_value_display, boolean)


def boolean_icon(field_val):
    """Django's yes/no/unknown icon with a translated ``alt`` (Django writes str(True) …)."""
    return _boolean_icon(field_val, translation.get_language())


@functools.lru_cache(maxsize=32)
def _boolean_icon(field_val, language: str | None) -> str:
    # Built once per value and language: a changelist draws it in every row, and the static
    # URL (the manifest's hashed name) and the translation cost more than the row's other cells.
    icon, alt = {True: ("yes", _("ใช่")), False: ("no", _("ไม่ใช่")), None: ("unknown", _("ไม่ทราบ"))}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


def install() -> None:
    """Put the BE display functions where the admin looks them up (once)."""
    admin_utils.display_for_field = display_for_field
    admin_utils.display_for_value = display_for_value
    helpers.display_for_field = display_for_field
    admin_list.display_for_field = display_for_field
    admin_list.display_for_value = display_for_value
    admin_list._boolean_icon = boolean_icon


class AdminThaiDateInput(ThaiDateInput):
    """The portal's BE date box and calendar, styled for the admin (``static/css/admin.css``)."""

    class Media:
        css = {"all": ("vendor/bootstrap-icons/bootstrap-icons.min.css", "css/admin.css")}
        js = ("js/thai-datepicker.js",)

    def __init__(self, attrs=None):
        super().__init__({"size": "16", **(attrs or {})})


class AdminThaiSplitDateTime(AdminSplitDateTime):
    """Django's date + time pair with the BE date box in place of Django's CE one."""

    def __init__(self, attrs=None):
        time = forms.TimeInput(format="%H:%M", attrs={"size": "8", "placeholder": "09:30"})
        forms.MultiWidget.__init__(self, [AdminThaiDateInput, time], attrs)


class ThaiSplitDateTimeField(forms.SplitDateTimeField):
    """A date typed in BE (the portal's parser) and a time ``09:30`` / ``09.30``, as one datetime."""

    def __init__(self, *, input_date_formats=None, input_time_formats=None, **kwargs):
        errors = self.default_error_messages.copy()
        if "error_messages" in kwargs:
            errors.update(kwargs["error_messages"])
        localize = kwargs.get("localize", False)
        fields = (
            ThaiDateField(error_messages={"invalid": errors["invalid_date"]}, localize=localize, help_text=""),
            ThaiTimeField(error_messages={"invalid": errors["invalid_time"]}, localize=localize),
        )
        forms.MultiValueField.__init__(self, fields, **kwargs)


def thai_date_formfield_kwargs(db_field, kwargs: dict) -> dict:
    """Form-field arguments making an admin ``DateField`` a typed-BE field with the BE calendar
    (and a ``DateTimeField`` a BE date box beside a time box)."""
    if not isinstance(db_field, models.DateField) or db_field.choices:
        return kwargs
    if isinstance(db_field, models.DateTimeField):
        return {"form_class": ThaiSplitDateTimeField, "widget": AdminThaiSplitDateTime, **kwargs}
    kwargs = {"form_class": ThaiDateField, "widget": AdminThaiDateInput, **kwargs}
    if not db_field.help_text:
        kwargs.setdefault("help_text", DATE_HELP)
    return kwargs
