"""Settings of the real Celery worker that tests/test_celery_worker.py starts in a subprocess.

The production settings (DATABASE_URL, REDIS_URL, EMAIL_URL from the environment) plus a private
queue per test run and short timeouts, so tests need not wait minutes for back-off or stale claims.
"""

import os

from ita_portal.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["ITA_TEST_QUEUE"]
REMINDER_CLAIM_STALE_SECONDS = int(os.environ.get("ITA_TEST_CLAIM_STALE_SECONDS", "600"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("ITA_TEST_RETRY_BASE_SECONDS", "1"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("ITA_TEST_MAX_ATTEMPTS", "3"))
