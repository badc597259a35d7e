"""Abuse limits the settings switch on: login throttling (django-axes) and the
Content-Security-Policy (django-csp). Kept here so ``settings.py`` stays a list of choices."""

from __future__ import annotations

import datetime as dt

from csp.constants import NONCE, NONE, SELF
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

#: Wrong passwords allowed per account (from anywhere) and per address (for any account) before
#: a lock-out; the lock lifts after the cool-off, or a superuser clears it (``axes_reset``).
LOGIN_FAILURE_LIMIT = 10
LOGIN_COOLOFF = dt.timedelta(minutes=15)


def axes_settings(trusted_proxy_count: int) -> dict:
    """django-axes: lock per username and, separately, per client address.

    The client address is REMOTE_ADDR unless ``TRUSTED_PROXY_COUNT`` proxies (nginx …) stand in
    front: a client-supplied X-Forwarded-For must never let an attacker pick a fresh address.
    """
    meta_order = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if trusted_proxy_count else ("REMOTE_ADDR",)
    return {
        "AXES_FAILURE_LIMIT": LOGIN_FAILURE_LIMIT,
        "AXES_COOLOFF_TIME": LOGIN_COOLOFF,
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_TEMPLATE": "registration/lockout.html",
        "AXES_IPWARE_META_PRECEDENCE_ORDER": meta_order,
        "AXES_IPWARE_PROXY_COUNT": trusted_proxy_count or None,
        "AXES_VERBOSE": False,
        "AXES_COOLOFF_MESSAGE": format_lazy(
            _("เข้าสู่ระบบผิดหลายครั้งเกินไป บัญชีหรือเครื่องนี้ถูกระงับการเข้าสู่ระบบชั่วคราว กรุณารอ {minutes} นาทีแล้วลองใหม่"),
            minutes=int(LOGIN_COOLOFF.total_seconds()) // 60,
        ),
    }


def csp_settings() -> dict:
    """A strict policy: the portal serves every script, style, font and image itself.

    No 'unsafe-inline' and no 'unsafe-eval': the few <style>/<script> elements carry the
    per-request nonce (``{{ request.csp_nonce }}``); style attributes are not used (progress
    widths are set by ``static/js/portal.js`` from ``data-width``). Bootstrap's CSS draws a few
    icons from ``data:`` SVGs. The public embed page relaxes ``frame-ancestors`` only.
    """
    return {
        "CONTENT_SECURITY_POLICY": {
            "DIRECTIVES": {
                "default-src": [NONE],
                "script-src": [SELF, NONCE],
                "style-src": [SELF, NONCE],
                "img-src": [SELF, "data:"],
                "font-src": [SELF],
                "connect-src": [SELF],
                "manifest-src": [SELF],
                "form-action": [SELF],
                "frame-ancestors": [NONE],
                "frame-src": [SELF],
                "base-uri": [SELF],
                "object-src": [NONE],
            }
        }
    }
