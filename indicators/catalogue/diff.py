"""A year's catalogue beside last year's, item by item, matched by stable key (never by code).

Each row pairs last year's item with this year's and says what happened to it: kept, renumbered,
renamed (both at once possible), merged into another item (its key listed in that item's
``absorbs``), new, or ended. This is what a catalogue editor checks before confirming a draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from indicators.models import Framework, Item

KEPT, RENUMBERED, RENAMED, MERGED, NEW, ENDED = "kept", "renumbered", "renamed", "merged", "new", "ended"
LABELS = {
    KEPT: _("คงเดิม"),
    RENUMBERED: _("เปลี่ยนเลขข้อ"),
    RENAMED: _("เปลี่ยนชื่อ"),
    MERGED: _("รวมเข้ากับข้ออื่น"),
    NEW: _("ข้อใหม่"),
    ENDED: _("สิ้นสุด (ไม่มีข้อต่อ)"),
}


@dataclass
class DiffRow:
    before: Item | None
    after: Item | None
    kinds: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [str(LABELS[k]) for k in self.kinds]

    @property
    def css(self) -> str:
        return self.kinds[0] if self.kinds else KEPT


@dataclass
class FrameworkDiff:
    previous: Framework | None
    framework: Framework
    rows: list[DiffRow]

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if kind in row.kinds)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(kind, str(label), self.count(kind)) for kind, label in LABELS.items()]


def _order(item: Item) -> tuple:
    return (item.indicator.number, item.kind, item.number)


def framework_diff(*, framework: Framework, previous: Framework | None) -> FrameworkDiff:
    """Rows of ``framework`` against ``previous`` (two queries); without ``previous`` every item is new."""
    after = list(framework.items.select_related("indicator"))
    before = list(previous.items.select_related("indicator")) if previous else []
    before_by_key = {item.stable_key: item for item in before}
    absorbed_into = {key: item for item in after for key in (item.absorbs or [])}
    rows: list[DiffRow] = []
    for item in sorted(after, key=_order):
        old = before_by_key.get(item.stable_key)
        if old is None:
            rows.append(DiffRow(before=None, after=item, kinds=[NEW]))
            continue
        kinds = []
        if old.code != item.code:
            kinds.append(RENUMBERED)
        if old.title.strip() != item.title.strip():
            kinds.append(RENAMED)
        rows.append(DiffRow(before=old, after=item, kinds=kinds or [KEPT]))
    after_keys = {item.stable_key for item in after}
    for old in sorted(before, key=_order):
        if old.stable_key in after_keys:
            continue
        target = absorbed_into.get(old.stable_key)
        rows.append(DiffRow(before=old, after=target, kinds=[MERGED] if target else [ENDED]))
    return FrameworkDiff(previous=previous, framework=framework, rows=rows)
