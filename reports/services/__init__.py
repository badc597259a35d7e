"""Report services (every state change of reports goes through here).

- :mod:`reports.services.signoff` — create, edit/new version, submit, return, approve (number,
  freeze), publish, revoke, and the transition map.
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
from reports.services.signoff import (
    DIRECTOR_ACTIONS,
    EDITABLE_FIELDS,
    TRANSITIONS,
    allowed_actions,
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
    "DIRECTOR_ACTIONS",
    "EDITABLE_FIELDS",
    "TRANSITIONS",
    "allowed_actions",
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
    "report_publish",
    "report_return",
    "report_revoke",
    "report_source",
    "report_submit",
    "report_update",
]
