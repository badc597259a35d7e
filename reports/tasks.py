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


@shared_task(name="reports.renditions_requeue")
def renditions_requeue() -> int:
    """Queue again the renders waiting for the broker or whose worker died (beat, every minute)."""
    from reports.services import renditions_requeue as requeue

    return requeue()
