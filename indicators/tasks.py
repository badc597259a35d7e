"""Celery tasks of indicators (default queue). Tasks take ids, reload rows and call services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="indicators.check_score_import", acks_late=True)
def check_score_import(batch_id: int) -> str:
    """Read and check a large uploaded score file for its preview (progress on the batch row)."""
    from indicators.services import score_import_check

    return score_import_check(batch_id=batch_id).status


@shared_task(name="indicators.commit_score_import", acks_late=True)
def commit_score_import(batch_id: int) -> str:
    """Write a confirmed large score file, all rows or none (progress on the batch row)."""
    from indicators.services import score_import_commit_run

    return score_import_commit_run(batch_id=batch_id).status
