"""E-mail outbox: every message the portal sends is a row first, then a Celery task sends it."""
