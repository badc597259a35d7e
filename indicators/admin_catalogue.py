"""Admin for the ITA catalogue (assessors, frameworks with their indicators and items): view-only for
supervisors, edited by superusers — and every edit goes through the catalogue services.

A framework page (its fields plus the indicator and item inlines) becomes one whole framework
dict: it is checked with ``framework_check`` while the formsets are validated, so a bad edit comes
back on the page with Thai errors and nothing written, and saved with ``framework_save`` (the same
``framework_load`` a file goes through). The stand-alone indicator and item pages do the same
with their one row swapped into the framework's dict.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from indicators.catalogue.edits import (
    assessor_delete,
    assessor_save,
    framework_check,
    framework_data,
    framework_delete,
    framework_save,
)
from indicators.models import Assessor, Framework, Indicator, Item
from ita_portal.admin_base import ScopedAdminMixin, ScopedInlineMixin, inline_parent


class FrameworkChoicesMixin:
    """Inline rows pick indicators / items of the parent's framework only, from one cached list."""

    framework_bound_fields: tuple[str, ...] = ()

    def get_field_queryset(self, db, db_field, request):
        qs = super().get_field_queryset(db, db_field, request)
        if db_field.name in self.framework_bound_fields:
            framework = framework_of_parent(request)
            qs = qs.filter(framework=framework) if framework is not None else qs.none()
        return qs


def framework_of_parent(request):
    """The framework whose indicators/items an inline row may pick (parent framework or assessment's)."""
    parent = inline_parent(request)
    if isinstance(parent, Framework):
        return parent
    framework = getattr(parent, "framework", None)
    return framework if isinstance(framework, Framework) else None


# --- rows of the framework dict ----------------------------------------------------------------


def _framework_fields(framework: Framework) -> dict:
    return {
        "assessor": {"code": framework.assessor.code, "name": framework.assessor.name},
        "fiscal_year": framework.fiscal_year,
        "name": framework.name,
        "pass_mark": framework.pass_mark,
        "weights": {"iit": framework.iit_weight, "eit": framework.eit_weight, "oit": framework.oit_weight},
        "source_note": framework.source_note,
        "is_confirmed": framework.is_confirmed,
    }


def _indicator_row(data: dict) -> dict:
    row = {k: data.get(k) for k in ("number", "name", "instrument", "stable_key")}
    if data.get("weight") is not None:
        row["weight"] = data["weight"]
    return row


def _item_row(data: dict, indicator_number: int | None) -> dict:
    row = {
        "code": f"{data.get('kind') or ''}{data.get('number') or ''}",
        "indicator": indicator_number,
        "title": data.get("title") or "",
        "sub_area": data.get("sub_area") or "",
        "stable_key": data.get("stable_key") or "",
    }
    # The item's own page edits the guideline; the framework page's rows leave it as stored.
    if "guideline" in data:
        row["guideline"] = data.get("guideline") or ""
    return row


def _kept_forms(formset):
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty extra row
        yield form


def _page_data(framework: Framework, indicator_formset, item_formset) -> dict:
    """The framework dict a framework page describes: its fields, then its inline rows."""
    data = {**_framework_fields(framework), "indicators": [], "items": []}
    new_numbers: dict[int, int] = {}
    for form in _kept_forms(indicator_formset):
        data["indicators"].append(_indicator_row(form.cleaned_data))
        if form.instance.pk is not None:
            new_numbers[form.instance.pk] = form.cleaned_data.get("number")
    for form in _kept_forms(item_formset):
        indicator = form.cleaned_data.get("indicator")
        number = new_numbers.get(indicator.pk) if indicator is not None else None
        data["items"].append(_item_row(form.cleaned_data, number))
    return data


# --- assessors ---------------------------------------------------------------------------------


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

    def save_model(self, request, obj, form, change):
        saved = assessor_save(
            assessor=Assessor.objects.get(pk=obj.pk) if change else None,
            code=obj.code,
            name=obj.name,
            description=obj.description,
        )
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        assessor_delete(assessor=obj)

    def delete_queryset(self, request, queryset):
        for assessor in queryset:
            assessor_delete(assessor=assessor)


# --- frameworks --------------------------------------------------------------------------------

_PAGE = "_ita_framework_page"


class _FrameworkInline(ScopedInlineMixin, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        model = self.model

        class CheckedFormSet(formset_class):
            def clean(self):
                super().clean()
                page = getattr(request, _PAGE, None)
                if page is not None and model is Item:
                    page.check(self)

        return CheckedFormSet


class IndicatorInline(_FrameworkInline):
    model = Indicator
    fields = ("number", "name", "instrument", "weight", "stable_key")


class ItemInline(FrameworkChoicesMixin, _FrameworkInline):
    model = Item
    fk_name = "framework"
    fields = ("kind", "number", "title", "indicator", "sub_area", "stable_key")
    framework_bound_fields = ("indicator",)
    cached_choice_fields = ("indicator",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class _FrameworkPage:
    """One POST of a framework page: the form, once valid, and the check of the whole framework.

    Django validates the page's form first and its inline formsets after it; the item formset
    (the last one) checks the whole framework dict in its ``clean``, so a refusal lands on the
    page as a formset error and the admin never calls ``save_model``.
    """

    def __init__(self, form, change: bool):
        self.form, self.change = form, change
        self.formsets: list = []
        self.data: dict | None = None

    def check(self, item_formset) -> None:
        indicator_formset = next((f for f in self.formsets if f.model is Indicator), None)
        if indicator_formset is None or not indicator_formset.is_valid() or any(f.errors for f in item_formset.forms):
            return
        framework = self.form.instance
        self.data = _page_data(framework, indicator_formset, item_formset)
        framework_check(framework=framework if self.change else None, data=self.data)


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

    def save_form(self, request, form, change):
        # Called once the form is valid and before the formsets are: the item formset's clean
        # then checks the whole framework (``_FrameworkPage.check``).
        page = _FrameworkPage(form, change)
        page.formsets = getattr(request, "_ita_formsets", [])
        setattr(request, _PAGE, page)
        return form.instance

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request._ita_formsets = formsets
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        page = getattr(request, _PAGE, None)
        data = page.data if page is not None and page.data is not None else framework_data(obj)
        saved = framework_save(framework=obj if change else None, data=data)
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        # The rows were written by framework_save; this only lets the admin name them in its log.
        for formset in formsets:
            formset.save(commit=False)

    def delete_model(self, request, obj):
        framework_delete(framework=obj)

    def delete_queryset(self, request, queryset):
        for framework in queryset:
            framework_delete(framework=framework)


# --- indicators and items on their own pages -----------------------------------------------------


class IndicatorAdminForm(forms.ModelForm):
    """The framework with this indicator changed (or added), checked as a whole."""

    def clean(self):
        cleaned = super().clean()
        framework = cleaned.get("framework") or (self.instance.framework if self.instance.framework_id else None)
        if framework is None or self.errors:
            return cleaned
        self.catalogue_data = _with_indicator(framework, self.instance, cleaned)
        framework_check(framework=framework, data=self.catalogue_data)
        return cleaned


def _with_indicator(framework: Framework, indicator: Indicator, cleaned: dict) -> dict:
    data = framework_data(framework)
    old_number = indicator.number if indicator.pk and indicator.framework_id == framework.pk else None
    rows = [r for r in data["indicators"] if r["number"] != old_number]
    rows.append(_indicator_row(cleaned))
    if old_number is not None:
        for item in data["items"]:
            if item["indicator"] == old_number:
                item["indicator"] = cleaned.get("number")
    data["indicators"] = sorted(rows, key=lambda r: r["number"] or 0)
    return data


class _FrameworkRowAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The page of one row of a framework's dict (an indicator or an item): its form builds the
    framework with the row swapped in (``catalogue_data``); saving and deleting go through
    ``framework_save``."""

    row_kind = ""  # "indicator" or "item": the keyword of ``_without``

    def saved_row(self, obj):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        # A row belongs to one framework's dict; moving it would be an edit of two frameworks.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "framework") if obj is not None else fields

    def save_model(self, request, obj, form, change):
        framework_save(framework=obj.framework, data=form.catalogue_data)
        obj.pk, obj._state.adding = self.saved_row(obj).pk, False

    def delete_model(self, request, obj):
        _without(obj.framework, **{self.row_kind: obj})

    def delete_queryset(self, request, queryset):
        for row in queryset.select_related("framework"):
            _without(row.framework, **{self.row_kind: row})


@admin.register(Indicator)
class IndicatorAdmin(_FrameworkRowAdmin):
    form = IndicatorAdminForm
    row_kind = "indicator"
    list_display = ("number", "name", "instrument", "weight", "framework", "stable_key")
    list_display_links = ("number", "name")
    list_filter = ("framework__fiscal_year", "instrument", "framework__assessor")
    search_fields = ("name", "stable_key", "framework__name")
    list_select_related = ("framework",)
    ordering = ("-framework__fiscal_year", "framework__assessor__code", "number")
    autocomplete_fields = ("framework",)

    def saved_row(self, obj):
        return obj.framework.indicators.get(number=obj.number)


def _without(framework: Framework, *, indicator: Indicator | None = None, item: Item | None = None) -> None:
    data = framework_data(framework)
    if indicator is not None:
        data["indicators"] = [r for r in data["indicators"] if r["number"] != indicator.number]
        data["items"] = [r for r in data["items"] if r["indicator"] != indicator.number]
    if item is not None:
        data["items"] = [r for r in data["items"] if r["stable_key"] != item.stable_key]
    framework_save(framework=framework, data=data)


class ItemAdminForm(forms.ModelForm):
    """The framework with this item changed (or added), checked as a whole."""

    def clean(self):
        cleaned = super().clean()
        framework = cleaned.get("framework") or (self.instance.framework if self.instance.framework_id else None)
        indicator = cleaned.get("indicator")
        if framework and indicator and indicator.framework_id != framework.pk:
            self.add_error("indicator", _("ตัวชี้วัดต้องอยู่ในกรอบการประเมินเดียวกับข้อ"))
        if framework is None or indicator is None or self.errors:
            return cleaned
        data = framework_data(framework)
        old_key = self.instance.stable_key if self.instance.pk and self.instance.framework_id == framework.pk else None
        data["items"] = [r for r in data["items"] if old_key is None or r["stable_key"] != old_key]
        data["items"].append(_item_row(cleaned, indicator.number))
        self.catalogue_data = data
        framework_check(framework=framework, data=data)
        return cleaned


@admin.register(Item)
class ItemAdmin(_FrameworkRowAdmin):
    form = ItemAdminForm
    row_kind = "item"
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

    def saved_row(self, obj):
        return obj.framework.items.get(stable_key=obj.stable_key)
