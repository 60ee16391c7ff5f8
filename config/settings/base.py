"""Settings shared by every environment; the environment decides the rest (config/env.py)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.env import BASE_DIR, env, env_bool, env_list

SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
# The key of the audit chain's MACs and checkpoints (docs/audit.md). It lives in the environment,
# never in the database, so whoever can rewrite the audit table cannot re-sign it. The default is
# for the demo and tests only (public, in this file); production refuses to start without a key.
ZHUANHUA_AUDIT_KEY = env("ZHUANHUA_AUDIT_KEY", "dev-only-audit-key-not-secret")
# After a key change: the retired keys, newest first, comma-separated; older entries verify
# under them (in order), new ones are signed with ZHUANHUA_AUDIT_KEY only (docs/audit.md).
ZHUANHUA_AUDIT_PREVIOUS_KEYS = env_list("ZHUANHUA_AUDIT_PREVIOUS_KEYS")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "zhuanhua.core",
    "zhuanhua.accounts",
    "zhuanhua.organisations",
    "zhuanhua.achievements",
    "zhuanhua.contracts",
    "zhuanhua.audit",
    "zhuanhua.licensing",
    "zhuanhua.transfer",
    "zhuanhua.disclosures",
    "zhuanhua.publicity",
    "zhuanhua.credit",
    "zhuanhua.vouchers",
    "zhuanhua.subsidies",
    "zhuanhua.exemption",
    "zhuanhua.projects",
    "zhuanhua.directory",
    "zhuanhua.dashboards",
    "zhuanhua.notifications",
    "zhuanhua.needs",
    "zhuanhua.events",
    "zhuanhua.search",
    "zhuanhua.portal",
    "zhuanhua.ops",
]

# Real public data (demo texts, prefecture boundaries): ../shared/data beside the checkout.
# The saved search index the workers map (docs/search-service.md); "" = BASE_DIR/var/search.
ZHUANHUA_SEARCH_DIR = env("ZHUANHUA_SEARCH_DIR", "")
ZHUANHUA_SHARED_DATA = Path(env("ZHUANHUA_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

# Daily jobs run by `zhuanhua jobs run-due`, in this order; each is a callable taking
# `today: date` and returning a short summary dict. Each must be idempotent.
ZHUANHUA_DAILY_JOBS: list[str] = [
    "zhuanhua.transfer.jobs.use_first_list_update",
    "zhuanhua.publicity.jobs.publicity_close_due",
    "zhuanhua.licensing.termination.licence_expire_due",
    "zhuanhua.licensing.jobs.licensing_alerts_due",
    "zhuanhua.notifications.services.weekly_digest",
    "zhuanhua.credit.jobs.credit_expire_due",
    "zhuanhua.projects.jobs.project_duty_reminders",
    "zhuanhua.search.jobs.match_digest",
    # Last, so the checkpoint signs the entries the other jobs wrote today.
    "zhuanhua.audit.jobs.audit_checkpoint_daily",
]
# Long work the task queue runs as a BackgroundJob (zhuanhua/core/tasks.py): kind -> function.
ZHUANHUA_BACKGROUND_JOBS: dict[str, str] = {
    "search_rebuild": "zhuanhua.search.jobs.index_rebuild_job",
    "annual_report": "zhuanhua.dashboards.report.annual_report_job",
    "weekly_digests": "zhuanhua.search.jobs.weekly_digests_job",
    "daily_jobs": "zhuanhua.core.tasks.daily_jobs",
}
# Signed audit checkpoints (count + head hash + MAC) are appended here and to the log; keep the
# file off the database server and in the backups of the server's files (docs/audit.md).
ZHUANHUA_AUDIT_CHECKPOINT_PATH = env(
    "ZHUANHUA_AUDIT_CHECKPOINT_PATH", str(BASE_DIR / "var" / "audit-checkpoints.jsonl")
)
# A checkpoint of another chain (another entry 1) means the table was emptied and written anew:
# `audit verify` fails on it. The demo (dev settings) ignores them, so `rm var/db.sqlite3 && make
# run` starts a new chain beside the old checkpoints.
ZHUANHUA_AUDIT_IGNORE_OTHER_CHAINS = False

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhuanhua.core.ratelimit.RateLimitMiddleware",
    "zhuanhua.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page language (zhuanhua/core/i18n.py): Django's LocaleMiddleware minus Accept-Language.
    "zhuanhua.core.i18n.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhuanhua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhuanhua.core.context_processors.platform",
                "zhuanhua.notifications.context_processors.unread",
            ],
            # {% url %} with remembered answers, in every template (zhuanhua/core/templatetags/memo_url.py).
            # How values are shown (money, %, periods): zhuanhua/core/templatetags/labels.py.
            "builtins": [
                "zhuanhua.core.templatetags.memo_url",
                "zhuanhua.core.templatetags.labels",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a job writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (Excel imports) runs off the request: a queue in the same database, worked by
# `manage.py db_worker` (make run starts one; docs/deploy.md runs them under systemd).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading the user's organisation along (accounts/backends.py).
    "zhuanhua.accounts.backends.OrganisationModelBackend",
]
# Sessions are read from the cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link (accounts/views.py) works once and for a day.
PASSWORD_RESET_TIMEOUT = 24 * 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:home"

# Chinese is the source language (msgids are Chinese) and the default; English comes from
# locale/en/LC_MESSAGES/django.po and is shown only to visitors who chose it with the header
# switch (POST /i18n/setlang/ → the language cookie). docs/i18n.md.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the choice outlives the browser session
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end packages come from the npm registry at set-up (package.json) and are served from
# here: no CDN, the platform must work on an intranet.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads live outside the static root and are served only through permission-checked views.
MEDIA_ROOT = BASE_DIR / env("ZHUANHUA_MEDIA_DIR", "var/media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
ZHUANHUA_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# django-axes: lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True

# django-csp 4: no inline scripts anywhere; page scripts are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Fixed-window rate limits per client address (zhuanhua/core/ratelimit.py); defaults there.
# ZHUANHUA_RATE_LIMITS_OFF=1 turns them off (load benchmarks drive thousands of searches from one
# address); behind a proxy set ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR (docs/deploy.md).
ZHUANHUA_RATE_LIMITS: dict[str, tuple[int, int] | None] = (
    {"login": None, "sign_up": None, "search": None} if env_bool("ZHUANHUA_RATE_LIMITS_OFF") else {}
)
ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR = env_bool("ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR")

# One cache for rate-limit counts and the public page cache (zhuanhua/core/pagecache.py). Several
# gunicorn workers need a shared one: ZHUANHUA_CACHE_URL=redis://127.0.0.1:6379/1 (docs/deploy.md).
_CACHE_URL = env("ZHUANHUA_CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "zhuanhua.core.cache.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": env("ZHUANHUA_CACHE_PREFIX", "zhuanhua"),
        }
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "zhuanhua"}
    )
}
# Template fragments that depend only on the language and the user's roles (the header's links):
# each process keeps its own copy, no round trip to Redis.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "zhuanhua-fragments",
}
# Anonymous hall, achievement and achievement-API reads are served from the cache for up to this
# many seconds (changes through the ORM invalidate at once); 0 turns it off.
ZHUANHUA_PAGE_CACHE_SECONDS = int(env("ZHUANHUA_PAGE_CACHE_SECONDS", "30"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A refused form post (stale page, missing token) gets the site's Chinese 403 page.
CSRF_FAILURE_VIEW = "zhuanhua.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "noreply@zhuanhua.local")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    # Audit checkpoints are logged at INFO: the log is their second copy outside the database.
    "loggers": {"zhuanhua.audit": {"level": "INFO"}},
}

# Guide art. 7(1): before a unit publishes a use-first-pay-later offer (or lists an assignment,
# an equity contribution), its completers are asked; publishing needs all agreed or the unit's
# written reason (achievements/consent.py).
ZHUANHUA_CONSENT_BEFORE_PUBLISH = True
