"""Which weaknesses the scores suggest: the analysis agencies do by hand in seed 001.

Pure functions over an assessment's numbers; ``measures.services.weaknesses_propose`` turns the
proposals into ``Weakness`` rows that staff then confirm, edit or dismiss.

Rules (seed 001 and ``ita_reference.md`` §3):
- an indicator below the pass mark is a "ข้อบกพร่องหรือจุดอ่อนที่ต้องแก้ไขโดยเร่งด่วน";
- when every indicator passes, the weakest one is still the urgent weak point (seed 001 picks
  indicator 9 at 86.28 out of ten passing indicators) and the next lowest, up to ``lowest`` in all,
  are "ประเด็นที่จะพัฒนาให้ดีขึ้น" (seed 001: indicator 2 at 88.69);
- every failed OIT item is urgent: the agency has to publish it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from measures.models import WeaknessKind

URGENT, IMPROVE = WeaknessKind.URGENT.value, WeaknessKind.IMPROVE.value


@dataclass(frozen=True)
class Proposal:
    kind: str
    indicator_id: int
    item_id: int | None
    title: str
    analysis: str
    score: Decimal | None


def propose(
    *,
    indicators: Sequence,
    items: Sequence,
    scores: Mapping[int, Decimal],
    item_results: Mapping[int, bool | None],
    pass_mark: Decimal,
    lowest: int = 2,
) -> list[Proposal]:
    """Proposals, most urgent first: failing indicators, then the weakest, then failed items."""
    scored = sorted((ind for ind in indicators if ind.pk in scores), key=lambda ind: (scores[ind.pk], ind.number))
    proposals: list[Proposal] = []
    failing = [ind for ind in scored if scores[ind.pk] < pass_mark]
    for ind in failing:
        proposals.append(
            Proposal(
                kind=URGENT,
                indicator_id=ind.pk,
                item_id=None,
                title=_("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": ind.number, "name": ind.name},
                analysis=_("ได้คะแนน %(score)s ต่ำกว่าเกณฑ์การผ่าน %(mark)s คะแนน จึงเป็นจุดอ่อนที่ต้องแก้ไขโดยเร่งด่วน")
                % {"score": scores[ind.pk], "mark": _plain(pass_mark)},
                score=scores[ind.pk],
            )
        )
    count = len(scored)
    for position, ind in enumerate(scored[:lowest]):
        if ind in failing:
            continue
        urgent = not failing and position == 0
        if urgent:
            analysis = _("ได้คะแนน %(score)s ต่ำที่สุดจาก %(count)s ตัวชี้วัด จึงเป็นตัวชี้วัดที่เป็นจุดอ่อน ควรมีมาตรการดำเนินการโดยเร่งด่วน")
        else:
            analysis = _("ได้คะแนน %(score)s เป็นลำดับที่ %(rank)s จากท้ายตาราง ควรพัฒนาและยกระดับให้ดียิ่งขึ้น")
        proposals.append(
            Proposal(
                kind=URGENT if urgent else IMPROVE,
                indicator_id=ind.pk,
                item_id=None,
                title=_("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": ind.number, "name": ind.name},
                analysis=analysis % {"score": scores[ind.pk], "count": count, "rank": position + 1},
                score=scores[ind.pk],
            )
        )
    for item in sorted(items, key=lambda i: (i.kind, i.number)):
        if item_results.get(item.pk) is False:
            proposals.append(
                Proposal(
                    kind=URGENT,
                    indicator_id=item.indicator_id,
                    item_id=item.pk,
                    title=_("ข้อ %(code)s %(title)s") % {"code": item.code, "title": item.title},
                    analysis=_("ข้อ %(code)s ไม่ผ่านการประเมิน ต้องเผยแพร่ข้อมูลให้ครบถ้วนและเป็นปัจจุบัน") % {"code": item.code},
                    score=None,
                )
            )
    return proposals


def _plain(value: Decimal) -> str:
    """85.00 → '85', 85.50 → '85.50'."""
    return str(int(value)) if value == int(value) else str(value)
