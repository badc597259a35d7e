"""Report services (every state change of reports goes through here).

- :mod:`reports.services.signoff` — create, edit/new version, submit, return, approve (number,
  freeze), publish, revoke, and the transition map.
- :mod:`reports.services.routing` — the chain each kind passes through (เสนอตามลำดับชั้น), forward.
- :mod:`reports.services.notify` — who is told of each move, through the mail outbox.
- :mod:`reports.services.renditions` — PDF requests, the Celery-side render with progress.
- :mod:`reports.services.previews` — the memo preview, rendered by the worker into a file named by its text.
"""

from reports.services.previews import preview_pdf, preview_progress, preview_request
from reports.services.renditions import (
    rendition_freeze,
    rendition_render,
    rendition_request,
    rendition_retry,
    renditions_requeue,
)
from reports.services.routing import report_forward, routing_chain, routing_chain_set
from reports.services.signoff import (
    CHAIN_ACTIONS,
    DIRECTOR_ACTIONS,
    EDITABLE_FIELDS,
    TRANSITIONS,
    PastYearConfirmationNeeded,
    actions_for,
    allowed_actions,
    is_past_year,
    next_document_number,
    report_approve,
    report_create,
    report_defaults,
    report_publish,
    report_return,
    report_revoke,
    report_source,
    report_submit,
    report_update,
)

__all__ = [
    "CHAIN_ACTIONS",
    "DIRECTOR_ACTIONS",
    "EDITABLE_FIELDS",
    "TRANSITIONS",
    "PastYearConfirmationNeeded",
    "actions_for",
    "allowed_actions",
    "is_past_year",
    "next_document_number",
    "preview_pdf",
    "preview_progress",
    "preview_request",
    "rendition_freeze",
    "rendition_render",
    "rendition_request",
    "rendition_retry",
    "renditions_requeue",
    "report_approve",
    "report_create",
    "report_defaults",
    "report_forward",
    "report_publish",
    "report_return",
    "report_revoke",
    "report_source",
    "report_submit",
    "report_update",
    "routing_chain",
    "routing_chain_set",
]
