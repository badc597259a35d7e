"""State changes for agencies, divisions, people and memberships.

Views, the admin, the demo loader and management commands call these; nothing else writes these
tables. Arguments are keyword-only; each call is one transaction.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from ita_portal.agencies.models import Agency, AgencyKind, DayOff, Division, Membership, Role
from ita_portal.agencies.selectors import Action, forget_memberships, roles_granting
from ita_portal.cache import bump_generation
from ita_portal.service_fields import apply_fields

User = get_user_model()

#: Cache generation bumped when agencies move in the tree (scopes of supervisors change).
AGENCY_TREE = "agency-tree"

#: Fields agency_create / agency_update take beyond name, code, kind and parent.
AGENCY_FIELDS = frozenset(
    {
        "short_name",
        "doc_prefix",
        "phone",
        "address",
        "website",
        "head_title",
        "emblem",
        "use_thai_digits",
        "attachment_digits",
        "allow_self_approval",
        "reminder_lead_days",
        "is_active",
    }
)


@transaction.atomic
def agency_create(*, name: str, code: str, kind: str = AgencyKind.OTHER, parent: Agency | None = None, **fields) -> Agency:
    """Create an agency under ``parent`` (None for a root)."""
    agency = Agency(name=name, code=code, kind=kind, parent=parent)
    apply_fields(agency, fields, set(AGENCY_FIELDS))
    agency.full_clean()
    agency.save()
    return agency


_UNCHANGED = object()


@transaction.atomic
def agency_update(*, agency: Agency, **fields) -> Agency:
    """Change an agency's fields; a new ``parent`` moves it and its subtree (``agency_move``)."""
    allowed = set(AGENCY_FIELDS) | {"name", "code", "kind", "parent"}
    parent = fields.pop("parent", _UNCHANGED)
    apply_fields(agency, fields, allowed)
    saved_parent_id = getattr(agency, "_saved_parent_id", agency.parent_id)
    if parent is not _UNCHANGED:
        agency.parent = parent  # validated with the rest (an agency is not its own parent)
    agency.full_clean()
    moving = agency.parent_id != saved_parent_id
    if moving:
        agency.parent_id = saved_parent_id
    agency.save()
    if moving:
        agency_move(agency=agency, parent=parent)
    return agency


@transaction.atomic
def agency_move(*, agency: Agency, parent: Agency | None) -> Agency:
    """Put ``agency`` and its whole subtree under ``parent`` (None: make it a root).

    Every materialised path of the subtree is rewritten by one UPDATE whatever its size (the
    subtree's rows are locked by it). Moving an agency under itself or under one of its own
    agencies is refused with a ValidationError.
    """
    old_path = Agency.objects.select_for_update().values_list("path", flat=True).get(pk=agency.pk)
    parent_path = "/" if parent is None else Agency.objects.values_list("path", flat=True).get(pk=parent.pk)
    if parent is not None and parent_path.startswith(old_path):
        raise ValidationError({"parent": _("ย้ายหน่วยงานไปอยู่ใต้หน่วยงานในสังกัดของตนเองไม่ได้")})
    new_path = f"{parent_path}{agency.pk}/"
    Agency.objects.filter(pk=agency.pk).update(parent=parent, updated_at=timezone.now())
    if new_path != old_path:
        Agency.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField())
        )
    agency.parent, agency.path = parent, new_path
    agency._saved_parent_id = agency.parent_id
    # Rows written by update() send no signal: values cached per agency tree are stale now.
    bump_generation(AGENCY_TREE)
    return agency


@transaction.atomic
def division_create(*, agency: Agency, name: str, short_name: str = "", order: int = 0) -> Division:
    """A new กลุ่มงาน of ``agency`` (names are unique within an agency)."""
    division = Division(agency=agency, name=name, short_name=short_name, order=order)
    division.full_clean()
    division.save()
    return division


DIVISION_FIELDS = frozenset({"agency", "name", "short_name", "order", "is_active"})


@transaction.atomic
def division_update(*, division: Division, **fields) -> Division:
    """Change a division's agency, name, short name, order or whether it is in use."""
    apply_fields(division, fields, set(DIVISION_FIELDS))
    division.full_clean()
    division.save()
    return division


@transaction.atomic
def division_delete(*, division: Division) -> None:
    """Remove a division; its members stay in the agency without one (``SET_NULL``)."""
    division.delete()


@transaction.atomic
def day_off_add(*, agency: Agency, date, name: str) -> DayOff:
    """An agency's own day off (one per date); meetings and reminders skip it like a public holiday."""
    day_off = DayOff(agency=agency, date=date, name=name.strip())
    day_off.full_clean()
    day_off.save()
    return day_off


@transaction.atomic
def day_off_update(*, day_off: DayOff, **fields) -> DayOff:
    """Change a day off's date or name."""
    apply_fields(day_off, fields, {"date", "name"})
    day_off.full_clean()
    day_off.save()
    return day_off


@transaction.atomic
def day_off_remove(*, day_off: DayOff) -> None:
    """The agency works that day after all (meetings already moved stay where they are)."""
    day_off.delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
):
    """Create a login. ``password=None`` makes an account that cannot log in until one is set.

    ``is_superuser`` makes a system administrator (whole admin site, every agency).
    """
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _check_division(agency: Agency, division: Division | None) -> None:
    if division is not None and division.agency_id != agency.pk:
        raise ValidationError({"division": _("กลุ่มงานต้องอยู่ในหน่วยงานเดียวกัน")})


@transaction.atomic
def membership_create(
    *,
    user,
    agency: Agency,
    role: str = Role.STAFF,
    first_name_th: str,
    last_name_th: str,
    name_title: str = "",
    division: Division | None = None,
    position_title: str = "",
) -> Membership:
    """Give a user a place and role in an agency (one membership per user and agency)."""
    _check_division(agency, division)
    membership = Membership(
        user=user,
        agency=agency,
        role=role,
        first_name_th=first_name_th,
        last_name_th=last_name_th,
        name_title=name_title,
        division=division,
        position_title=position_title,
    )
    membership.full_clean()
    membership.save()
    _sync_user(user)
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, **fields) -> Membership:
    allowed = {"role", "first_name_th", "last_name_th", "name_title", "division", "position_title", "is_active"}
    apply_fields(membership, fields, allowed)
    _check_division(membership.agency, membership.division)
    membership.full_clean()
    membership.save()
    _sync_user(membership.user)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    user = membership.user
    membership.delete()
    _sync_user(user)


def _sync_user(user) -> None:
    """Whoever may supervise (the policy's ``supervise``) works in the admin site, so their login
    needs ``is_staff``; others do not."""
    forget_memberships(user)
    if user.is_superuser:
        return
    is_supervisor = Membership.objects.filter(user=user, role__in=roles_granting(Action.SUPERVISE), is_active=True).exists()
    if user.is_staff != is_supervisor:
        user.is_staff = is_supervisor
        user.save(update_fields=["is_staff"])
    if not user.first_name:
        first = Membership.objects.filter(user=user).order_by("pk").first()
        if first:
            user.first_name, user.last_name = first.first_name_th, first.last_name_th
            user.save(update_fields=["first_name", "last_name"])
