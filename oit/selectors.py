"""Reads of the OIT workspace. Agencies are fetched through ``ita_portal.agencies.selectors``
(``get_agency_for_read`` / ``get_agency_for_write`` / ``agencies_where``) before anything here runs;
the public reads (``public_*``) answer only published rows' public evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from indicators import selectors as catalogue
from indicators.models import Framework, Item, ItemKind
from ita_portal.agencies.models import Agency
from oit.linked import LinkedDocument, linked_documents
from oit.models import OitEntry, OitEvidence, OitStatus


@dataclass
class Row:
    item: Item
    entry: OitEntry | None
    attachments: list[OitEvidence] = field(default_factory=list)
    documents: list[LinkedDocument] = field(default_factory=list)
    has_previous: bool = False

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else OitStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return OitStatus(self.status).label


def oit_framework(year: int) -> Framework | None:
    """The catalogue whose O-items the workspace of ``year`` lists (the national one first)."""
    return catalogue.framework_for(year)


def oit_items(framework: Framework) -> list[Item]:
    """The O-items of a catalogue, by number (one query)."""
    return list(framework.items.filter(kind=ItemKind.OIT).select_related("indicator", "framework").order_by("number"))


def _entries(agency: Agency, items: list[Item]) -> dict[int, OitEntry]:
    qs = (
        OitEntry.objects.filter(agency=agency, item__in=items)
        .select_related("division", "responsible__user", "checked_by")
        .prefetch_related(Prefetch("attachments", queryset=OitEvidence.objects.select_related("evidence")))
    )
    return {e.item_id: e for e in qs}


def workspace_rows(*, agency: Agency, year: int) -> tuple[Framework | None, list[Row]]:
    """Every O-item of the year's catalogue as a row, with the agency's entry, evidence, linked
    documents and whether last year's row of the same stable key has evidence. Constant queries."""
    framework = oit_framework(year)
    if framework is None:
        return None, []
    items = oit_items(framework)
    entries = _entries(agency, items)
    docs = linked_documents(agency=agency, year=year, keys={i.stable_key for i in items})
    keys_before = set(
        OitEvidence.objects.filter(entry__agency=agency, entry__fiscal_year__lt=year).values_list(
            "entry__item__stable_key", flat=True
        )
    )
    rows = []
    for item in items:
        entry = entries.get(item.pk)
        rows.append(
            Row(
                item=item,
                entry=entry,
                attachments=list(entry.attachments.all()) if entry else [],
                documents=docs.get(item.stable_key, []),
                has_previous=bool(keys_before & {item.stable_key, *item.absorbs}),
            )
        )
    return framework, rows


def item_of_year(*, year: int, code: str) -> Item:
    """The O-item ``code`` (e.g. "O25", "o25") of the year's catalogue, or 404."""
    framework = oit_framework(year)
    code = (code or "").strip().upper()
    if framework is None or not code.startswith("O") or not code[1:].isdigit():
        raise Http404
    item = framework.items.filter(kind=ItemKind.OIT, number=int(code[1:])).select_related("framework", "indicator").first()
    if item is None:
        raise Http404
    return item


def entry_of(*, agency: Agency, item: Item) -> OitEntry | None:
    """The agency's row for an item, if someone has started it."""
    return OitEntry.objects.filter(agency=agency, item=item).select_related("division", "responsible__user", "checked_by").first()


def attachment_of(*, agency: Agency, year: int, pk: int) -> OitEvidence:
    """One evidence of the agency's year (the agency was fetched through the access selectors), or 404."""
    found = OitEvidence.objects.filter(pk=pk, entry__agency=agency, entry__fiscal_year=year).select_related(
        "evidence", "entry__item"
    )
    attachment = found.first()
    if attachment is None:
        raise Http404
    return attachment


def public_attachments(*, agency: Agency, item: Item) -> list[OitEvidence]:
    """Evidence marked public of a published row: what the public item page may show."""
    return list(
        OitEvidence.objects.filter(
            entry__agency=agency, entry__item=item, entry__status=OitStatus.PUBLISHED, is_public=True
        ).select_related("evidence")
    )


def public_attachment(*, agency: Agency, item: Item, pk: int) -> OitEvidence:
    """One public evidence of a published row, or 404 (nothing else is reachable without login)."""
    for attachment in public_attachments(agency=agency, item=item):
        if attachment.pk == pk:
            return attachment
    raise Http404


def public_counts(*, agency: Agency, items: list[Item]) -> dict[int, tuple[str, int]]:
    """item id → (status, number of public evidence) for the public year index (two queries)."""
    entries = {e.item_id: e for e in OitEntry.objects.filter(agency=agency, item__in=items)}
    counts: dict[int, int] = {}
    for item_id in OitEvidence.objects.filter(
        entry__agency=agency, entry__item__in=items, entry__status=OitStatus.PUBLISHED, is_public=True
    ).values_list("entry__item_id", flat=True):
        counts[item_id] = counts.get(item_id, 0) + 1
    return {i.pk: (entries[i.pk].status if i.pk in entries else OitStatus.NOT_STARTED, counts.get(i.pk, 0)) for i in items}
