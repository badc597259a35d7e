"""gunicorn settings of deploy/systemd/ita-web.service (values from /etc/ita-portal/ita.env)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A score import of the whole country takes about 15 s; PDFs render in the worker, never here.
timeout = 90
graceful_timeout = 20
# nginx on this host sets X-Forwarded-Proto; Django trusts it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
max_requests = 2000
max_requests_jitter = 200
