"""Create forms save once: every create form carries a token (``{% form_token %}``), and
``save_once`` runs the save for a token at most once.

Going Back after saving and pressing save again, or a double click, posts the same token again:
the second post gets the first one's redirect (with a message) instead of a second record. The token
is claimed atomically (``cache.add``, Redis in deployment) before saving, so two posts racing each
other cannot both save; a save that fails (invalid data, a refused service call) frees the token so
the corrected form can be sent again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

FIELD = "form_token"
TTL_SECONDS = 24 * 3600
_PENDING = "…"
_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def token_for(request: HttpRequest) -> str:
    """The token a re-displayed form keeps (it was not used: the save did not happen), else a new one."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted if _TOKEN_RE.fullmatch(posted) else uuid.uuid4().hex


def _key(request: HttpRequest, token: str) -> str:
    return f"form-token:{request.user.pk}:{token}"


def save_once(request: HttpRequest, save: Callable[[], HttpResponse | None], *, fallback: str) -> HttpResponse | None:
    """Run ``save`` (which validates the form and returns its redirect, or None when it refused the
    data) once per token. Views call it before validating: a replayed post must not meet the
    same-title warning its own first save caused.

    A repeated token answers the first save's redirect, or ``fallback`` while the first save is
    still running (the double click). Posts without a token (scripts, old pages) just save.
    """
    token = request.POST.get(FIELD, "")
    if not _TOKEN_RE.fullmatch(token):
        return save()
    key = _key(request, token)
    if not cache.add(key, _PENDING, TTL_SECONDS):
        first = cache.get(key)
        messages.info(request, _("รายการนี้บันทึกไปแล้ว ระบบไม่บันทึกซ้ำ"))
        return redirect(first if first and first != _PENDING else fallback)
    try:
        response = save()
    except BaseException:
        cache.delete(key)
        raise
    if response is None or not 300 <= response.status_code < 400:
        cache.delete(key)
        return response
    cache.set(key, response["Location"], TTL_SECONDS)
    return response
