"""Local development and `make run`: embedded SQLite under var/, mail printed to the console."""

from .base import *  # noqa: F403
from .base import DATA_DIR, env, env_bool

DEBUG = env_bool("DEBUG", False)
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Demo mail is written to files under var/mail so a person trying the platform can open the link.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
