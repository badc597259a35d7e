"""Admin for the ITA catalogue (view-only for supervisors) and for assessments, which supervisors
load for their whole area. Scoping and permissions: ``ita_portal.admin_base``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from indicators.models import Assessment, Assessor, Framework, ImportBatch, Indicator, IndicatorScore, Item, ItemResult
from indicators.services import COMPUTED_FIELDS, ItemInput, assessment_save_scores
from ita_portal.admin_base import ADD, CHANGE, VIEW, VIEW_ONLY, ScopedAdminMixin, ScopedInlineMixin, agency_column, inline_parent

SCORE_EDITORS = frozenset({VIEW, ADD, CHANGE})


def _framework_of_parent(request):
    """The framework whose indicators/items an inline row may pick (parent framework or assessment's)."""
    parent = inline_parent(request)
    if isinstance(parent, Framework):
        return parent
    if isinstance(parent, Assessment):
        return parent.framework
    return None


class FrameworkChoicesMixin:
    """Inline rows pick indicators / items of the parent's framework only, from one cached list."""

    framework_bound_fields: tuple[str, ...] = ()

    def get_field_queryset(self, db, db_field, request):
        qs = super().get_field_queryset(db, db_field, request)
        if db_field.name in self.framework_bound_fields:
            framework = _framework_of_parent(request)
            qs = qs.filter(framework=framework) if framework is not None else qs.none()
        return qs


# --- catalogue -------------------------------------------------------------------------------


@admin.register(Assessor)
class AssessorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "framework_count")
    search_fields = ("code", "name", "description")
    ordering = ("code",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(framework_count=Count("frameworks"))

    @admin.display(description=_("จำนวนกรอบการประเมิน"), ordering="framework_count")
    def framework_count(self, obj: Assessor) -> int:
        return obj.framework_count


class IndicatorInline(ScopedInlineMixin, admin.TabularInline):
    model = Indicator
    fields = ("number", "name", "instrument", "weight", "stable_key")
    extra = 0
    show_change_link = True


class ItemInline(FrameworkChoicesMixin, ScopedInlineMixin, admin.TabularInline):
    model = Item
    fk_name = "framework"
    fields = ("kind", "number", "title", "indicator", "sub_area", "stable_key")
    framework_bound_fields = ("indicator",)
    cached_choice_fields = ("indicator",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(Framework)
class FrameworkAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "fiscal_year", "assessor", "pass_mark", "oit_weight", "indicator_count", "item_count", "is_confirmed")
    list_filter = ("fiscal_year", "assessor", "is_confirmed")
    search_fields = ("name", "source_note", "fiscal_year")
    list_select_related = ("assessor",)
    ordering = ("-fiscal_year", "assessor__code")
    autocomplete_fields = ("assessor",)
    inlines = (IndicatorInline, ItemInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(indicator_count=Count("indicators", distinct=True), item_count=Count("items", distinct=True))
        )

    @admin.display(description=_("ตัวชี้วัด"), ordering="indicator_count")
    def indicator_count(self, obj: Framework) -> int:
        return obj.indicator_count

    @admin.display(description=_("ข้อ"), ordering="item_count")
    def item_count(self, obj: Framework) -> int:
        return obj.item_count


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "instrument", "weight", "framework", "stable_key")
    list_display_links = ("number", "name")
    list_filter = ("framework__fiscal_year", "instrument", "framework__assessor")
    search_fields = ("name", "stable_key", "framework__name")
    list_select_related = ("framework",)
    ordering = ("-framework__fiscal_year", "framework__assessor__code", "number")
    autocomplete_fields = ("framework",)


class ItemAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        framework, indicator = cleaned.get("framework"), cleaned.get("indicator")
        if framework and indicator and indicator.framework_id != framework.pk:
            self.add_error("indicator", _("ตัวชี้วัดต้องอยู่ในกรอบการประเมินเดียวกับข้อ"))
        return cleaned


@admin.register(Item)
class ItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = ("code", "title", "indicator", "framework", "sub_area", "stable_key")
    list_display_links = ("code", "title")
    list_filter = ("kind", "framework__fiscal_year", "framework__assessor")
    search_fields = ("title", "stable_key", "sub_area")
    list_select_related = ("framework", "indicator")
    ordering = ("-framework__fiscal_year", "kind", "number")
    autocomplete_fields = ("framework", "indicator")

    @admin.display(description=_("รหัสข้อ"), ordering="number")
    def code(self, obj: Item) -> str:
        return obj.code


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
class AssessmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
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
        "framework__fiscal_year",
        "grade",
        "passed",
        "source",
        "framework__assessor",
        ("agency", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("agency__name", "agency__short_name", "agency__code", "note", "rating_text")
    date_hierarchy = "updated_at"
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
        ("assessment__agency", admin.RelatedOnlyFieldListFilter),
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
        ("assessment__agency", admin.RelatedOnlyFieldListFilter),
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
    list_filter = ("status", "fiscal_year", "layout", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("filename", "agency__name", "agency__short_name", "uploaded_by__username")
    date_hierarchy = "created_at"
    list_select_related = ("agency", "uploaded_by")
    ordering = ("-created_at",)
    exclude = ("content",)
