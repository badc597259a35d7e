"""Celery tasks of reports. Tasks take ids, reload rows and call services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.render_rendition", acks_late=True)
def render_rendition(rendition_id: int) -> str:
    """Render one queued PDF (progress is written to the Rendition row as WeasyPrint works)."""
    from reports.services import rendition_render

    return rendition_render(rendition_id=rendition_id).status


@shared_task(name="reports.render_preview", acks_late=True)
def render_preview(key: str, source: dict) -> bool:
    """Render a memo preview into its file (the web page polls until it is there)."""
    from reports.services.previews import preview_render

    return preview_render(key=key, source=source)


@shared_task(name="reports.renditions_retry_stale")
def renditions_retry_stale() -> int:
    """Queue again the renders whose worker died mid-way (run by beat every 5 minutes)."""
    from reports.services import renditions_retry_stale as retry

    return retry()
