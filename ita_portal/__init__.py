"""ITA Portal: the project package (settings, URLs, Celery app, shared helpers)."""

from ita_portal.celery import app as celery_app

__all__ = ("celery_app",)
