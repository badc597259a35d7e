"""Weaknesses (``Weakness`` rows) proposed from the scores, and staff's edits of them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import Assessment, Indicator, Item
from ita_portal.agencies.models import Agency
from measures.models import Weakness, WeaknessKind, WeaknessStatus
from measures.weaknesses import Proposal, propose


@transaction.atomic
def weaknesses_propose(*, assessment: Assessment, user=None, lowest: int = 2) -> list:
    """Create ``Weakness`` rows (status "proposed") from an assessment's scores for the next year.

    The proposals (``measures.weaknesses.propose``) are indicators below the pass mark, the
    ``lowest`` weakest indicators and failed OIT items. A proposal whose indicator or item already
    has a weakness for that year (proposed, confirmed or dismissed) is skipped, so proposing twice
    never duplicates and a dismissed proposal does not come back.
    """
    framework = assessment.framework
    indicators, items = list(framework.indicators.all()), list(framework.items.select_related("indicator"))
    # The titles and analyses are stored and printed in Thai official documents, whatever language
    # the person asking for the proposals reads the portal in.
    with translation.override(settings.LANGUAGE_CODE):
        proposals: list[Proposal] = propose(
            indicators=indicators,
            items=items,
            scores={s.indicator_id: s.score for s in assessment.indicator_scores.all()},
            item_results={r.item_id: r.passed for r in assessment.item_results.all()},
            pass_mark=framework.pass_mark,
            lowest=lowest,
        )
    year = framework.fiscal_year + 1
    existing = Weakness.objects.filter(agency=assessment.agency, fiscal_year=year)
    taken = {("i", i) for i in existing.filter(item__isnull=True).values_list("indicator_id", flat=True) if i} | {
        ("o", i) for i in existing.values_list("item_id", flat=True) if i
    }
    start = max(existing.values_list("order", flat=True), default=0)
    created = []
    for n, p in enumerate([p for p in proposals if (("o", p.item_id) if p.item_id else ("i", p.indicator_id)) not in taken], 1):
        created.append(
            Weakness(
                agency=assessment.agency,
                fiscal_year=year,
                assessment=assessment,
                indicator_id=p.indicator_id,
                item_id=p.item_id,
                kind=p.kind,
                title=p.title,
                analysis=p.analysis,
                status=WeaknessStatus.PROPOSED,
                is_proposed_by_system=True,
                order=start + n,
                created_by=user,
            )
        )
    return Weakness.objects.bulk_create(created)


def _check_weakness_links(agency: Agency, fiscal_year: int, indicator: Indicator | None, item: Item | None) -> None:
    if not 2500 <= fiscal_year <= 2700:
        raise ValidationError(_("ปีงบประมาณต้องเป็นปีพุทธศักราช"))
    if item is not None and indicator is not None and item.indicator_id != indicator.pk:
        raise ValidationError(_("ข้อที่เลือกไม่อยู่ในตัวชี้วัดที่เลือก"))


@transaction.atomic
def weakness_create(
    *,
    agency: Agency,
    fiscal_year: int,
    kind: str,
    title: str,
    analysis: str = "",
    indicator: Indicator | None = None,
    item: Item | None = None,
    user=None,
):
    """Staff add a weakness of their own (confirmed at once) with its analysis text."""
    if kind not in WeaknessKind.values:
        raise ValidationError(_("ประเภทไม่ถูกต้อง"))
    if not title.strip():
        raise ValidationError(_("กรุณากรอกประเด็น"))
    _check_weakness_links(agency, fiscal_year, indicator, item)
    order = max(Weakness.objects.filter(agency=agency, fiscal_year=fiscal_year).values_list("order", flat=True), default=0) + 1
    return Weakness.objects.create(
        agency=agency,
        fiscal_year=fiscal_year,
        kind=kind,
        title=title.strip(),
        analysis=analysis,
        indicator=indicator or (item.indicator if item else None),
        item=item,
        status=WeaknessStatus.CONFIRMED,
        is_proposed_by_system=False,
        order=order,
        created_by=user,
    )


@transaction.atomic
def weakness_update(*, weakness, kind: str, title: str, analysis: str, confirm: bool = True):
    """Edit a weakness (its class, wording, analysis); editing a proposal confirms it."""
    if kind not in WeaknessKind.values:
        raise ValidationError(_("ประเภทไม่ถูกต้อง"))
    if not title.strip():
        raise ValidationError(_("กรุณากรอกประเด็น"))
    weakness.kind, weakness.title, weakness.analysis = kind, title.strip(), analysis
    if confirm:
        weakness.status = WeaknessStatus.CONFIRMED
    weakness.save(update_fields=["kind", "title", "analysis", "status", "updated_at"])
    return weakness


@transaction.atomic
def weakness_set_status(*, weakness, status: str):
    """Confirm a proposal, dismiss it, or bring a dismissed one back (``WeaknessStatus`` value)."""
    if status not in WeaknessStatus.values:
        raise ValidationError(_("สถานะไม่ถูกต้อง"))
    weakness.status = status
    weakness.save(update_fields=["status", "updated_at"])
    return weakness
