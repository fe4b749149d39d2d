"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, field_keys

DEBUG = False
# No fallback in production: the default SECRET_KEY is public, and a derived field key would leave the
# 要配慮個人情報 columns readable by anyone who knows the data directory.
if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
# Every listed key must parse as a Fernet key before the first request: a typo must stop the start, not
# the first encrypted read, and "," or " " must never fall back to a derived key.
HATARAKU_FIELD_KEY = ",".join(field_keys(os.environ.get("HATARAKU_FIELD_KEY", "")))
# Links in e-mails and the page Stripe Checkout returns to are absolute: never let them point at localhost.
if not os.environ.get("HATARAKU_SITE_URL", "").startswith("https://"):
    raise ImproperlyConfigured("HATARAKU_SITE_URL must be set to the public https:// address in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
