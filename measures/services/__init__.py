"""State changes of measures and their follow-up: the only code that writes these tables.

Split by area (each function is keyword-only, validates, runs in one transaction):

- ``measures``  — measure_create / measure_update / measure_delete, step_add / step_update /
  step_remove / steps_reorder / step_set_done
- ``followups`` — followup_create / followup_update / followup_cancel / followup_record_minutes,
  followups_generate and the pure date generator ``schedule_dates``
- ``progress``  — progress_record / progress_update / progress_delete, evidence_add_file /
  evidence_add_link / evidence_copy / evidence_delete (also the OIT workspace's evidence)
- ``feeds``     — feed_token_get_or_create / feed_token_regenerate (secret calendar URLs)
- ``weaknesses`` — weaknesses_propose (from an assessment's scores) / weakness_create /
  weakness_update / weakness_set_status
- ``reminders`` — reminders_recompute (a meeting's Reminder rows), reminders_sweep /
  reminders_deliver (claim due rows, queue their e-mails, mark them sent); the reads they use
  (due moments, recipients, links) are in ``measures.reminders``
"""

from measures.services.feeds import feed_token_get_or_create, feed_token_regenerate
from measures.services.followups import (
    followup_cancel,
    followup_create,
    followup_record_minutes,
    followup_update,
    followups_generate,
    schedule_dates,
)
from measures.services.measures import (
    measure_create,
    measure_delete,
    measure_update,
    step_add,
    step_remove,
    step_set_done,
    step_update,
    steps_reorder,
)
from measures.services.progress import (
    evidence_add_file,
    evidence_add_link,
    evidence_copy,
    evidence_delete,
    progress_delete,
    progress_record,
    progress_update,
)
from measures.services.reminders import reminder_deliver, reminders_deliver, reminders_recompute, reminders_sweep
from measures.services.weaknesses import weakness_create, weakness_set_status, weakness_update, weaknesses_propose

__all__ = [
    "evidence_add_file",
    "evidence_add_link",
    "evidence_copy",
    "evidence_delete",
    "feed_token_get_or_create",
    "feed_token_regenerate",
    "followup_cancel",
    "followup_create",
    "followup_record_minutes",
    "followup_update",
    "followups_generate",
    "measure_create",
    "measure_delete",
    "measure_update",
    "progress_delete",
    "progress_record",
    "progress_update",
    "reminder_deliver",
    "reminders_deliver",
    "reminders_recompute",
    "reminders_sweep",
    "schedule_dates",
    "step_add",
    "step_remove",
    "step_set_done",
    "step_update",
    "steps_reorder",
    "weakness_create",
    "weakness_set_status",
    "weakness_update",
    "weaknesses_propose",
]
