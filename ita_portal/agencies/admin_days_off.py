"""Admin for an agency's own days off (``DayOff``): supervisors add the days their agencies do not
work beyond the Thai public holidays; every save goes through the day-off services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ita_portal.admin_base import ALL, ScopedAdminMixin, agency_column
from ita_portal.agencies import services
from ita_portal.agencies.models import DayOff
from ita_portal.thai import format_date


@admin.register(DayOff)
class DayOffAdmin(ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
    supervisor_perms = ALL
    agency_name = agency_column("agency")
    list_display = ("be_date", "name", "agency_name")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "agency__name", "agency__short_name")
    list_select_related = ("agency",)
    ordering = ("-date",)
    autocomplete_fields = ("agency",)
    fields = ("agency", "date", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("agency",) if obj else ()

    @admin.display(description=_("วันที่"), ordering="date")
    def be_date(self, obj: DayOff) -> str:
        return format_date(obj.date, thai_digits=False)

    def save_model(self, request, obj, form, change):
        if change:
            services.day_off_update(day_off=obj, **{f: getattr(obj, f) for f in form.changed_data if f in ("date", "name")})
            return
        created = services.day_off_add(agency=obj.agency, date=obj.date, name=obj.name)
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.day_off_remove(day_off=obj)

    def delete_queryset(self, request, queryset):
        for day_off in queryset:
            services.day_off_remove(day_off=day_off)
