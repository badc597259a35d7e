"""Every change to scores (a package split by area: ``scores``, ``imports``, ``import_jobs``): typed entry, recomputation, file import (preview then commit; a large file in the worker).

Weaknesses drawn from the scores are ``measures`` rows and change through ``measures.services``.

Each function is ``<entity>_<action>`` with keyword-only arguments, checks its input and runs in
one transaction. Views, the ``import_scores`` command and the admin only call these.

Writes are set-based (``bulk_create(update_conflicts=True)``, one DELETE per kind) so saving a
year's scores or a national file costs a fixed number of statements per batch, never one per row.
"""

from indicators.services.import_jobs import (
    LARGE_FILE_BYTES,
    LARGE_FILE_ROWS,
    is_large,
    job_percent,
    job_stalled,
    score_import_check,
    score_import_commit,
    score_import_commit_run,
    score_import_retry,
    score_import_start,
)
from indicators.services.imports import (
    BATCH_SIZE,
    ImportOutcome,
    import_batch_commit,
    import_batch_create,
    scores_import,
    upsert,
)
from indicators.services.scores import COMPUTED_FIELDS, ItemInput, assessment_recompute, assessment_save_scores

__all__ = [
    "BATCH_SIZE",
    "COMPUTED_FIELDS",
    "LARGE_FILE_BYTES",
    "LARGE_FILE_ROWS",
    "ImportOutcome",
    "ItemInput",
    "assessment_recompute",
    "assessment_save_scores",
    "import_batch_commit",
    "import_batch_create",
    "is_large",
    "job_percent",
    "job_stalled",
    "score_import_check",
    "score_import_commit",
    "score_import_commit_run",
    "score_import_retry",
    "score_import_start",
    "scores_import",
    "upsert",
]
