"""ITA Portal settings: every deployment choice comes from the environment (see README.md).

Defaults run the whole portal on one machine with nothing else installed: SQLite under ``var/``,
a Celery broker kept in files under ``var/celery/`` and e-mail written to ``var/mail/``.
``DATABASE_URL``, ``REDIS_URL`` and ``EMAIL_URL`` switch on PostgreSQL, Redis and SMTP.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from ita_portal.envconf import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_email_url,
    parse_storage_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ITA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The fallback key is only good for `make run` (DEBUG on): with DEBUG off and no SECRET_KEY the
# portal refuses to start rather than sign sessions with a key everyone can read in the source.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY is not set: with DEBUG off the portal needs its own long random key")
    SECRET_KEY = "django-insecure-ita-portal-development-key-do-not-deploy"  # noqa: S105 (DEBUG only)
# Encrypts stored secrets (signing keys, LINE tokens); falls back to SECRET_KEY. Set once, never change.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# `make run` sets SITE_URL to the host and port it serves; a deployment sets its public https URL.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# bench/bench_pages.py turns this on for its own server: a bare view (session + user, no template)
# that the pages' throughput is compared with. Off everywhere else, so the URL does not exist.
BENCH_BARE_VIEW = env_bool("ITA_BENCH_BARE_VIEW", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "axes",
    "ita_portal.agencies",
    "ita_portal.mail",
    "indicators",
    "measures",
    "oit",
    "reports",
    "demo",  # the demo data set (load_demo): above every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ita_portal.locale_middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "ita_portal.urls"
WSGI_APPLICATION = "ita_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ita_portal.agencies.context_processors.navigation",
                "indicators.context_processors.catalogue",
                "reports.context_processors.waiting",
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), base_dir=BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database needs its folder; the portal makes it, not the Makefile.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Thai first; English is kept as a working translation.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("ไทย")), ("en", _("อังกฤษ"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Evidence files are served through an access-checked view, never straight from MEDIA_URL.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Widgets written in Python, byte for byte as Django's templates write them (ita_portal/form_renderer.py).
FORM_RENDERER = "ita_portal.form_renderer.FastWidgetRenderer"

# E-mail: files under var/mail unless EMAIL_URL says otherwise.
# LINE Messaging API host (the agency's token and group id are set in the portal); tests use a fake.
LINE_API_BASE = env_str("LINE_API_BASE", "https://api.line.me")
globals().update(parse_email_url(env_str("EMAIL_URL", f"file:///{VAR_DIR / 'mail'}"), base_dir=BASE_DIR))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ITA Portal <noreply@ita-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise a broker kept in files that needs no server.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_BACKEND = None
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Visibility timeout longer than any task; nothing is queued weeks ahead (see measures/reminders).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    # A request must not hang on a Redis that is down: fail fast, the state change is kept and the
    # sweeps queue its task when Redis is back (reports.services.renditions, ita_portal.mail).
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
else:
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
        # Poll often: a dev worker then answers Ctrl-C within a second, not after several polls.
        "polling_interval": 0.25,
    }
    # The embedded broker's folders are made by whichever process starts first (web, worker, a command).
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
# PDF rendering has its own queue, so a burst of renders never delays reminders and e-mail
# (deploy/ runs one worker per queue; `make run` runs one worker on both).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"reports.render_rendition": {"queue": "pdf"}, "reports.render_preview": {"queue": "pdf"}}

# Cache and sessions on Redis when REDIS_URL is set. Sessions are cached_db: read from Redis,
# kept in the database too, so a Redis outage logs nobody out (ita_portal.cache degrades to a miss).
CACHES = {
    "default": (
        {
            "BACKEND": "ita_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        # Without Redis: files under ITA_VAR_DIR, shared by the web server, the worker and commands
        # (a per-process memory cache would keep one process' stale copy after another changed the data).
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# Uploaded evidence, emblems and frozen PDFs: MEDIA_ROOT by default; S3-compatible object storage
# (django-storages) when STORAGE_URL or AWS_STORAGE_BUCKET_NAME is set, so web and worker hosts share
# no disk. Objects stay private: the access-checked views stream them, nothing links to the bucket.
STORAGE_URL = env_str("STORAGE_URL", "")
if STORAGE_URL or env_str("AWS_STORAGE_BUCKET_NAME"):
    _s3 = (
        parse_storage_url(STORAGE_URL)
        if STORAGE_URL
        else {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "location": env_str("AWS_LOCATION"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
        }
    )
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Production hardening, switched on whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; keep its warnings only. Its progress steps feed
    # the rendition's progress bar (reports.services.renditions) and never reach the console.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
        "fontTools": {"level": "WARNING"},
    },
}

# --- abuse limits (README "Security") ------------------------------------------------------------
from ita_portal.security import axes_settings, csp_settings  # noqa: E402

globals().update(axes_settings(env_int("TRUSTED_PROXY_COUNT", 0)))
globals().update(csp_settings())
