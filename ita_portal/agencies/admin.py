"""Admin for agencies, divisions, memberships and logins: the supervisor's view of their subtree.

Every save here goes through ``ita_portal.agencies.services``; scoping and permissions come from
``ita_portal.admin_base`` (which also turns ``admin.site`` into the supervisors' site).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ita_portal.admin_base import (
    ADD,
    ALL,
    CHANGE,
    VIEW,
    VIEW_ONLY,
    AgencyCodeFilter,
    ScopedAdminMixin,
    ScopedInlineMixin,
    admin_scope,
    agency_column,
    configure_admin_site,
    inline_parent,
    is_active_superuser,
    supervised_roots,
    user_may_use_admin,
)
from ita_portal.admin_exports import ExportActionsMixin
from ita_portal.agencies import services
from ita_portal.agencies.models import Agency, Division, Membership

configure_admin_site(admin.site)

User = get_user_model()

_MEMBERSHIP_UPDATE_FIELDS = ("role", "first_name_th", "last_name_th", "name_title", "division", "position_title", "is_active")


def _check_division(form: forms.ModelForm, agency_id: int | None) -> None:
    division = form.cleaned_data.get("division")
    if division is not None and division.agency_id != agency_id:
        form.add_error("division", _("กลุ่มงานต้องอยู่ในหน่วยงานเดียวกัน"))


def _active_member_count(field: str):
    """The active members of each shown agency or division (``field``: the membership's foreign
    key to it), counted by a subquery per row, which PostgreSQL evaluates for the page's 50 rows
    after the sort and LIMIT; a ``Count`` annotation joined and grouped every membership of the
    supervisor's whole subtree first (10 ms at 1,200 agencies, growing with them)."""
    members = (
        Membership.objects.filter(**{field: OuterRef("pk")}, is_active=True)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


# --- forms -----------------------------------------------------------------------------------


class AgencyAdminForm(forms.ModelForm):
    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        agency = self.instance
        if parent is not None and agency.pk and (parent.pk == agency.pk or parent.path.startswith(agency.path)):
            raise ValidationError(_("ย้ายหน่วยงานไปอยู่ใต้ตนเองหรือใต้หน่วยงานในสังกัดของตนเองไม่ได้"))
        return parent


class MembershipAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        agency = cleaned.get("agency") or (self.instance.agency if self.instance.agency_id else None)
        _check_division(self, agency.pk if agency else None)
        return cleaned


class MembershipInlineForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        _check_division(self, self.instance.agency_id)
        return cleaned


# --- services from admin forms ---------------------------------------------------------------


def _membership_from_form(form: forms.ModelForm, agency: Agency) -> Membership:
    data = form.cleaned_data
    membership = services.membership_create(
        user=data["user"],
        agency=agency,
        role=data["role"],
        first_name_th=data["first_name_th"],
        last_name_th=data["last_name_th"],
        name_title=data.get("name_title", ""),
        division=data.get("division"),
        position_title=data.get("position_title", ""),
    )
    if data.get("is_active") is False:
        services.membership_update(membership=membership, is_active=False)
    return membership


def _membership_update_from_form(membership: Membership, changed: list[str]) -> None:
    fields = {name: getattr(membership, name) for name in _MEMBERSHIP_UPDATE_FIELDS if name in changed}
    if fields:
        services.membership_update(membership=membership, **fields)


def _division_update_from_form(division: Division, changed: list[str]) -> None:
    fields = {name: getattr(division, name) for name in services.DIVISION_FIELDS if name in changed}
    if fields:
        services.division_update(division=division, **fields)


def _adopt(target, created) -> None:
    """Let the admin's own object stand for the one a service created (for messages and logs)."""
    target.pk = created.pk
    target._state.adding = False
    for field in ("path",):
        if hasattr(created, field):
            setattr(target, field, getattr(created, field))


# --- inlines ---------------------------------------------------------------------------------


class DivisionInline(ScopedInlineMixin, admin.TabularInline):
    model = Division
    fields = ("name", "short_name", "order", "is_active")
    extra = 0
    supervisor_perms = frozenset({VIEW, ADD, CHANGE})
    show_change_link = True


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    fields = ("user", "role", "name_title", "first_name_th", "last_name_th", "position_title", "division", "is_active")
    autocomplete_fields = ("user",)
    cached_choice_fields = ("division",)
    extra = 0
    supervisor_perms = ALL
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "division", "agency")

    def get_field_queryset(self, db, db_field, request):
        qs = super().get_field_queryset(db, db_field, request)
        if db_field.name == "division":
            parent = inline_parent(request)
            qs = qs.filter(agency=parent) if parent is not None else qs.none()
        return qs


# --- admins ----------------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(ExportActionsMixin, ScopedAdminMixin, admin.ModelAdmin):
    agency_field = ""
    export_filename = "ita-agencies"
    export_columns = (
        "code",
        "name",
        "short_name",
        "kind",
        (_("หน่วยงานต้นสังกัด"), lambda a: a.parent.name if a.parent_id else None),
        (_("จำนวนสมาชิก"), lambda a: getattr(a, "member_count", None)),
        "doc_prefix",
        "phone",
        "is_active",
        "created_at",
    )
    supervisor_perms = frozenset({VIEW, ADD, CHANGE})
    form = AgencyAdminForm
    list_display = ("name", "short_name", "code", "kind", "parent", "member_count", "is_active")
    list_filter = ("kind", "is_active", ("parent", AgencyCodeFilter))
    search_fields = ("name", "short_name", "code", "doc_prefix")
    list_select_related = ("parent",)
    ordering = ("path", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    inlines = (DivisionInline, MembershipInline)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "code", "kind", "parent", "is_active")}),
        (
            _("ข้อมูลสำหรับเอกสาร"),
            {
                "fields": (
                    "doc_prefix",
                    "head_title",
                    "phone",
                    "address",
                    "website",
                    "emblem",
                    "use_thai_digits",
                    "attachment_digits",
                )
            },
        ),
        (_("การทำงานในระบบ"), {"fields": ("allow_self_approval", "reminder_lead_days")}),
        (_("ข้อมูลระบบ"), {"classes": ("collapse",), "fields": ("path", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=_active_member_count("agency"))

    @admin.display(description=_("จำนวนสมาชิก"), ordering="member_count")
    def member_count(self, obj: Agency) -> int:
        return obj.member_count

    def _is_supervised_root(self, request, obj: Agency | None) -> bool:
        """The agency a supervisor is attached to: its place in the tree is not theirs to change."""
        if obj is None or is_active_superuser(request.user):
            return False
        return not any(obj.path.startswith(root.path) and obj.pk != root.pk for root in supervised_roots(request.user))

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if self._is_supervised_root(request, obj):
            fields += ("parent",)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "parent" in form.base_fields and not is_active_superuser(request.user):
            parent = form.base_fields["parent"]
            parent.required = True
            parent.error_messages["required"] = _("โปรดเลือกหน่วยงานต้นสังกัดที่อยู่ในขอบเขตการกำกับติดตามของท่าน")
        return form

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: getattr(obj, name)
                for name in form.changed_data
                if name in services.AGENCY_FIELDS | {"name", "code", "kind", "parent"}
            }
            services.agency_update(agency=obj, **fields)
            return
        extra = {name: getattr(obj, name) for name in form.cleaned_data if name in services.AGENCY_FIELDS}
        created = services.agency_create(name=obj.name, code=obj.code, kind=obj.kind, parent=obj.parent, **extra)
        _adopt(obj, created)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            formset.save(commit=False)
            for membership in formset.deleted_objects:
                services.membership_delete(membership=membership)
            for membership, changed in formset.changed_objects:
                _membership_update_from_form(membership, changed)
            for inline_form in formset.forms:
                if inline_form.instance in formset.new_objects:
                    _adopt(inline_form.instance, _membership_from_form(inline_form, formset.instance))
            return
        if formset.model is Division:
            formset.save(commit=False)
            for division in formset.deleted_objects:
                services.division_delete(division=division)
            for division, changed in formset.changed_objects:
                _division_update_from_form(division, changed)
            for division in formset.new_objects:
                _adopt(
                    division,
                    services.division_create(
                        agency=formset.instance, name=division.name, short_name=division.short_name, order=division.order
                    ),
                )
            return
        super().save_formset(request, form, formset, change)


@admin.register(Division)
class DivisionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
    supervisor_perms = frozenset({VIEW, ADD, CHANGE})
    agency_name = agency_column("agency")
    list_display = ("name", "short_name", "agency_name", "order", "member_count", "is_active")
    list_filter = ("is_active", ("agency", AgencyCodeFilter))
    search_fields = ("name", "short_name", "agency__name", "agency__short_name")
    list_select_related = ("agency",)
    ordering = ("agency__path", "order", "name")
    autocomplete_fields = ("agency",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=_active_member_count("division"))

    @admin.display(description=_("จำนวนสมาชิก"), ordering="member_count")
    def member_count(self, obj: Division) -> int:
        return obj.member_count

    def save_model(self, request, obj, form, change):
        if change:
            _division_update_from_form(obj, form.changed_data)
            return
        _adopt(obj, services.division_create(agency=obj.agency, name=obj.name, short_name=obj.short_name, order=obj.order))

    def delete_model(self, request, obj):
        services.division_delete(division=obj)

    def delete_queryset(self, request, queryset):
        for division in queryset:
            services.division_delete(division=division)


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency"
    supervisor_perms = ALL
    form = MembershipAdminForm
    agency_name = agency_column("agency")
    list_display = ("full_name", "user", "agency_name", "division", "role", "position_title", "is_active")
    list_filter = ("role", "is_active", ("agency", AgencyCodeFilter))
    search_fields = (
        "first_name_th",
        "last_name_th",
        "position_title",
        "user__username",
        "user__email",
        "agency__name",
        "agency__short_name",
    )
    list_select_related = ("user", "agency", "division")
    ordering = ("agency__path", "role", "first_name_th")
    autocomplete_fields = ("user", "agency", "division")
    readonly_fields = ("created_at",)
    fields = (
        "user",
        "agency",
        "division",
        "role",
        "name_title",
        "first_name_th",
        "last_name_th",
        "position_title",
        "is_active",
        "created_at",
    )

    @admin.display(description=_("ชื่อ–นามสกุล"), ordering="first_name_th")
    def full_name(self, obj: Membership) -> str:
        return obj.full_name

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        # A membership joins a user to an agency; to move someone, end one and start another.
        return (*fields, "user", "agency") if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            _membership_update_from_form(obj, form.changed_data)
            return
        _adopt(obj, _membership_from_form(form, form.cleaned_data["agency"]))

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership=membership)


# --- logins ----------------------------------------------------------------------------------

admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(ScopedAdminMixin, UserAdmin):
    """Django's UserAdmin for superusers; supervisors see (read-only) the people of their subtree."""

    supervisor_perms = VIEW_ONLY
    list_display = ("username", "email", "first_name", "last_name", "agencies", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "memberships__role")

    def scope_for(self, request, qs):
        if is_active_superuser(request.user):
            return qs
        if not user_may_use_admin(request.user):
            return qs.none()
        member_ids = admin_scope(Membership.objects.all(), request.user, "agency").values("user_id")
        return qs.filter(pk__in=member_ids)

    def obj_in_scope(self, request, obj) -> bool:
        return is_active_superuser(request.user) or self.scope_for(request, User.objects.filter(pk=obj.pk)).exists()

    def get_queryset(self, request):
        # Only memberships inside the user's admin scope: a supervisor must not learn where else
        # one of their people works.
        scoped = admin_scope(Membership.objects.select_related("agency"), request.user, "agency")
        return super().get_queryset(request).prefetch_related(Prefetch("memberships", queryset=scoped))

    @admin.display(description=_("หน่วยงาน"))
    def agencies(self, obj) -> str:
        return ", ".join(f"{m.agency.display_short} ({m.get_role_display()})" for m in obj.memberships.all())

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        usable = form.cleaned_data.get("usable_password", "true") not in (False, "false")
        created = services.user_create(
            username=obj.username,
            password=form.cleaned_data.get("password1") if usable else None,
            email=obj.email or "",
        )
        _adopt(obj, created)


from ita_portal.agencies import admin_days_off  # noqa: E402, F401  (registers DayOffAdmin beside these)
