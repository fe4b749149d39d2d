"""Local development and `make run`: embedded SQLite under var/, mail printed to the console."""

import base64
import hashlib

from .base import *  # noqa: F403
from .base import DATA_DIR, env, env_bool, field_keys

DEBUG = env_bool("DEBUG", False)
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Demo mail is written to files under var/mail so a person trying the platform can open the link.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"

# A local run without HATARAKU_FIELD_KEY still encrypts, with a key derived from the data directory path and
# a fixed label (never from SECRET_KEY), so trying the platform needs no set-up. Only here and in the test
# settings: production refuses to start without real keys (production.py). A key that is set is checked now.
if env("HATARAKU_FIELD_KEY").strip(" ,"):
    HATARAKU_FIELD_KEY = ",".join(field_keys(env("HATARAKU_FIELD_KEY")))
else:
    _material = f"hataraku-local-field-key:{DATA_DIR}".encode()
    HATARAKU_FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(_material).digest()).decode()
