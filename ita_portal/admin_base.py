"""The admin site as the supervisors' tool: who may enter, what each role may do, and how every
list, choice and autocomplete is scoped.

Access never depends on Django's model permissions or groups:

- an active superuser may use the whole admin (still bound by the read-only rules below);
- a user with an active supervisor Membership of agency S may use it for S and everything below S;
- nobody else gets in (staff and directors work in the portal, not here).

Each ModelAdmin mixes in ``ScopedAdminMixin`` and declares
``agency_field`` (lookup path to the owning Agency, ``""`` for Agency itself, ``None`` for the
catalogue, which is not agency data) and what each role may do (``supervisor_perms`` /
``superuser_perms``, subsets of view/add/change/delete). ``is_frozen(obj)`` marks rows whose history
must not change (approved reports, final renditions); they stay viewable but never editable.

Who is a supervisor of what is the access policy's ``supervise`` action
(``ita_portal.agencies.selectors``): rows are read through ``scope_queryset(..., action=SUPERVISE)``,
the user's supervised subtrees, since the admin is the supervisor's tool and not the staff's.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AdminSite, helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet, URLField
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ita_portal import admin_be, admin_list_fast
from ita_portal.agencies.models import Agency
from ita_portal.agencies.selectors import Action, can, may_anywhere, memberships_granting, scope_queryset
from ita_portal.agencies.services import AGENCY_TREE
from ita_portal.cache import bump_generation, generation, remember

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
VIEW_ONLY = frozenset({VIEW})
ALL = frozenset({VIEW, ADD, CHANGE, DELETE})
NOTHING: frozenset[str] = frozenset()


# --- who may enter ---------------------------------------------------------------------------


def is_active_superuser(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def supervised_roots(user) -> list[Agency]:
    """The agencies a user supervises (each with its whole subtree)."""
    if not _active(user):
        return []
    return [m.agency for m, _reach in memberships_granting(user, Action.SUPERVISE)]


def user_may_use_admin(user) -> bool:
    """Active superusers and active supervisors; ``is_staff`` and model permissions do not count."""
    return _active(user) and may_anywhere(user, Action.SUPERVISE)


def admin_scope(qs: QuerySet, user, agency_field: str) -> QuerySet:
    """Rows the user may see in the admin: those of the agencies they supervise."""
    if not user_may_use_admin(user):
        return qs.none()
    return scope_queryset(qs, user, agency_field, action=Action.SUPERVISE)


def agency_of(obj: Model, agency_field: str) -> Agency | None:
    target = obj
    for part in [p for p in agency_field.split("__") if p]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target  # type: ignore[return-value]


def in_supervised_subtree(user, agency: Agency | None) -> bool:
    if is_active_superuser(user):
        return True
    if agency is None or not agency.is_active or not _active(user):
        return False
    return can(user, Action.SUPERVISE, agency)


# --- the site --------------------------------------------------------------------------------


class SupervisorAuthenticationForm(AdminAuthenticationForm):
    """The admin login accepts whoever the site lets in, not whoever has ``is_staff``."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (ตัวพิมพ์เล็ก–ใหญ่มีผล)"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน"),
    }

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not user_may_use_admin(user):
            raise ValidationError(
                _("ส่วนผู้ดูแลระบบสำหรับผู้กำกับติดตามของหน่วยงานต้นสังกัดเท่านั้น กรุณาใช้งานผ่านหน้าหลักของระบบ"),
                code="not_supervisor",
            )


SITE_HEADER = _("ITA Portal — ระบบกำกับติดตามสำหรับหน่วยงานต้นสังกัด")
SITE_TITLE = _("ITA Portal ผู้กำกับติดตาม")
INDEX_TITLE = _("ข้อมูลหน่วยงานในสังกัด")


def configure_admin_site(site: AdminSite) -> None:
    """Make ``site`` (the default ``admin.site``) the supervisors' site. Called once, from
    ``ita_portal/agencies/admin.py``: ``ita_portal/urls.py`` mounts ``admin.site`` as it is."""
    if getattr(site, "_ita_configured", False):
        return
    site.site_header = SITE_HEADER
    site.site_title = SITE_TITLE
    site.index_title = INDEX_TITLE
    site.site_url = "/"
    admin_be.install()
    admin_list_fast.install()
    site.login_form = SupervisorAuthenticationForm
    site.has_permission = lambda request: user_may_use_admin(request.user)
    original_each_context = site.each_context

    def each_context(request):
        context = original_each_context(request)
        user = getattr(request, "user", None)
        context["ita_is_superuser"] = is_active_superuser(user)
        context["ita_supervised_roots"] = supervised_roots(user) if user is not None else []
        return context

    site.each_context = each_context
    original_get_app_list = site.get_app_list

    def get_app_list(request, app_label=None):
        # The sidebar's and the index's list of models, built on every admin page from each
        # ModelAdmin's permission checks (a third of an admin page's own work besides its table):
        # the same for a user until their roles or permissions change (ADMIN_MENU).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return original_get_app_list(request, app_label)
        key = f"user:{user.pk}:{app_label or ''}:{get_language()}:tree:{generation(AGENCY_TREE)}"
        return remember(ADMIN_MENU, key, lambda: _plain(original_get_app_list(request, app_label)))

    site.get_app_list = get_app_list
    site._ita_configured = True


def _plain(app_list: list[dict]) -> list[dict]:
    """The app list with its lazy names made text (it is cached per language; lazy ``capfirst``
    proxies cannot be pickled)."""

    def plain(entry: dict) -> dict:
        return {key: str(value) if isinstance(value, Promise) else value for key, value in entry.items()}

    return [{**plain(app), "models": [plain(model) for model in app["models"]]} for app in app_list]


#: The generation of the admin's cached model lists (``configure``): every change of who may do
#: what (memberships, agencies, users, groups and their permissions) bumps it.
ADMIN_MENU = "admin-menu"


def admin_menu_changed(**_kwargs) -> None:
    """Signal receiver: users' admin model lists may have changed."""
    bump_generation(ADMIN_MENU)


def connect_admin_menu() -> None:
    """Connected in ``AgenciesConfig.ready`` (every process, the worker's too: a change made there
    must reach the web workers' cached lists)."""
    from django.contrib.auth.models import Group, User
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ita_portal.agencies.models import Membership

    for model in (Membership, Agency, User, Group):
        post_save.connect(admin_menu_changed, sender=model, dispatch_uid=f"admin-menu-save-{model.__name__}")
        post_delete.connect(admin_menu_changed, sender=model, dispatch_uid=f"admin-menu-delete-{model.__name__}")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(admin_menu_changed, sender=through, dispatch_uid=f"admin-menu-m2m-{through.__name__}")


# --- model admins ----------------------------------------------------------------------------


def _related_admin(admin_site: AdminSite, model: type[Model]):
    return admin_site._registry.get(model)


class ScopedFieldsMixin:
    """FK / M2M choices limited to what the user may see, wherever the form is (admin or inline).

    The related model's own admin decides its scope (``scope_for``), so an Agency picked from a
    Membership form is scoped exactly like the Agency changelist. ``cached_choice_fields`` render
    their select options once per formset instead of once per row.
    """

    cached_choice_fields: tuple[str, ...] = ()
    choice_select_related: dict[str, tuple[str, ...]] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, URLField):
            kwargs.setdefault("assume_scheme", "https")  # Government sites are https; Django 6 default.
        kwargs = admin_be.thai_date_formfield_kwargs(db_field, kwargs)  # typed BE, BE calendar
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_field_queryset(self, db, db_field, request):
        qs = super().get_field_queryset(db, db_field, request)
        related = db_field.remote_field.model
        related_admin = _related_admin(self.admin_site, related)
        if qs is None:
            qs = related._default_manager.using(db).all()
        if related_admin is not None and hasattr(related_admin, "scope_for"):
            qs = related_admin.scope_for(request, qs)
        elif not is_active_superuser(request.user):
            # A related model no scoped admin speaks for is not offered to supervisors.
            qs = qs.none()
        extra = self.choice_select_related.get(db_field.name)
        if extra:
            qs = qs.select_related(*extra)
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.cached_choice_fields:
            field.choices = list(field.choices)
        return field


# Django's own message (translated by Django's catalogue; kept out of ours by not being a literal).
_DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"


class ScopedAdminMixin(ScopedFieldsMixin):
    """Role-based permissions and agency scoping for a ModelAdmin (see the module docstring)."""

    agency_field: str | None = None
    supervisor_perms: frozenset[str] = VIEW_ONLY
    superuser_perms: frozenset[str] = ALL
    # A filtered list counts its own rows only; "N in all" would be a second COUNT over the whole
    # scoped table on every page view. (Large tables have no date_hierarchy either, for the same
    # reason: its MIN/MAX runs over the whole scope; agencies are filtered by AgencyCodeFilter.)
    show_full_result_count = False
    # Fifty rows a page: a supervisor scans a page, then filters; a hundred rows doubled the cost
    # of every list (each row runs its display columns) for rows below the fold.
    list_per_page = 50

    def action_checkbox(self, obj):
        """Django's action checkbox, the same HTML, written directly instead of through the
        CheckboxInput widget's templates (three template renders per row)."""
        label = format_html(gettext(_DJANGO_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    # scope

    def scope_for(self, request, qs: QuerySet) -> QuerySet:
        """``qs`` limited to the rows this admin lets ``request.user`` see."""
        if not user_may_use_admin(request.user):
            return qs.none()
        if self.agency_field is None:
            return qs
        return admin_scope(qs, request.user, self.agency_field)

    def get_queryset(self, request):
        qs = self.scope_for(request, super().get_queryset(request))
        # Change pages and autocomplete print the same __str__ as the list: join the same rows.
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        return qs

    def lookup_allowed(self, lookup, value, request=None):
        # AgencyCodeFilter's parameter ("agency__code") crosses a relation, which Django allows
        # only for list_filter paths: allow exactly those parameters.
        for item in self.list_filter:
            if isinstance(item, list | tuple) and item[1] is AgencyCodeFilter and lookup == f"{item[0]}__code":
                return True
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete and search both land here; the scope is applied again so that a search
        # term can never widen it.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope_for(request, queryset), may_have_duplicates

    def obj_in_scope(self, request, obj) -> bool:
        if is_active_superuser(request.user) or self.agency_field is None:
            return True
        return in_supervised_subtree(request.user, agency_of(obj, self.agency_field))

    # permissions

    def is_frozen(self, obj) -> bool:
        """True when ``obj`` is history that must not change (approved, final …)."""
        return False

    def role_perms(self, request) -> frozenset[str]:
        user = request.user
        if not user_may_use_admin(user):
            return NOTHING
        return self.superuser_perms if is_active_superuser(user) else self.supervisor_perms

    def allows(self, request, action: str, obj=None) -> bool:
        if action not in self.role_perms(request):
            return False
        if obj is not None:
            if not self.obj_in_scope(request, obj):
                return False
            if action in (CHANGE, DELETE) and self.is_frozen(obj):
                return False
        return True

    def has_module_permission(self, request):
        return user_may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.allows(request, VIEW, obj)

    def has_add_permission(self, request, *args):
        return self.allows(request, ADD)

    def has_change_permission(self, request, obj=None):
        return self.allows(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self.allows(request, DELETE, obj)


class ScopedInlineMixin(ScopedFieldsMixin):
    """Permissions for an inline: its own role rules, and never more than the parent allows.

    ``obj`` passed by Django is the parent object; when the parent may not be changed (out of the
    role, frozen), the inline is read-only too.
    """

    supervisor_perms: frozenset[str] = VIEW_ONLY
    superuser_perms: frozenset[str] = ALL

    def _parent_admin(self):
        return _related_admin(self.admin_site, self.parent_model)

    def allows(self, request, action: str, obj=None) -> bool:
        user = request.user
        if not user_may_use_admin(user):
            return False
        perms = self.superuser_perms if is_active_superuser(user) else self.supervisor_perms
        if action not in perms:
            return False
        parent_admin = self._parent_admin()
        if action != VIEW and obj is not None and parent_admin is not None:
            return parent_admin.has_change_permission(request, obj)
        if obj is not None and parent_admin is not None:
            return parent_admin.has_view_permission(request, obj)
        return True

    def get_formset(self, request, obj=None, **kwargs):
        # Field choices of some inlines depend on the parent (items of this framework only).
        request._ita_inline_parent = obj
        return super().get_formset(request, obj, **kwargs)

    def has_view_permission(self, request, obj=None):
        return self.allows(request, VIEW, obj)

    def has_add_permission(self, request, obj=None):
        return self.allows(request, ADD, obj)

    def has_change_permission(self, request, obj=None):
        return self.allows(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self.allows(request, DELETE, obj)


class ReadOnlyTabularInline(ScopedInlineMixin, admin.TabularInline):
    """A trail shown under its parent that nobody edits from here."""

    supervisor_perms = VIEW_ONLY
    superuser_perms = VIEW_ONLY
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


def agency_column(lookup: str = "agency"):
    """A list column with the agency's short name (full name on hover): long Thai names crowd lists."""

    @admin.display(description=_("หน่วยงาน"), ordering=f"{lookup}__name")
    def agency_name(self, obj) -> str:
        agency = agency_of(obj, lookup)
        if agency is None:
            return "—"
        return format_html('<span title="{}">{}</span>', agency.name, agency.display_short)

    return agency_name


def inline_parent(request):
    """The parent object of the inline formset being built (None on an add page)."""
    return getattr(request, "_ita_inline_parent", None)


class AgencyCodeFilter(admin.FieldListFilter):
    """Filter a changelist by one agency typed as its code, instead of a link per agency.

    ``RelatedOnlyFieldListFilter`` lists every agency that has a row: one query over the whole
    (scoped) table and thousands of links in the sidebar of a ministry's supervisor. This box costs
    nothing until used; it filters the already scoped queryset, so a code outside the
    supervisor's subtree just gives an empty list. Use as ``("agency", AgencyCodeFilter)``.
    """

    template = "admin/agency_code_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.parameter_name = f"{field_path}__code"
        super().__init__(field, request, params, model, model_admin, field_path)
        value = self.used_parameters.get(self.parameter_name, "")
        self.value = (value[-1] if isinstance(value, list) else value or "").strip()

    def expected_parameters(self):
        return [self.parameter_name]

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        if self.value:
            return queryset.filter(**{self.parameter_name: self.value})
        return queryset

    def choices(self, changelist):
        yield {
            "selected": not self.value,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("ทั้งหมด"),
            "parameter_name": self.parameter_name,
            "value": self.value,
            "hidden": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name],
        }


#: Fiscal years a FiscalYearFilter offers: the current one, the next, and this many before it.
FISCAL_YEARS_BACK = 5


class FiscalYearFilter(admin.FieldListFilter):
    """Filter a changelist by fiscal year (BE) from links of the years people work in — the next
    fiscal year, the current one and the five before it — instead of Django's list of every
    value in the table (a ``SELECT DISTINCT`` over the supervisor's whole scope on every page
    view, 5–6 ms at 300 agencies). Any other year still filters through the URL
    (``?fiscal_year=2561``) and is then shown as chosen. Use as ``("fiscal_year", FiscalYearFilter)``.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.parameter_name = field_path
        super().__init__(field, request, params, model, model_admin, field_path)
        value = self.used_parameters.get(self.parameter_name, "")
        value = (value[-1] if isinstance(value, list) else value or "").strip()
        self.value = int(value) if value.isdigit() else None
        if self.value is None:
            self.used_parameters.pop(self.parameter_name, None)

    def expected_parameters(self):
        return [self.parameter_name]

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        if self.value is not None:
            return queryset.filter(**{self.parameter_name: self.value})
        return queryset

    def choices(self, changelist):
        from django.utils import timezone

        from ita_portal import thai

        current = thai.fiscal_year_of(timezone.localdate())
        years = list(range(current + 1, current - FISCAL_YEARS_BACK - 1, -1))
        if self.value is not None and self.value not in years:
            years.append(self.value)
        yield {
            "selected": self.value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("ทั้งหมด"),
        }
        for year in years:
            yield {
                "selected": self.value == year,
                "query_string": changelist.get_query_string({self.parameter_name: year}),
                "display": str(year),
            }
