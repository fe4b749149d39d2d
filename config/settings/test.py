"""Settings for pytest: fast hashing, in-memory mail, a fixed field key, tasks run on enqueue."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
HATARAKU_FIELD_KEY = "q5Qk0ZzqN0lX7dOQm7nHq2b0m3rZ1m8m9n0v6eJtR2E="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The real-worker tests (hataraku/core/tests/test_rq.py) start `rqworker` with these settings, naming their
# own queue (one per pytest-xdist worker) in HATARAKU_TEST_RQ_QUEUE; everything else runs tasks on enqueue.
_TEST_RQ_QUEUE = env("HATARAKU_TEST_RQ_QUEUE")
if _TEST_RQ_QUEUE and REDIS_URL:  # noqa: F405
    if "django_rq" not in INSTALLED_APPS:  # noqa: F405
        INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # noqa: F405
    # "default" is declared too (each `@task()` checks its queue when its module is imported, `rqworker`
    # checks the same at start), but the test's worker listens only to its own queue.
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [_TEST_RQ_QUEUE, "default"]}}
    RQ_QUEUES = {_TEST_RQ_QUEUE: {"URL": REDIS_URL}, "default": {"URL": REDIS_URL}}  # noqa: F405
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# A worker process cannot open SQLite's in-memory test database: with Redis to test against, the test
# database is a file (pytest-xdist adds the worker's suffix), so the real-worker tests run on SQLite too.
if REDIS_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-hataraku.sqlite3")}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Only failed log-ins stay limited in tests (their throttling is itself under test).
ACCOUNT_RATE_LIMITS: dict[str, str | bool] = dict.fromkeys(  # type: ignore[no-redef]
    ["login", "signup", "confirm_email", "reset_password"], False
)
ACCOUNT_RATE_LIMITS["login_failed"] = "5/5m/key"
ACCOUNT_RATE_LIMITS["login_failed_ip"] = "150/15m/ip"
LANGUAGE_CODE = "ja"
HATARAKU_KEEP_PAGES = False  # core/pages.py; its own tests turn it on
# The browser tests' live server serves static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
