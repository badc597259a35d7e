"""Admin for weaknesses, measures and their follow-up: view-only for supervisors, with the
django-simple-history trail of measures, steps, follow-up meetings and progress on every object.

Measures, steps, meetings, progress and evidence are written in the staff pages, whose forms run
the validation of ``measures.services`` (BE dates, reminders recomputed when a meeting moves, file
types sniffed). The admin therefore only views them; a superuser may delete a measure, a progress
update or evidence, and the deletion goes through the same services. Reminders belong to the sweep;
calendar-feed tokens are secrets and are shown masked.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ita_portal.admin_base import (
    DELETE,
    VIEW,
    VIEW_ONLY,
    AgencyCodeFilter,
    FiscalYearFilter,
    ReadOnlyTabularInline,
    ScopedAdminMixin,
    ScopedInlineMixin,
    agency_column,
)
from ita_portal.admin_exports import ExportActionsMixin, agency_columns
from ita_portal.admin_history import ViewOnlyHistoryAdmin
from ita_portal.thai import format_date
from measures import services
from measures.models import (
    STATUS_LABELS,
    CalendarFeedToken,
    Evidence,
    FollowUp,
    Measure,
    MeasureStatus,
    MeasureStep,
    ProgressUpdate,
    Reminder,
    Weakness,
)

STATUS_COLOURS = {
    MeasureStatus.NOT_STARTED: "secondary",
    MeasureStatus.IN_PROGRESS: "info",
    MeasureStatus.DONE: "success",
    MeasureStatus.NOT_DONE: "danger",
}


def _be_period(start, end) -> str:
    if start and end:
        return f"{format_date(start, thai_digits=False, abbr=True)} – {format_date(end, thai_digits=False, abbr=True)}"
    return format_date(start or end, thai_digits=False, abbr=True)


def _badge(text, colour: str) -> str:
    return format_html('<span class="ita-badge ita-badge-{}">{}</span>', colour, text)


VIEW_AND_DELETE = frozenset({VIEW, DELETE})


class ServiceDeleteMixin:
    """Admin deletions (one object or the bulk action) go through the app's delete service."""

    def delete_via_service(self, obj) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj) -> None:
        self.delete_via_service(obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_via_service(obj)

    def get_deleted_objects(self, objs, request):
        # The service deletes what hangs off the object (steps, meetings, reminders, files); the
        # right to delete is the right on the object itself, not a permission on each of those.
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected


@admin.register(Weakness)
class WeaknessAdmin(ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
    superuser_perms = VIEW_ONLY  # proposed, confirmed and edited on the weaknesses page (indicators.services)
    agency_name = agency_column("agency")
    list_display = ("title", "agency_name", "fiscal_year", "kind", "status", "indicator", "item", "is_proposed_by_system")
    list_filter = (("fiscal_year", FiscalYearFilter), "kind", "status", "is_proposed_by_system", ("agency", AgencyCodeFilter))
    search_fields = ("title", "analysis", "agency__name", "agency__short_name")
    list_select_related = ("agency", "indicator", "item")
    ordering = ("agency__path", "-fiscal_year", "order", "pk")
    autocomplete_fields = ("agency", "assessment", "indicator", "item")
    readonly_fields = ("created_by", "created_at", "updated_at")


class MeasureStepInline(ScopedInlineMixin, admin.TabularInline):
    model = MeasureStep
    fields = ("order", "text", "due_date", "is_done", "done_at")
    readonly_fields = ("done_at",)
    extra = 0


class ProgressUpdateInline(ReadOnlyTabularInline):
    model = ProgressUpdate
    fields = ("reported_on", "status", "percent_complete", "budget_spent", "result_summary", "recorded_by")
    ordering = ("-reported_on", "-pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Measure)
class MeasureAdmin(ExportActionsMixin, ServiceDeleteMixin, ScopedAdminMixin, ViewOnlyHistoryAdmin):
    agency_field = "agency"
    export_filename = "ita-measures"
    export_columns = (
        *agency_columns("agency"),
        "fiscal_year",
        "order",
        "title",
        "status",
        "issue_heading",
        "start_date",
        "end_date",
        "period_text",
        (_("กลุ่มงานที่รับผิดชอบ"), lambda m: ", ".join(d.short_name or d.name for d in m.responsible_divisions.all())),
        "budget_planned",
        "budget_source",
    )
    superuser_perms = VIEW_AND_DELETE

    def delete_via_service(self, obj: Measure) -> None:
        services.measure_delete(measure=obj)

    agency_name = agency_column("agency")
    list_display = ("title", "agency_name", "fiscal_year", "status_badge", "period", "divisions", "budget_planned")
    list_filter = (("fiscal_year", FiscalYearFilter), "status", ("agency", AgencyCodeFilter))
    search_fields = ("title", "issue_heading", "guideline", "objective", "agency__name", "agency__short_name")
    # No date drill-down: its MIN/MAX and DISTINCT month over the supervisor's scope cost 13 ms a
    # page view at 300 agencies; the fiscal-year filter and the period column say when.
    list_select_related = ("agency",)
    ordering = ("agency__path", "-fiscal_year", "order", "pk")
    autocomplete_fields = ("agency", "weakness", "indicator", "items", "responsible_divisions", "responsible_people")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (MeasureStepInline, ProgressUpdateInline)
    fieldsets = (
        (None, {"fields": ("agency", "fiscal_year", "order", "status")}),
        (_("ที่มา"), {"fields": ("weakness", "indicator", "items", "issue_heading", "weakness_text", "improvement_text")}),
        (_("มาตรการ"), {"fields": ("title", "guideline", "objective", "target_quantity", "target_quality")}),
        (_("ผู้รับผิดชอบ"), {"fields": ("responsible_divisions", "responsible_people", "responsible_note")}),
        (_("ระยะเวลาและงบประมาณ"), {"fields": ("start_date", "end_date", "period_text", "budget_planned", "budget_source")}),
        (_("การกำกับติดตาม"), {"fields": ("limitations", "monitoring_approach")}),
        (_("กลุ่มในรายงานรายไตรมาส"), {"classes": ("collapse",), "fields": ("national_strategy", "strategy", "project")}),
        (
            _("ผู้ลงนามรับทราบในรายงานผลการกำกับ ติดตาม"),
            {"classes": ("collapse",), "fields": ("ack_signer_name", "ack_signer_position", "ack_signer_label")},
        ),
        (_("ข้อมูลระบบ"), {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("responsible_divisions")

    @admin.display(description=_("สถานะ"), ordering="status")
    def status_badge(self, obj: Measure) -> str:
        # The label from the choices directly: get_status_display() rebuilds the choices dict on
        # every call (about 19 µs a row against 3 µs).
        return _badge(STATUS_LABELS.get(obj.status, obj.status), STATUS_COLOURS.get(obj.status, "secondary"))

    @admin.display(description=_("ระยะเวลาดำเนินการ"), ordering="start_date")
    def period(self, obj: Measure) -> str:
        return _be_period(obj.start_date, obj.end_date) or obj.period_text

    @admin.display(description=_("กลุ่มงานที่รับผิดชอบ"))
    def divisions(self, obj: Measure) -> str:
        return ", ".join(d.short_name or d.name for d in obj.responsible_divisions.all())


@admin.register(MeasureStep)
class MeasureStepAdmin(ScopedAdminMixin, ViewOnlyHistoryAdmin):
    agency_field = "measure__agency"
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("measure__agency")
    list_display = ("short_text", "order", "measure", "agency_name", "due_date_be", "is_done")
    list_filter = ("is_done", ("measure__fiscal_year", FiscalYearFilter), ("measure__agency", AgencyCodeFilter))
    search_fields = ("text", "measure__title", "measure__agency__name")
    list_select_related = ("measure", "measure__agency")
    ordering = ("measure__agency__path", "measure", "order", "pk")
    autocomplete_fields = ("measure", "done_by")

    @admin.display(description=_("ขั้นตอน"), ordering="text")
    def short_text(self, obj: MeasureStep) -> str:
        return str(obj)

    @admin.display(description=_("กำหนดเสร็จ"), ordering="due_date")
    def due_date_be(self, obj: MeasureStep) -> str:
        return format_date(obj.due_date, thai_digits=False, abbr=True)


class ReminderInline(ReadOnlyTabularInline):
    model = Reminder
    fields = ("kind", "lead_days", "due_at", "claimed_at", "sent_at", "skipped_reason")
    show_change_link = False


@admin.register(FollowUp)
class FollowUpAdmin(ExportActionsMixin, ScopedAdminMixin, ViewOnlyHistoryAdmin):
    agency_field = "agency"
    export_filename = "ita-meetings"
    export_columns = (
        *agency_columns("agency"),
        "fiscal_year",
        "number",
        "title",
        "starts_at",
        "place",
        "status",
        (_("มาตรการ"), lambda f: f.measure.title if f.measure_id else None),
    )
    superuser_perms = VIEW_ONLY  # moves must recompute reminders: done in the staff pages' service
    agency_name = agency_column("agency")
    list_display = ("__str__", "agency_name", "fiscal_year", "starts_at_be", "place", "status", "measure")
    list_filter = ("status", ("fiscal_year", FiscalYearFilter), ("agency", AgencyCodeFilter))
    search_fields = ("title", "agenda", "place", "minutes", "agency__name", "agency__short_name")
    list_select_related = ("agency", "measure")
    ordering = ("agency__path", "starts_at", "number")
    autocomplete_fields = ("agency", "measure", "attendees", "responsible_divisions")
    readonly_fields = ("uid", "sequence", "created_by", "created_at", "updated_at")
    inlines = (ReminderInline,)

    @admin.display(description=_("วันเวลา"), ordering="starts_at")
    def starts_at_be(self, obj: FollowUp) -> str:
        local = timezone.localtime(obj.starts_at)
        return f"{format_date(local, thai_digits=False, abbr=True)} {local:%H:%M} น."


@admin.register(Reminder)
class ReminderAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The reminder sweep's rows: looked at here, changed only by the sweep."""

    agency_field = "followup__agency"
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("followup__agency")
    list_display = ("followup", "agency_name", "kind", "lead_days", "due_at", "claimed_at", "sent_at", "skipped_reason")
    list_filter = ("kind", ("followup__agency", AgencyCodeFilter))
    search_fields = ("followup__title", "followup__agency__name", "skipped_reason")
    list_select_related = ("followup", "followup__agency")
    ordering = ("-due_at",)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ServiceDeleteMixin, ScopedAdminMixin, ViewOnlyHistoryAdmin):
    agency_field = "measure__agency"
    superuser_perms = VIEW_AND_DELETE

    def delete_via_service(self, obj: ProgressUpdate) -> None:
        services.progress_delete(progress=obj)

    agency_name = agency_column("measure__agency")
    list_display = ("measure", "agency_name", "reported_on_be", "status", "percent_complete", "budget_spent", "recorded_by")
    list_filter = ("status", ("measure__fiscal_year", FiscalYearFilter), ("measure__agency", AgencyCodeFilter))
    search_fields = ("measure__title", "result_summary", "outcome", "obstacles", "measure__agency__name")
    list_select_related = ("measure", "measure__agency", "recorded_by")
    ordering = ("-reported_on", "-pk")
    autocomplete_fields = ("measure", "recorded_by")
    readonly_fields = ("created_at",)

    @admin.display(description=_("วันที่รายงาน"), ordering="reported_on")
    def reported_on_be(self, obj: ProgressUpdate) -> str:
        return format_date(obj.reported_on, thai_digits=False, abbr=True)


@admin.register(Evidence)
class EvidenceAdmin(ServiceDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "measure__agency"
    superuser_perms = VIEW_AND_DELETE

    def delete_via_service(self, obj: Evidence) -> None:
        services.evidence_delete(evidence=obj)

    agency_name = agency_column("measure__agency")
    list_display = ("title", "kind", "measure", "agency_name", "stored_file", "uploaded_at")
    list_filter = ("kind", ("measure__agency", AgencyCodeFilter))
    search_fields = ("title", "original_name", "sha256", "url", "measure__title", "measure__agency__name")
    list_select_related = ("measure", "measure__agency")
    ordering = ("-uploaded_at",)
    autocomplete_fields = ("measure", "progress")
    # The file itself is served only by the access-checked evidence view, never by a MEDIA link.
    fields = (
        "measure",
        "progress",
        "kind",
        "title",
        "url",
        "stored_file",
        "content_type",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = ("stored_file", "content_type", "sha256", "uploaded_by", "uploaded_at")

    @admin.display(description=_("ไฟล์"))
    def stored_file(self, obj: Evidence) -> str:
        if not obj.file:
            return "—"
        return f"{obj.original_name or obj.file.name} ({obj.size:,} ไบต์)"


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Who has a calendar subscription; the secret itself is never shown (superusers only)."""

    agency_field = None
    supervisor_perms = frozenset()
    superuser_perms = VIEW_AND_DELETE
    list_display = ("user", "agency", "masked_token", "created_at")
    list_select_related = ("user", "agency")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = ("user", "agency", "masked_token", "created_at")
    readonly_fields = fields

    @admin.display(description=_("รหัสลับ"))
    def masked_token(self, obj: CalendarFeedToken) -> str:
        return f"{obj.token[:4]}…{obj.token[-2:]}"
