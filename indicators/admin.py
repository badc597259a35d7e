"""Admin for assessments, which supervisors load for their whole area, and (from ``admin_catalogue``)
the ITA catalogue. Scoping and permissions: ``ita_portal.admin_base``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.admin_catalogue import FrameworkChoicesMixin
from indicators.models import Assessment, ImportBatch, IndicatorScore, ItemResult
from indicators.services import COMPUTED_FIELDS, ItemInput, assessment_save_scores
from ita_portal.admin_base import (
    ADD,
    CHANGE,
    VIEW,
    VIEW_ONLY,
    AgencyCodeFilter,
    FiscalYearFilter,
    ScopedAdminMixin,
    ScopedInlineMixin,
    agency_column,
)
from ita_portal.admin_exports import ExportActionsMixin, agency_columns

SCORE_EDITORS = frozenset({VIEW, ADD, CHANGE})


# --- assessments -----------------------------------------------------------------------------


class IndicatorScoreInline(FrameworkChoicesMixin, ScopedInlineMixin, admin.TabularInline):
    model = IndicatorScore
    fields = ("indicator", "score")
    framework_bound_fields = ("indicator",)
    cached_choice_fields = ("indicator",)
    supervisor_perms = SCORE_EDITORS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class ItemResultInline(FrameworkChoicesMixin, ScopedInlineMixin, admin.TabularInline):
    model = ItemResult
    fields = ("item", "passed", "url", "remark")
    framework_bound_fields = ("item",)
    cached_choice_fields = ("item",)
    supervisor_perms = SCORE_EDITORS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(Assessment)
class AssessmentAdmin(ExportActionsMixin, ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
    export_filename = "ita-assessments"
    export_columns = (
        *agency_columns("agency"),
        "framework__fiscal_year",
        (_("ผู้ประเมิน"), lambda a: a.framework.assessor),
        "overall_score",
        "grade",
        "passed",
        "rating_text",
        "iit_score",
        "eit_score",
        "oit_score",
        "source",
        "note",
        "updated_at",
    )
    supervisor_perms = SCORE_EDITORS
    agency_name = agency_column("agency")
    list_display = (
        "agency_name",
        "fiscal_year",
        "assessor",
        "overall_score",
        "grade",
        "passed",
        "rating_text",
        "source",
        "updated_at",
    )
    list_filter = (
        ("framework__fiscal_year", FiscalYearFilter),
        "grade",
        "passed",
        "source",
        "framework__assessor",
        ("agency", AgencyCodeFilter),
    )
    search_fields = ("agency__name", "agency__short_name", "agency__code", "note", "rating_text")
    list_select_related = ("agency", "framework", "framework__assessor")
    ordering = ("-framework__fiscal_year", "agency__path")
    autocomplete_fields = ("agency", "framework")
    readonly_fields = ("updated_by", "created_at", "updated_at")
    inlines = (IndicatorScoreInline, ItemResultInline)
    fieldsets = (
        (None, {"fields": ("agency", "framework", "source")}),
        (_("ผลการประเมิน"), {"fields": ("overall_score", "grade", "passed", "rating_text")}),
        (_("คะแนนรายเครื่องมือ"), {"fields": ("iit_score", "eit_score", "oit_score")}),
        (_("อื่น ๆ"), {"fields": ("note", "updated_by", "created_at", "updated_at")}),
    )

    @admin.display(description=_("ปีงบประมาณ"), ordering="framework__fiscal_year")
    def fiscal_year(self, obj: Assessment) -> int:
        return obj.framework.fiscal_year

    @admin.display(description=_("ผู้ประเมิน"), ordering="framework__assessor__code")
    def assessor(self, obj: Assessment) -> str:
        return obj.framework.assessor.name

    def get_readonly_fields(self, request, obj=None):
        # Overall score, grade and pass are computed by assessment_recompute, never typed; the agency
        # and framework of an existing assessment are its identity.
        fixed = ("agency", "framework") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *COMPUTED_FIELDS, "source", *fixed)

    def save_model(self, request, obj, form, change):
        saved = assessment_save_scores(
            agency=obj.agency, framework=obj.framework, scores={}, rating_text=obj.rating_text, note=obj.note, user=request.user
        )
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        """The inline scores and item results are saved by the scores service, which recomputes."""
        scores: dict = {}
        items: dict = {}
        for formset in formsets:
            # The admin's change message reads what formset.save() would have recorded.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None)
                if not data:
                    continue
                deleted = bool(data.get("DELETE"))
                if formset.model is IndicatorScore and data.get("indicator"):
                    scores[data["indicator"].pk] = None if deleted else data.get("score")
                elif formset.model is ItemResult and data.get("item"):
                    items[data["item"].pk] = (
                        ItemInput(passed=None)
                        if deleted
                        else ItemInput(passed=data.get("passed"), remark=data.get("remark") or "", url=data.get("url") or "")
                    )
        assessment = form.instance
        assessment_save_scores(
            agency=assessment.agency,
            framework=assessment.framework,
            scores=scores,
            items=items,
            rating_text=assessment.rating_text,
            note=assessment.note,
            user=request.user,
        )


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Listed for search and filtering; scores are edited on the assessment page (recomputed there)."""

    agency_field = "assessment__agency"
    supervisor_perms = VIEW_ONLY
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("assessment__agency")
    list_display = ("indicator", "score", "agency_name", "fiscal_year")
    list_filter = (
        "assessment__framework__fiscal_year",
        "indicator__instrument",
        ("assessment__agency", AgencyCodeFilter),
    )
    search_fields = ("indicator__name", "assessment__agency__name", "assessment__agency__short_name")
    list_select_related = ("indicator", "assessment__agency", "assessment__framework")
    ordering = ("-assessment__framework__fiscal_year", "assessment__agency__path", "indicator__number")
    autocomplete_fields = ("assessment", "indicator")

    @admin.display(description=_("ปีงบประมาณ"), ordering="assessment__framework__fiscal_year")
    def fiscal_year(self, obj: IndicatorScore) -> int:
        return obj.assessment.framework.fiscal_year


@admin.register(ItemResult)
class ItemResultAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Listed for search and filtering; results are edited on the assessment page."""

    agency_field = "assessment__agency"
    supervisor_perms = VIEW_ONLY
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("assessment__agency")
    list_display = ("item_code", "item", "passed", "score", "agency_name", "fiscal_year")
    list_filter = (
        "passed",
        "item__kind",
        "assessment__framework__fiscal_year",
        ("assessment__agency", AgencyCodeFilter),
    )
    search_fields = ("item__title", "item__stable_key", "remark", "assessment__agency__name", "assessment__agency__short_name")
    list_select_related = ("item", "assessment__agency", "assessment__framework")
    ordering = ("-assessment__framework__fiscal_year", "assessment__agency__path", "item__kind", "item__number")
    autocomplete_fields = ("assessment", "item")

    @admin.display(description=_("รหัสข้อ"), ordering="item__number")
    def item_code(self, obj: ItemResult) -> str:
        return obj.item.code

    @admin.display(description=_("ปีงบประมาณ"), ordering="assessment__framework__fiscal_year")
    def fiscal_year(self, obj: ItemResult) -> int:
        return obj.assessment.framework.fiscal_year


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Score imports: who loaded which file when, and its row errors (made by the import service)."""

    agency_field = "agency"
    supervisor_perms = VIEW_ONLY
    superuser_perms = VIEW_ONLY
    agency_name = agency_column("agency")
    list_display = (
        "filename",
        "agency_name",
        "fiscal_year",
        "status",
        "layout",
        "row_count",
        "error_count",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("status", "fiscal_year", "layout", ("agency", AgencyCodeFilter))
    search_fields = ("filename", "agency__name", "agency__short_name", "uploaded_by__username")
    date_hierarchy = "created_at"
    list_select_related = ("agency", "uploaded_by")
    ordering = ("-created_at",)
    exclude = ("content", "file")
