"""What the reports app adds to the shared shell (``ita_portal.agencies``, ``ita_portal.mail``), from
``AppConfig.ready()``: its navigation entry, the box of reports waiting on the home and agency
pages, reports as a sign of the year an agency works in, and the periodic requeue of PDFs waiting for the broker or stale."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies import dashboard, navigation, selectors
from ita_portal.cache import bump_generation
from ita_portal.mail.schedule import PeriodicEntry, periodic_task_register, periodic_task_retire
from oit import linked as oit_linked
from reports.models import Report, ReportState
from reports.oit_links import report_documents

RENDER_RETRY_NAME = "ITA: ส่ง PDF ที่รอคิวหรือค้างเข้าคิวอีกครั้ง (ทุก 1 นาที)"
# The 5-minute retry of stale renders an earlier release scheduled; the 1-minute requeue replaces it.
OBSOLETE_RENDER_RETRY_NAME = "ITA: สร้าง PDF ที่ค้างอีกครั้ง (ทุก 5 นาที)"


def report_facts(user, agency_ids: list[int], year: int) -> dict[int, dict]:
    """Per agency: how many current reports of the year wait for the director (submitted) and
    how many were sent back to staff (returned). One query."""
    facts = {pk: {"submitted": 0, "returned": 0} for pk in agency_ids}
    rows = (
        selectors.scope_queryset(
            Report.objects.filter(
                agency_id__in=agency_ids,
                fiscal_year=year,
                state__in=[ReportState.SUBMITTED, ReportState.RETURNED],
                next_version__isnull=True,
            ),
            user,
        )
        .order_by()
        .values_list("agency_id", "state")
        .annotate(n=Count("pk"))
    )
    for agency_id, state, n in rows:
        facts[agency_id]["submitted" if state == ReportState.SUBMITTED else "returned"] = n
    return facts


#: Cache generation of the navigation bar's "waiting for me" counts (reports.context_processors).
WAITING = "waiting"


def waiting_changed(**_kwargs) -> None:
    """A report, a routing step, a membership or an agency changed: every user's cached "waiting
    for me" count is stale (who waits for what depends on all four)."""
    bump_generation(WAITING)


def _connect_waiting() -> None:
    from django.db.models.signals import post_delete, post_save

    from ita_portal.agencies.models import Agency, Membership
    from reports.models import ReviewStep

    for model in (Report, ReviewStep, Membership, Agency):
        post_save.connect(waiting_changed, sender=model, dispatch_uid=f"waiting-save-{model.__name__}")
        post_delete.connect(waiting_changed, sender=model, dispatch_uid=f"waiting-delete-{model.__name__}")


def register() -> None:
    _connect_waiting()
    # The OIT workspace (a lower layer) shows report documents through its registry.
    oit_linked.register(report_documents)
    navigation.section_register(navigation.Section(_("รายงาน"), "bi-file-earmark-text", ("reports:report_list",), order=50))
    dashboard.card_register(dashboard.Card(order=40, template="reports/_summary_card.html", facts=report_facts))
    dashboard.activity_register(Report)
    # Every minute: a render requested while the broker was down starts within a minute of its return.
    periodic_task_register(PeriodicEntry(RENDER_RETRY_NAME, "reports.renditions_requeue", every_minutes=1))
    periodic_task_retire(OBSOLETE_RENDER_RETRY_NAME)
