"""Settings come from the environment with embedded defaults; bad values fail loudly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ita_portal.envconf import ConfigError, env_bool, parse_database_url, parse_email_url

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"], "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL, "email": settings.EMAIL_BACKEND,
    "email_path": str(getattr(settings, "EMAIL_FILE_PATH", "")), "lang": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE, "celery_tz": settings.CELERY_TIMEZONE, "use_tz": settings.USE_TZ,
    "debug": settings.DEBUG, "media": str(settings.MEDIA_ROOT), "hosts": settings.ALLOWED_HOSTS,
    "langs": [code for code, _ in settings.LANGUAGES], "cache": settings.CACHES["default"]["BACKEND"],
}))
"""

SETTINGS_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "MEDIA_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' fixture; never part of a deployment
)


def probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    clean.update({"SECRET_KEY": "probe-" + "k" * 50, **env}, DJANGO_SETTINGS_MODULE="ita_portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_need_no_server():
    s = probe()
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(ROOT / "var" / "db.sqlite3")
    assert s["broker"] == "filesystem://"
    assert s["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["email_path"] == str(ROOT / "var" / "mail")
    assert s["media"] == str(ROOT / "var" / "media")
    assert s["debug"] is False
    assert s["cache"].endswith("FileBasedCache")  # shared by web, worker and commands (under var/)


def test_thai_first_bangkok_time():
    s = probe()
    assert s["lang"] == "th"
    assert s["langs"] == ["th", "en"]
    assert s["tz"] == s["celery_tz"] == "Asia/Bangkok"
    assert s["use_tz"] is True


def test_environment_switches_on_postgres_redis_smtp():
    s = probe(
        DATABASE_URL="postgres://ita:pw@db.internal:5433/ita",
        REDIS_URL="redis://127.0.0.1:6379/2",
        EMAIL_URL="smtp://mailer:secret@smtp.example.go.th:587?tls=1",
        ALLOWED_HOSTS="ita.example.go.th, www.ita.example.go.th",
        MEDIA_ROOT="/srv/ita/media",
        DEBUG="1",
    )
    assert s["db"] == "django.db.backends.postgresql"
    assert s["db_name"] == "ita"
    assert s["broker"] == "redis://127.0.0.1:6379/2"
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["hosts"] == ["ita.example.go.th", "www.ita.example.go.th"]
    assert s["media"] == "/srv/ita/media"
    assert s["debug"] is True
    assert s["cache"].endswith("RedisCache")


def test_bad_values_fail_loudly():
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    clean.update(DEBUG="maybe", DJANGO_SETTINGS_MODULE="ita_portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert out.returncode != 0
    assert "DEBUG='maybe'" in out.stderr


def test_parsers():
    db = parse_database_url("postgresql://u%40x:p%2Fw@h:5432/name?sslmode=require", base_dir=ROOT)
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == ("u@x", "p/w", "h", "5432", "name")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=ROOT)["NAME"] == "/tmp/x.sqlite3"
    smtps = parse_email_url("smtps://a:b@mail.go.th", base_dir=ROOT)
    assert smtps["EMAIL_PORT"] == 465 and smtps["EMAIL_USE_SSL"] and not smtps["EMAIL_USE_TLS"]
    with pytest.raises(ConfigError):
        parse_database_url("mysql://x/y", base_dir=ROOT)
    with pytest.raises(ConfigError):
        parse_email_url("smtp://", base_dir=ROOT)
    with pytest.raises(ConfigError):
        parse_database_url("postgres://host/", base_dir=ROOT)


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


def test_check_deploy_passes_with_production_environment_and_refuses_dev_key():
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    clean.update(
        DJANGO_SETTINGS_MODULE="ita_portal.settings",
        DEBUG="0",
        ALLOWED_HOSTS="ita.example.go.th",
        EMAIL_URL="smtp://mailer@smtp.example.go.th:587?tls=1",
    )
    cmd = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    without_key = subprocess.run(cmd, cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert without_key.returncode != 0 and "SECRET_KEY is not set" in without_key.stderr
    clean["SECRET_KEY"] = "short"
    weak_key = subprocess.run(cmd, cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert weak_key.returncode != 0 and "security.W009" in weak_key.stderr
    clean["SECRET_KEY"] = "k" + "x9Qw3-e5Rt7yU1iO0pAsDfGhJkLzXcVbNm" * 2
    with_key = subprocess.run(cmd, cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert with_key.returncode == 0, with_key.stderr


def test_ita_var_dir_moves_every_runtime_file(tmp_path):
    s = probe(ITA_VAR_DIR=str(tmp_path))
    assert s["db_name"] == str(tmp_path / "db.sqlite3")
    assert s["email_path"] == str(tmp_path / "mail")
    assert s["media"] == str(tmp_path / "media")


@pytest.mark.parametrize("debug", ["0", None])
def test_without_secret_key_and_debug_off_the_portal_refuses_to_start(debug):
    """No public development key in production: settings stop the process (web, worker, commands)."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    clean.update(DJANGO_SETTINGS_MODULE="ita_portal.settings", **({"DEBUG": debug} if debug else {}))
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert out.returncode != 0
    assert "SECRET_KEY is not set" in out.stderr
    # With DEBUG on (`make run`) the development key is still fine.
    assert probe(SECRET_KEY="", DEBUG="1")["debug"] is True


def test_embedded_database_lets_a_read_then_write_transaction_wait_for_another_writer(tmp_path, django_db_blocker):
    """``make run``: beat's update_or_create (read, then write) ran while the worker wrote.

    In SQLite's default deferred mode the reader cannot wait for the writer and fails at once
    with "database is locked"; the embedded settings make it wait for its turn instead.
    """
    import sqlite3
    import threading

    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings_dict = parse_database_url(f"sqlite:///{tmp_path / 'db.sqlite3'}", base_dir=ROOT)
    for key, value in {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
        "OPTIONS": {},
    }.items():
        settings_dict.setdefault(key, value)
    setup = sqlite3.connect(settings_dict["NAME"])
    setup.execute("CREATE TABLE t (who TEXT)")
    setup.commit()
    setup.close()

    portal = DatabaseWrapper(settings_dict, alias="embedded")
    other_done = threading.Event()
    other_error: list[Exception] = []

    def other_writer():
        other = sqlite3.connect(settings_dict["NAME"], timeout=10)
        try:
            other.execute("INSERT INTO t VALUES ('worker')")
            other.commit()
        except sqlite3.Error as error:  # pragma: no cover - only when the settings regress
            other_error.append(error)
        finally:
            other.close()
            other_done.set()

    with django_db_blocker.unblock():
        portal.ensure_connection()
        try:
            # What transaction.atomic() does on SQLite: BEGIN (in the configured mode).
            portal._start_transaction_under_autocommit()
            with portal.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                thread = threading.Thread(target=other_writer)
                thread.start()
                other_done.wait(1.0)  # deferred mode: the other writer commits under our read
                cursor.execute("INSERT INTO t VALUES ('beat')")
            portal.connection.commit()
        finally:
            thread.join(15)
            with portal.cursor() as cursor:
                cursor.execute("SELECT who FROM t")
                rows = sorted(r[0] for r in cursor.fetchall())
            portal.close()
    assert not other_error
    assert rows == ["beat", "worker"]
