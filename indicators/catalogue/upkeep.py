"""The yearly routine: a new year's catalogue started from last year's, edited, compared, confirmed.

Who may do it (decided here, documented in README "The yearly catalogue"): superusers and the
members whose role the policy table lets supervise (``Action.SUPERVISE``: supervisors,
ผู้กำกับติดตาม) at a ministry-level agency (``AgencyKind.MINISTRY``). A catalogue is
shared by every agency assessed under it, so nobody below the ministry level may change it; staff
and directors of any agency, and supervisors of area or provincial offices, are refused.

Every change goes through ``framework_load`` (the loader of ``load_framework``): the same
validation, the same Thai messages naming the item, the same refusal of a change that would orphan
results, all or nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.catalogue.core import framework_export, framework_load
from indicators.catalogue.edits import framework_save
from indicators.models import Assessor, Framework
from ita_portal.agencies import selectors as agency_selectors
from ita_portal.agencies.models import AgencyKind, Membership


def can_edit_catalogue(user) -> bool:
    """Superusers and supervisors of a ministry-level agency (active membership, active agency)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Those the policy table lets supervise (today: supervisors), at a ministry-level agency.
    return any(
        m.agency.kind == AgencyKind.MINISTRY
        for m, _reach in agency_selectors.memberships_granting(user, agency_selectors.Action.SUPERVISE)
    )


def require_catalogue_editor(user) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` may edit catalogues."""
    if not can_edit_catalogue(user):
        raise PermissionDenied(_("แก้ไขกรอบการประเมินได้เฉพาะผู้ดูแลระบบและผู้กำกับติดตามของหน่วยงานระดับกระทรวง"))


def catalogue_editors_for(agency) -> list[Membership]:
    """Whom a user of ``agency`` should ask for a missing catalogue: the supervisors of the
    ministry-level agencies above it (or of the agency itself), nearest first."""
    ancestor_ids = [int(part) for part in (agency.path or "").strip("/").split("/") if part]
    rows = list(
        Membership.objects.filter(
            role__in=agency_selectors.roles_granting(agency_selectors.Action.SUPERVISE),
            is_active=True,
            agency_id__in=ancestor_ids,
            agency__kind=AgencyKind.MINISTRY,
            agency__is_active=True,
            user__is_active=True,
        ).select_related("user", "agency")
    )
    rows.sort(key=lambda m: -ancestor_ids.index(m.agency_id))
    return rows


def previous_framework(framework: Framework) -> Framework | None:
    """The confirmed framework of the same assessor in the latest earlier year (what a year is compared with)."""
    return (
        Framework.objects.filter(assessor_id=framework.assessor_id, fiscal_year__lt=framework.fiscal_year, is_draft=False)
        .order_by("-fiscal_year")
        .first()
    )


def _draft_name(name: str, from_year: int, to_year: int) -> str:
    name = name.replace(str(from_year), str(to_year))
    return name if str(to_year) in name else f"{name} ({to_year})"


@transaction.atomic
def framework_copy(*, assessor_code: str, from_year: int, to_year: int) -> Framework:
    """Start ``to_year``'s catalogue of an assessor as a draft copy of ``from_year``'s.

    Items keep their codes, titles and stable keys (merges recorded for ``from_year`` are not
    copied: they compared ``from_year`` with the year before it). The draft is unconfirmed and
    invisible to the pages that use a catalogue until ``framework_confirm``. Refused with a Thai
    message when the source is missing or ``to_year`` already has a catalogue of that assessor.
    """
    source = Framework.objects.select_related("assessor").filter(assessor__code=assessor_code, fiscal_year=from_year).first()
    if source is None:
        raise ValidationError(
            _("ไม่มีกรอบการประเมินปี %(year)s ของผู้ประเมิน “%(code)s” ให้คัดลอก") % {"year": from_year, "code": assessor_code}
        )
    if to_year <= from_year:
        raise ValidationError(_("ปีที่จะสร้าง (%(to)s) ต้องอยู่หลังปีต้นแบบ (%(from)s)") % {"to": to_year, "from": from_year})
    if Framework.objects.filter(assessor=source.assessor, fiscal_year=to_year).exists():
        raise ValidationError(
            _("มีกรอบการประเมินปี %(year)s ของผู้ประเมิน “%(code)s” แล้ว: แก้ไขกรอบนั้นแทนการคัดลอกใหม่")
            % {"year": to_year, "code": assessor_code}
        )
    data = framework_export(framework=source)
    data["fiscal_year"] = to_year
    data["name"] = _draft_name(source.name, from_year, to_year)
    data["is_confirmed"] = False
    data["is_draft"] = True
    data["source_note"] = _(
        "ฉบับร่างคัดลอกจากกรอบการประเมินปี %(from)s: ต้องตรวจทุกข้อกับคู่มือการประเมินปี %(to)s ก่อนยืนยัน. หมายเหตุของปี %(from)s: %(note)s"
    ) % {"from": from_year, "to": to_year, "note": source.source_note or "-"}
    for item in data["items"]:
        item["absorbs"] = []
    return framework_load(data=data)


@transaction.atomic
def framework_edit(*, framework: Framework, data: dict) -> Framework:
    """Save an edited catalogue (the dict of ``framework_export``) through the catalogue service
    the admin uses (``edits.framework_save`` → ``framework_load``).

    The year, the assessor and the draft state stay those of ``framework``: an edit never moves a
    catalogue to another year or publishes it (``framework_confirm`` does).
    """
    data = {**data, "fiscal_year": framework.fiscal_year, "is_draft": framework.is_draft}
    data["assessor"] = {"code": framework.assessor.code, "name": framework.assessor.name}
    return framework_save(framework=framework, data=data)


@transaction.atomic
def framework_confirm(*, framework: Framework) -> Framework:
    """Publish a draft: from now on the year's pages use it. Refused for an empty catalogue."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.is_draft:
        raise ValidationError(_("กรอบการประเมินปี %(year)s ยืนยันใช้งานแล้ว") % {"year": framework.fiscal_year})
    if not framework.items.exists():
        raise ValidationError(_("กรอบการประเมินปี %(year)s ยังไม่มีข้อการประเมิน จึงยืนยันไม่ได้") % {"year": framework.fiscal_year})
    framework.is_draft = False
    framework.save(update_fields=["is_draft"])
    return framework


def assessor_choices() -> list[Assessor]:
    """Assessors that have at least one catalogue (what a new year can be started from)."""
    return list(Assessor.objects.filter(frameworks__isnull=False).distinct().order_by("code"))
