"""Admin for reports, their sign-off trail and their PDFs.

The trail (ReportEvent) is read-only for everyone, superusers included; an approved, published or
revoked report and a final rendition are frozen. Sign-off fields (state, decision, numbers, who and
when) are only ever set by the report services, so they are read-only here even where the rest of a
draft may be edited. Reports are created in the portal (the report service writes the first event),
not here.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ita_portal.admin_base import (
    CHANGE,
    DELETE,
    VIEW,
    VIEW_ONLY,
    AgencyCodeFilter,
    ReadOnlyTabularInline,
    ScopedAdminMixin,
    agency_column,
)
from ita_portal.admin_exports import ExportActionsMixin, agency_columns
from ita_portal.thai import format_date
from reports.documents.kind import SEED_FIELDS
from reports.models import DocumentSequence, Rendition, Report, ReportEvent, ReportState

FROZEN_STATES = frozenset({ReportState.APPROVED, ReportState.PUBLISHED, ReportState.REVOKED})
STATE_LABELS = dict(ReportState.choices)  # lazy labels: translated where they are shown
STATE_COLOURS = {
    ReportState.DRAFT: "secondary",
    ReportState.SUBMITTED: "info",
    ReportState.RETURNED: "warning",
    ReportState.APPROVED: "primary",
    ReportState.PUBLISHED: "success",
    ReportState.REVOKED: "danger",
}
NO_ADD = frozenset({VIEW, CHANGE, DELETE})


def _badge(text, colour: str) -> str:
    return format_html('<span class="ita-badge ita-badge-{}">{}</span>', colour, text)


def _short_hash(value: str) -> str:
    return format_html('<code title="{}">{}…</code>', value, value[:12]) if value else "—"


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Running numbers are taken by the approving service; changing one here could hand a number out
    twice, so it is shown, never edited."""

    agency_field = "agency"
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("agency")
    list_display = ("agency_name", "fiscal_year", "last_number")
    list_filter = ("fiscal_year", ("agency", AgencyCodeFilter))
    search_fields = ("agency__name", "agency__short_name", "agency__doc_prefix")
    list_select_related = ("agency",)
    ordering = ("agency__path", "-fiscal_year")
    readonly_fields = ("agency", "fiscal_year")


class ReportEventInline(ReadOnlyTabularInline):
    model = ReportEvent
    fields = ("at", "action", "from_state", "to_state", "actor", "note", "pdf_sha256")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RenditionInline(ReadOnlyTabularInline):
    model = Rendition
    fields = ("created_at", "status", "is_final", "pages", "size", "sha256", "requested_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")


class FrozenReportMixin:
    def is_frozen(self, obj) -> bool:
        return obj.state in FROZEN_STATES


@admin.register(Report)
class ReportAdmin(ExportActionsMixin, FrozenReportMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Reports are written, submitted and signed off in the staff pages (``reports.services``: every
    change there leaves a ReportEvent); here they are looked up."""

    agency_field = "agency"
    superuser_perms = VIEW_ONLY
    export_filename = "ita-reports"
    export_columns = (
        *agency_columns("agency"),
        "fiscal_year",
        "kind",
        "quarter",
        "subject",
        "state",
        "version",
        "doc_number",
        "doc_date",
        "signer_name",
    )
    agency_name = agency_column("agency")
    list_display = ("subject", "state_badge", "version", "doc_number", "doc_date_be", "agency_name", "fiscal_year", "kind")
    list_filter = ("state", "kind", "fiscal_year", ("agency", AgencyCodeFilter))
    search_fields = ("subject", "title", "body", "agency__name", "agency__short_name", "signer_name")
    list_select_related = ("agency",)
    ordering = ("agency__path", "-fiscal_year", "kind", "-version")
    autocomplete_fields = ("division",)
    readonly_fields = (
        "agency",
        "fiscal_year",
        "kind",
        "quarter",
        "series",
        "version",
        "previous",
        "state",
        "doc_number",
        "decision",
        "decision_note",
        "approved_by",
        "approved_at",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (ReportEventInline, RenditionInline)
    fieldsets = (
        (
            None,
            {"fields": ("agency", "fiscal_year", "kind", "quarter", "oit_item_key", "state", "version", "previous", "series")},
        ),
        (
            _("บันทึกข้อความ"),
            {
                "fields": (
                    "division",
                    "department_line",
                    "doc_number",
                    "doc_date",
                    "subject",
                    "addressee",
                    "body",
                    "proposals",
                    "closing",
                    "signer_name",
                    "signer_position",
                    "title",
                    "use_thai_digits",
                )
            },
        ),
        (
            _("ส่วนประกอบตามแบบเอกสาร"),
            {
                "classes": ("collapse",),
                "fields": SEED_FIELDS,
            },
        ),
        (_("การพิจารณา"), {"fields": ("decision", "decision_note", "approved_by", "approved_at", "published_at")}),
        (_("ข้อมูลระบบ"), {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_at")}),
    )

    @admin.display(description=_("สถานะ"), ordering="state")
    def state_badge(self, obj: Report) -> str:
        # The label from the choices directly (get_state_display() rebuilds the choices dict per row).
        return _badge(STATE_LABELS.get(obj.state, obj.state), STATE_COLOURS.get(obj.state, "secondary"))

    @admin.display(description=_("ลงวันที่"), ordering="doc_date")
    def doc_date_be(self, obj: Report) -> str:
        return format_date(obj.doc_date, thai_digits=False, abbr=True)


@admin.register(ReportEvent)
class ReportEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The sign-off trail: rows are only ever added, by the report services."""

    agency_field = "report__agency"
    supervisor_perms = VIEW_ONLY
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("report__agency")
    list_display = ("at", "report", "agency_name", "action", "from_state", "to_state", "actor", "sha")
    list_filter = ("action", "to_state", ("report__agency", AgencyCodeFilter))
    search_fields = ("report__subject", "note", "pdf_sha256", "report__agency__name", "actor__username")
    list_select_related = ("report", "report__agency", "actor")
    ordering = ("-at", "-pk")

    @admin.display(description=_("SHA-256 ของ PDF"))
    def sha(self, obj: ReportEvent) -> str:
        return _short_hash(obj.pdf_sha256)


@admin.register(Rendition)
class RenditionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """PDFs are made by the rendering task; a failed or stuck one can be queued again (the action
    calls ``rendition_retry``, which renders the stored source data)."""

    agency_field = "report__agency"
    superuser_perms = VIEW_ONLY
    actions = ("render_again",)

    @admin.action(description=_("สร้าง PDF อีกครั้ง (เฉพาะที่ไม่สำเร็จหรือค้าง)"))
    def render_again(self, request, queryset):
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        from reports.services import rendition_retry

        queued = 0
        for rendition in queryset.select_related("report__agency"):
            try:
                rendition_retry(rendition=rendition)
                queued += 1
            except ValidationError:
                continue
        self.message_user(request, _("เข้าคิวสร้าง PDF อีกครั้ง %(n)s ไฟล์") % {"n": queued}, messages.SUCCESS)

    agency_name = agency_column("report__agency")
    list_display = ("report", "agency_name", "status", "is_final", "pages", "size", "sha", "created_at")
    list_filter = ("status", "is_final", ("report__agency", AgencyCodeFilter))
    search_fields = ("sha256", "report__subject", "report__agency__name")
    list_select_related = ("report", "report__agency")
    ordering = ("-created_at",)
    fields = (
        "report",
        "status",
        "progress",
        "error",
        "is_final",
        "stored_file",
        "sha256",
        "size",
        "pages",
        "source_data",
        "requested_by",
        "created_at",
        "finished_at",
    )
    readonly_fields = (
        "report",
        "is_final",
        "stored_file",
        "sha256",
        "size",
        "pages",
        "source_data",
        "requested_by",
        "created_at",
        "finished_at",
    )

    def is_frozen(self, obj) -> bool:
        return obj.is_final

    @admin.display(description=_("SHA-256"))
    def sha(self, obj: Rendition) -> str:
        return _short_hash(obj.sha256)

    @admin.display(description=_("ไฟล์ PDF"))
    def stored_file(self, obj: Rendition) -> str:
        # Served by the reports views (access-checked or public once published), not from MEDIA.
        return obj.file.name if obj.file else "—"
