"""Strict readers for settings taken from the environment.

Bad values fail loudly at start-up instead of silently falling back to a default, so a worker that
was started without the production settings does not quietly write e-mail to files or use SQLite.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(ValueError):
    """An environment variable holds a value the portal cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from exc


def parse_database_url(url: str, *, base_dir: Path) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` into DATABASES['default']."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ConfigError("DATABASE_URL: sqlite:// needs a file path, e.g. sqlite:///var/db.sqlite3")
        file = Path(path)
        if not file.is_absolute():
            file = base_dir / file
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            # The portal, the worker and beat write to one file. A deferred transaction that
            # reads and then writes (beat's update_or_create) cannot wait for another writer:
            # SQLite answers "database is locked" at once. IMMEDIATE takes the write lock at
            # BEGIN, where the busy timeout applies; WAL lets readers go on meanwhile.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError("DATABASE_URL: the PostgreSQL URL names no database")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:// or postgres://)")


def parse_email_url(url: str, *, base_dir: Path) -> dict:
    """Turn EMAIL_URL into Django e-mail settings.

    ``file:///var/mail`` (relative to the project) writes each message to a file;
    ``smtp://user:pw@host:587?tls=1`` and ``smtps://…`` (implicit TLS) send through SMTP;
    ``console://`` prints; ``locmem://`` keeps messages in memory (tests).
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme == "file":
        path = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path.is_absolute():
            path = base_dir / path
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(path),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ConfigError("EMAIL_URL: the SMTP URL names no host")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "smtp" and query.get("tls", "0").lower() in _TRUE,
            "EMAIL_TIMEOUT": 30,
        }
    raise ConfigError(f"EMAIL_URL: unsupported scheme {scheme!r} (use file://, smtp://, smtps://, console://)")


def parse_storage_url(url: str) -> dict:
    """Turn ``STORAGE_URL`` into the options of django-storages' S3 backend.

    ``s3://KEY:SECRET@bucket/prefix?endpoint_url=https://s3.example:9000&region=ap-southeast-1``;
    key and secret may be left out, boto3 then takes them from its usual places (``AWS_ACCESS_KEY_ID``,
    an instance role). Files stay private: every URL the backend makes is signed and short-lived.
    """
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ConfigError(f"STORAGE_URL: unsupported scheme {parts.scheme!r} (use s3://bucket/prefix?endpoint_url=…)")
    if not parts.hostname:
        raise ConfigError("STORAGE_URL: the S3 URL names no bucket (s3://bucket/…)")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region", "addressing_style", "expire"}
    if unknown:
        raise ConfigError(f"STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}")
    options = {
        # The bucket host part keeps its case: bucket names are lower case anyway.
        "bucket_name": unquote(parts.netloc.rpartition("@")[2]),
        "location": unquote(parts.path.strip("/")),
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "addressing_style": query.get("addressing_style") or None,
        "querystring_expire": int(query.get("expire", "300")),
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options
