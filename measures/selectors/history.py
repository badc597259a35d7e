"""The change history of a measure and what hangs from it (steps, meetings, progress): the
simple-history rows read once, with Thai field names and the people's Thai names."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from ita_portal.thai import be_year, digits
from measures.models import FollowUp, Measure, MeasureStep, ProgressUpdate
from measures.selectors.people import person_names, user_label

HISTORY_LIMIT = 60
#: Entries per page of the measure page's history (older pages by ``?history=N``).
HISTORY_PAGE = 20


@functools.cache
def _trail(model):
    """The historical model's own manager. ``Model.history`` builds a new manager class on every
    access (simple-history's descriptor calls ``from_queryset`` each time: about 0.4 ms, four
    times a measure page); the rows are the same."""
    return model.history.model._default_manager


def _kinds() -> dict[str, str]:
    # Read at call time: the action words follow the language of the request (English mode).
    return {"+": pgettext("history", "สร้าง"), "~": pgettext("history", "แก้ไข"), "-": pgettext("history", "ลบ")}


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]


def _display(model, field_name: str, value, thai_digits: bool = False) -> str:
    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(field_name)
    except Exception:
        return str(value)
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ใช่") if value else gettext("ไม่ใช่")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return digits(f"{local.day}/{local.month}/{be_year(local)} {local:%H:%M}", thai_digits)
    if isinstance(value, dt.date):
        return digits(f"{value.day}/{value.month}/{be_year(value)}", thai_digits)
    if isinstance(value, (int, float, Decimal)):
        return digits(value, thai_digits)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _entries(
    records: list, model, label_of, skip: set[str], names: dict[int, str], thai_digits: bool = False
) -> list[HistoryEntry]:
    """Entries from one object's history records (newest first in ``records``)."""
    kinds = _kinds()
    # (name, attname, verbose name) of the compared fields, sorted by name as simple-history's
    # ``diff_against`` sorts its changes; the values are compared directly (raw ids for foreign
    # keys, as ``diff_against`` does) instead of building two model dicts per record.
    fields = sorted(
        (f.name, f.attname, str(f.verbose_name))
        for f in model._meta.concrete_fields
        if f.name not in skip and not f.primary_key and f.editable
    )
    entries = []
    by_object: dict[int, list] = {}
    for r in records:
        by_object.setdefault(r.id, []).append(r)
    for rows in by_object.values():
        rows.sort(key=lambda r: (r.history_date, r.history_id))
        prev = None
        for r in rows:
            changes = []
            if r.history_type == "~" and prev is not None:
                for name, attname, verbose in fields:
                    old, new = getattr(prev, attname), getattr(r, attname)
                    if old != new:
                        changes.append(
                            (verbose, _display(model, name, old, thai_digits), _display(model, name, new, thai_digits))
                        )
                if not changes:
                    prev = r
                    continue
            entries.append(
                HistoryEntry(
                    when=r.history_date,
                    who=user_label(r.history_user, names),
                    what=label_of(r),
                    action=kinds.get(r.history_type, r.history_type),
                    changes=changes,
                )
            )
            prev = r
    return entries


def measure_history(measure: Measure, *, thai_digits: bool = False, limit: int | None = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Who changed what and when on a measure, its steps, meetings and progress (field names in
    the request's language; the people by their Thai name and position, as the agency records them).

    A meeting is named by its number *now*: meetings are numbered after they are saved (and renumbered
    when one is added before them) by an update that leaves no history row, so the number recorded
    at creation is 1 for every generated meeting; the entry reads the meeting's current number
    instead (a deleted meeting keeps the number of its last record). Numbers and dates follow the
    page's digit rule (``thai_digits``, the agency's setting).

    The page reads one source, django-simple-history's tables (``HistoricalRecords`` on Measure,
    MeasureStep, FollowUp, ProgressUpdate): it records every save, including the services' own,
    with the user from the request. The portal keeps one trail per kind of record and never mixes
    them on a page: simple-history for measures and their follow-up; ``ReportEvent`` for reports
    (a sign-off log that only grows and names the state each action left); for scores, the
    assessment's ``updated_by`` / ``updated_at`` (the last change), since scores are re-imported
    whole. Four queries (one per history table), whatever the length of the trail.
    """

    def n(value) -> str:
        return digits(value, thai_digits)

    current_number = Subquery(FollowUp.objects.filter(pk=OuterRef("id")).values("number")[:1])
    skip = {"created_at", "updated_at", "created_by", "sequence", "uid", "agency", "measure", "fiscal_year", "order"}
    sources = [
        (_trail(Measure).filter(id=measure.pk), Measure, lambda r: pgettext("history", "มาตรการ"), skip),
        (
            _trail(MeasureStep).filter(measure_id=measure.pk),
            MeasureStep,
            lambda r: pgettext("history", "ขั้นตอน: %(text)s") % {"text": r.text[:60]},
            skip | {"done_by"},
        ),
        (
            _trail(FollowUp).filter(measure_id=measure.pk).annotate(current_number=current_number),
            FollowUp,
            lambda r: pgettext("history", "การกำกับติดตาม ครั้งที่ %(number)s") % {"number": n(r.current_number or r.number)},
            skip | {"number"},
        ),
        (
            _trail(ProgressUpdate).filter(measure_id=measure.pk),
            ProgressUpdate,
            lambda r: (
                pgettext("history", "ความก้าวหน้า %(date)s")
                % {"date": n(f"{r.reported_on.day}/{r.reported_on.month}/{be_year(r.reported_on)}")}
            ),
            skip | {"recorded_by"},
        ),
    ]
    loaded = [(list(qs.select_related("history_user")), model, label, sk) for qs, model, label, sk in sources]
    names = person_names({r.history_user_id for records, *_ in loaded for r in records}, measure.agency_id, with_position=True)
    entries: list[HistoryEntry] = []
    for records, model, label, sk in loaded:
        entries += _entries(records, model, label, sk, names, thai_digits)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries if limit is None else entries[:limit]


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def history_page(measure: Measure, page, *, thai_digits: bool = False) -> HistoryPage:
    """One page of ``measure_history`` (``HISTORY_PAGE`` entries, newest first): the trail read
    once, only the page's entries handed to the template. ``page`` comes from the query string; a
    bad or too-large number gives the last page."""
    entries = measure_history(measure, thai_digits=thai_digits, limit=None)
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    last = max(1, -(-len(entries) // HISTORY_PAGE))
    number = min(number, last)
    start = (number - 1) * HISTORY_PAGE
    return HistoryPage(entries[start : start + HISTORY_PAGE], number, number < last)
