"""Settings for pytest: fast hashing, in-memory mail, a fixed field key, tasks run on enqueue."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
HATARAKU_FIELD_KEY = "q5Qk0ZzqN0lX7dOQm7nHq2b0m3rZ1m8m9n0v6eJtR2E="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
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
# The browser tests' live server serves static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
