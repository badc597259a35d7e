"""The Celery application. Workers and beat load Django settings, so they share its timezone,
broker and e-mail configuration (a worker without SMTP settings fails loudly, not silently)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")

app = Celery("ita_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
