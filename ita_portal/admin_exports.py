"""Export actions of the supervisors' changelists: the ticked rows (or all the filtered rows) as
XLSX or as CSV with a BOM, through the portal's one writer (``ita_portal.spreadsheets``: Thai
headers, numbers kept as numbers, no cell ever a formula).

A ModelAdmin mixes in ``ExportActionsMixin`` before ``ScopedAdminMixin`` and names its columns in
``export_columns``: a model field path (``"agency__code"``, header = the field's Thai
verbose name) or ``(header, callable(obj))``. Rows are what the changelist lets the user act on —
the scoped, filtered queryset — and are scoped once more here (``scope_for``), so an export never
holds another agency's rows. Dates are written in the Buddhist Era (``15 มิ.ย. 2567``), choices
as their Thai labels, yes/no as ใช่/ไม่ใช่.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita_portal.admin_be import be_date, be_datetime
from ita_portal.spreadsheets import download

Column = str | tuple[str, Callable[[models.Model], object]]


def _field_path(model: type[models.Model], path: str) -> list[models.Field]:
    fields = []
    for part in path.split("__"):
        field = model._meta.get_field(part)
        fields.append(field)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return fields


def cell(value: object, field: models.Field | None = None, obj: models.Model | None = None) -> object:
    """A value as the export writes it."""
    if value is None:
        return ""
    if field is not None and getattr(field, "flatchoices", None) and obj is not None:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, dt.datetime):
        return be_datetime(value if timezone.is_aware(value) else timezone.make_aware(value))
    if isinstance(value, dt.date):
        return be_date(value)
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):  # Decimal stays a number
        return value
    return str(value)


def agency_columns(lookup: str = "agency") -> tuple[Column, Column]:
    """The owning agency's code and full name, the first two columns of every export."""
    from ita_portal.admin_base import agency_of

    def code(obj):
        agency = agency_of(obj, lookup)
        return agency.code if agency else None

    def name(obj):
        agency = agency_of(obj, lookup)
        return agency.name if agency else None

    return ((gettext_lazy("รหัสหน่วยงาน"), code), (gettext_lazy("หน่วยงาน"), name))


class ExportActionsMixin:
    """Adds "ส่งออก XLSX" and "ส่งออก CSV" to the changelist's actions (see the module docstring)."""

    export_columns: Sequence[Column] = ()
    export_filename: str = "ita-admin"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.export_columns and self.has_view_permission(request):
            for name in ("export_xlsx", "export_csv"):
                actions[name] = self.get_action(name)
        return actions

    def export_table(self, request, queryset) -> tuple[list[str], list[list]]:
        columns = []
        for column in self.export_columns:
            if isinstance(column, tuple):
                header, getter = column
                columns.append((str(header), getter, None))
                continue
            path = _field_path(self.model, column)
            parts = column.split("__")

            def getter(obj, parts=parts):
                value = obj
                for part in parts:
                    value = getattr(value, part, None)
                    if value is None:
                        return None
                return value

            columns.append((str(path[-1].verbose_name), getter, path[-1]))
        headers = [header for header, _getter, _field in columns]
        rows = [
            [cell(getter(obj), field, obj) for _header, getter, field in columns] for obj in self.scope_for(request, queryset)
        ]
        return headers, rows

    def _export(self, request, queryset, fmt: str):
        headers, rows = self.export_table(request, queryset)
        stamp = timezone.localdate().strftime("%Y%m%d")
        title = str(self.model._meta.verbose_name_plural)
        return download(f"{self.export_filename}-{stamp}", fmt, headers, rows, title=title)

    @admin.action(description=gettext_lazy("ส่งออกรายการที่เลือกเป็น Excel (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    @admin.action(description=gettext_lazy("ส่งออกรายการที่เลือกเป็น CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")
