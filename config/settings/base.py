"""Settings shared by every environment. Values that differ per machine come from the environment."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Where the embedded database, uploaded files and collected static files live.
DATA_DIR = Path(env("HATARAKU_DATA_DIR", str(BASE_DIR / "var"))).resolve()

SECRET_KEY = env("SECRET_KEY", "insecure-local-only-secret-key-change-me-in-production-0123456789")
# The key for 要配慮個人情報 columns. Deliberately separate from SECRET_KEY so that rotating one never
# exposes or destroys the other. Comma-separated Fernet keys; the first encrypts, all decrypt.
HATARAKU_FIELD_KEY = env("HATARAKU_FIELD_KEY", "")


def field_keys(raw: str) -> list[str]:
    """The Fernet keys listed in `raw` (comma-separated), each checked now rather than at the first
    encrypted read. Refuses an empty list and any entry that is not a Fernet key, naming the entry by its
    position only: a key must never reach a log."""
    keys = [item.strip() for item in raw.split(",")]
    if not any(keys):
        raise ImproperlyConfigured(
            "HATARAKU_FIELD_KEY is empty. Set it to one or more Fernet keys, comma-separated; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ImproperlyConfigured(
                f"HATARAKU_FIELD_KEY: entry {position} of {len(keys)} is not a Fernet key (32 bytes, url-safe "
                "base64, 44 characters). Every listed key must be one; an empty entry is not allowed either."
            ) from None
    return keys


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people reach us at: links in e-mails and the pages a card payment returns to are absolute.
HATARAKU_SITE_URL = env("HATARAKU_SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "hataraku.core",
    "hataraku.accounts",
    "hataraku.profiles",
    "hataraku.ledger",
    "hataraku.payments",
    "hataraku.jobs",
    "hataraku.contracts",
    "hataraku.messaging",
    "hataraku.reviews",
    "hataraku.search",
    "hataraku.matching",
    "hataraku.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz answers here, before sessions and users (hataraku/core/middleware.py).
    "hataraku.core.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Saves a signed-in session at most once a minute instead of on every request (core/sessions.py).
    "hataraku.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Errors answered around the API's operations (unknown path, wrong method, 500) become JSON under /api/.
    "config.api_errors.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "hataraku.core.middleware.SecurityHeadersMiddleware",
    # A GET on a POST-only page gets a kind 405 page rather than the browser's blank one (not under /api/).
    "hataraku.core.middleware.MethodNotAllowedPageMiddleware",
    # A NotFound raised by a selector or service becomes the 404 page (the one mapping; views do not catch it).
    "hataraku.core.middleware.NotFoundMiddleware",
    # Last, so that its redirects still carry the security headers: staff and municipal sessions must
    # have used TOTP or a passkey before any page beyond the set-up answers them.
    "hataraku.accounts.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hataraku" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "hataraku.core.context_processors.site",
                "hataraku.core.context_processors.csrf",
                "hataraku.core.navigation.navigation",
                "hataraku.messaging.context_processors.unread",
            ],
            # `{{ value|ja }}`: people's words marked lang="ja" on English pages (core/words.py).
            "builtins": ["hataraku.core.templatetags.words"],
        },
    },
]

# Embedded SQLite by default so the platform runs anywhere; DATABASE_URL switches to PostgreSQL.
_default_sqlite = f"sqlite:///{DATA_DIR / 'hataraku.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL", _default_sqlite), conn_max_age=60),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of failing
    # half-way with "database is locked"; WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Kept open between requests, as on PostgreSQL: opening a SQLite connection (and its PRAGMAs) cost
    # about 1.8 ms of CPU per request, more than /healthz itself (bench/pages.py, issue 9). An idle
    # connection in autocommit holds no snapshot, so WAL checkpoints are not held back.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading the session's user through SQL built once (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "hataraku.accounts.backends.ModelBackend",
    "hataraku.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# --- allauth -------------------------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "hataraku.accounts.adapters.AccountAdapter"
# allauth builds its sign-up form on top of this class and calls its signup(request, user).
ACCOUNT_SIGNUP_FORM_CLASS = "hataraku.accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hataraku] "
# Failed log-ins are limited per account and, separately, per network address (see AccountAdapter):
# - per account, strictly: the 6th failure within 5 minutes locks that account only, e-mails its owner,
#   and a password reset lifts it at once;
# - per address, generously: a training room of about 30 people behind one router, each mistyping up to
#   five times, still logs in; past that the message says the network is the reason, not her account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key",
    "login_failed_ip": "150/15m/ip",
    "login": "300/5m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request comes from the proxy's address, and the per-address limit would
# lump the whole town together. Say how many proxies you run (their X-Forwarded-For entries are trusted,
# counted from the right) or which header your proxy sets to the client's address; by default neither is
# trusted, because a client can write any X-Forwarded-For it likes.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER") or None
# Encrypts TOTP secrets and recovery-code seeds with HATARAKU_FIELD_KEY before they are stored.
MFA_ADAPTER = "hataraku.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Hataraku"
# Accept the previous and next 30-second code too (RFC 6238 §5.2): someone typing slowly with a screen
# reader or a shaking hand must not fail because the code turned over while they typed.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# --- sessions (WCAG 2.2.1: warn before the timeout and let the person extend) --------------------------
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60)))
# Not on every request: that rewrote the session row (SQLite's write lock) on every page view.
# hataraku.core.middleware.SessionRefreshMiddleware refreshes the expiry at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions; only the per-request read is done with SQL built once (core/session_store.py).
SESSION_ENGINE = "hataraku.core.session_store"
SESSION_TIMEOUT_WARNING_SECONDS = 5 * 60
# Keep whole pages per process for the few that are opened again and again (core/pages.py; issue 9). Off in
# the test settings, so a test reads each response's template context; core/tests/test_pages.py turns it on
# and checks a kept page is the page drawn afresh.
HATARAKU_KEEP_PAGES = env_bool("HATARAKU_KEEP_PAGES", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- i18n: Japanese first ------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- static and media ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded files are private: they are never served by URL, only streamed by views that authorise.
MEDIA_ROOT = DATA_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's CompressedManifestStaticFilesStorage, keeping each URL once worked out (core/static_storage.py).
    "staticfiles": {"BACKEND": "hataraku.core.static_storage.StaticStorage"},
}

# --- email ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Hataraku <no-reply@hataraku.example>")

# --- background tasks and the cache -------------------------------------------------------------------
# TASKS_BACKEND says where background work (e-mail, notices) waits to run:
# - "db" (the default): a table in the database, run by `manage.py db_worker`;
# - "rq": Redis through RQ, run by `manage.py rqworker --with-scheduler default` (the `rq` extra,
#   `uv sync --extra rq`, which `make sync` installs). Needs REDIS_URL.
# `hataraku serve` starts the matching worker beside gunicorn. A wrong value stops the start: falling back
# to the database queue quietly would leave the operator believing Redis runs the work.
REDIS_URL = env("REDIS_URL")
_tasks_backend = env("TASKS_BACKEND").strip().lower()
TASKS_BACKEND = {"": "db", "database": "db"}.get(_tasks_backend, _tasks_backend)
if TASKS_BACKEND not in {"db", "rq"}:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not known. Use 'db' (the database queue, the default) or 'rq' "
        "(Redis/RQ, with REDIS_URL set)."
    )
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs REDIS_URL (for example redis://127.0.0.1:6379/0). Without it the "
            "background work would have nowhere to go; unset TASKS_BACKEND to use the database queue."
        )
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs the RQ packages: install the `rq` extra (`uv sync --extra rq`, as "
            "`make sync` does, or `pip install 'hataraku[rq]'`)."
        )
    # django_rq gives the `rqworker` command; django_tasks_rq's Job class lets RQ run a django-tasks task,
    # so every worker started from these settings (plain `rqworker` included) uses it.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The cache is Redis whenever REDIS_URL is set, whichever backend runs the tasks (rate-limit counters must
# be shared by every gunicorn worker). `cache.clear()` empties its whole Redis database, RQ's queues with
# it: REDIS_CACHE_URL gives the cache a database of its own (e.g. redis://127.0.0.1:6379/1).
REDIS_CACHE_URL = env("REDIS_CACHE_URL", REDIS_URL)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "hataraku",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hataraku_cache",
        }
    }

# --- security headers ----------------------------------------------------------------------------------
# No inline script or style anywhere: every script is a static file, so the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 50
FORM_RENDERER = "hataraku.core.forms.HatarakuFormRenderer"

# --- product rules kept in one place -------------------------------------------------------------------
HATARAKU_PRIVACY_POLICY_VERSION = "2026-11-01"
# 2026-12-07: the consent also covers accommodation-request reasons and accessibility needs (issue 7).
HATARAKU_SENSITIVE_CONSENT_VERSION = "2026-12-07"

# --- payments (hataraku.payments) ----------------------------------------------------------------------
# "bank_transfer" (embedded: the client transfers, staff confirm) or "stripe" (card on Stripe Checkout,
# whose PaymentIntent is reported by webhook; bank transfer stays available beside it).
HATARAKU_PAYMENT_PROVIDER = env("HATARAKU_PAYMENT_PROVIDER", "bank_transfer")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# Where clients send bank transfers (shown with the reference code on the funding page).
HATARAKU_RECEIVING_ACCOUNT = {
    "bank_name": env("HATARAKU_RECEIVING_BANK_NAME", "はたらく銀行"),
    "branch_name": env("HATARAKU_RECEIVING_BRANCH_NAME", "本店営業部"),
    "account_type": env("HATARAKU_RECEIVING_ACCOUNT_TYPE", "普通"),
    "account_number": env("HATARAKU_RECEIVING_ACCOUNT_NUMBER", "0000000"),
    "holder_name": env("HATARAKU_RECEIVING_HOLDER_NAME", "ハタラク（カ"),
}
# The platform as sender of the Zengin payout file (総合振込): codes given by the platform's bank.
HATARAKU_ZENGIN_SENDER = {
    "company_code": env("HATARAKU_ZENGIN_COMPANY_CODE", "0000000000"),
    "company_name_kana": env("HATARAKU_ZENGIN_COMPANY_NAME_KANA", "ハタラク（カ"),
    "bank_code": env("HATARAKU_ZENGIN_BANK_CODE", "0000"),
    "bank_name_kana": env("HATARAKU_ZENGIN_BANK_NAME_KANA", ""),
    "branch_code": env("HATARAKU_ZENGIN_BRANCH_CODE", "000"),
    "branch_name_kana": env("HATARAKU_ZENGIN_BRANCH_NAME_KANA", ""),
    "account_type": env("HATARAKU_ZENGIN_ACCOUNT_TYPE", "1"),
    "account_number": env("HATARAKU_ZENGIN_ACCOUNT_NUMBER", "0000000"),
}
# The issuer printed on qualified invoices (適格請求書) and receipts. The default number is fictional
# but has a valid check digit.
HATARAKU_INVOICE_ISSUER_NAME = env("HATARAKU_INVOICE_ISSUER_NAME", "Hataraku株式会社")
HATARAKU_INVOICE_REGISTRATION_NUMBER = env("HATARAKU_INVOICE_REGISTRATION_NUMBER", "T9234567890123")
HATARAKU_INVOICE_NUMBER_PREFIX = env("HATARAKU_INVOICE_NUMBER_PREFIX", "HTK")
