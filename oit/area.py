"""The supervisor's OIT view of an area: for every agency below, how many of the year's O-items
are ready for review or published, and how many are overdue. One query for the table whatever
the number of agencies (filtered counts on the agencies), one for the catalogue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from indicators.models import Framework, ItemKind
from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency
from ita_portal.agencies.selectors import Action
from oit.models import OitStatus

SORTS = {
    "name": ("name",),
    "ready": ("-ready", "name"),
    "published": ("-published", "name"),
    "overdue": ("-overdue", "name"),
    "-published": ("published", "name"),
}
OPEN = (OitStatus.NOT_STARTED, OitStatus.IN_PROGRESS)


def area_oit(*, user, root: Agency, framework: Framework, today: dt.date, sort: str = "name") -> QuerySet[Agency]:
    """Active agencies below ``root`` the user may read, each with ``ready``, ``published`` and
    ``overdue`` counts of the framework's O-items (one query)."""
    qs = Agency.objects.filter(path__startswith=root.path, is_active=True).exclude(pk=root.pk)
    where = access.agencies_where(user, Action.VIEW)
    if where is not None:
        qs = qs.filter(where)
    mine = Q(oit_entries__item__framework=framework, oit_entries__item__kind=ItemKind.OIT)
    qs = qs.annotate(
        ready=Count("oit_entries", filter=mine & Q(oit_entries__status=OitStatus.READY)),
        published=Count("oit_entries", filter=mine & Q(oit_entries__status=OitStatus.PUBLISHED)),
        overdue=Count("oit_entries", filter=mine & Q(oit_entries__status__in=OPEN, oit_entries__due_date__lt=today)),
    )
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


def area_table(agencies, total: int) -> tuple[list[str], list[list]]:
    """Headers and rows for the XLSX/CSV export (``indicators.exports.download``)."""
    headers = [
        _("รหัสหน่วยงาน"),
        _("ชื่อหน่วยงาน"),
        _("ข้อ OIT ทั้งหมด"),
        _("พร้อมให้ตรวจ"),
        _("เผยแพร่แล้ว"),
        _("เลยกำหนดส่ง"),
    ]
    rows = [[a.code, a.name, total, a.ready, a.published, a.overdue] for a in agencies]
    return headers, rows


def area_chart(agencies, total: int) -> dict:
    """Chart.js data: a stacked bar per agency (published, ready, the rest)."""
    agencies = list(agencies)[:60]  # a readable chart; the table and exports have every agency
    return {
        "labels": [a.short_name or a.name for a in agencies],
        "published": [a.published for a in agencies],
        "ready": [a.ready for a in agencies],
        "rest": [max(total - a.published - a.ready, 0) for a in agencies],
        "labelsText": [_("เผยแพร่แล้ว"), _("พร้อมให้ตรวจ"), _("ยังไม่พร้อม")],
    }
