"""Memo previews, rendered by the Celery worker and never inside a web request.

A preview is named by the SHA-256 of the report's source data (``build_source``): the same report
text is the same file, so opening the preview again costs nothing, and a changed report gets a
new one. The web view asks for it (:func:`preview_request`); when the file is not there yet, the
worker renders it (:func:`preview_render`) and the page shows the portal's progress bar, polled
with htmx, until it is. Nothing is written to the database, so a read-only supervisor may preview.
Files live under ``MEDIA_ROOT/previews/`` (shared storage when several hosts), one per distinct
text; they are small (one page) and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder

from reports.documents import build_source
from reports.models import Report
from reports.rendering import render_source_pdf

log = logging.getLogger(__name__)

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
FAILED = -1
_QUEUED_FOR = 600  # seconds a queued preview is not queued again


def preview_key(source: dict) -> str:
    return hashlib.sha256(json.dumps(source, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _path(key: str) -> str:
    return f"previews/{key}.pdf"


def preview_pdf(key: str) -> bytes | None:
    """The preview's bytes when the worker has made it, else None."""
    if not KEY_RE.match(key) or not default_storage.exists(_path(key)):
        return None
    with default_storage.open(_path(key), "rb") as file:
        return file.read()


def preview_progress(key: str) -> int | None:
    """0–100 while rendering, ``FAILED`` after an error, None when unknown (another process' cache)."""
    return cache.get(f"preview:{key}")


def preview_request(*, report: Report) -> tuple[str, bytes | None]:
    """Key and PDF of ``report``'s memo preview as it is now; queues the render when there is none."""
    from reports.tasks import render_preview

    # Plain JSON, as the broker will carry it: the worker must compute the same key from it.
    source = json.loads(json.dumps(build_source(report), cls=DjangoJSONEncoder))
    key = preview_key(source)
    pdf = preview_pdf(key)
    if pdf is None and (cache.add(f"preview:{key}", 0, timeout=_QUEUED_FOR) or preview_progress(key) == FAILED):
        cache.set(f"preview:{key}", 0, timeout=_QUEUED_FOR)
        render_preview.delay(key, source)
        pdf = preview_pdf(key)  # a worker running tasks eagerly (tests, `make run` debugging) is done already
    return key, pdf


def preview_render(*, key: str, source: dict) -> bool:
    """Render the memo page of ``source`` into the preview file ``key`` (in the worker)."""
    if not KEY_RE.match(key) or preview_key(source) != key:
        raise ValueError("preview key does not match its source")
    if default_storage.exists(_path(key)):
        return True
    cache.set(f"preview:{key}", 10, timeout=_QUEUED_FOR)
    try:
        data = render_source_pdf(source, memo_only=True)
    except Exception:
        log.exception("memo preview %s failed", key)
        cache.set(f"preview:{key}", FAILED, timeout=_QUEUED_FOR)
        return False
    default_storage.save(_path(key), ContentFile(data))
    cache.set(f"preview:{key}", 100, timeout=_QUEUED_FOR)
    return True
