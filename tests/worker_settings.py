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
# Each test's workers get a cache of their own (the queue is unique per test): the test process
# uses its own local-memory cache, so the bumps of its catalogue writes never reach Redis, and a
# worker of an earlier test must not hand this one the frameworks it cached then (their rows were
# flushed with that test's database). Workers of one test share it, as web and workers do.
CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": os.environ["ITA_TEST_QUEUE"]}}  # noqa: F405
