"""Choices and limits of saved searches, bookmarks and alerts, in one place."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("見つかりしだい")
    DAILY = "daily", _("1日1回まとめて")


# A worker keeps at most this many saved searches (each one is a query every alert run) and bookmarks (the
# job list reads all of hers in one query to draw the ☆ toggles).
MAX_SAVED_SEARCHES = 20
MAX_BOOKMARKS = 300
# The raw query string of /jobs/ as stored (the keyword box is capped at 200 characters; the filters are
# short): a generous cap against a hand-made request.
MAX_QUERY_LENGTH = 2_000
# A job published while the index or the tick lagged is still news: each run looks this far back and
# skips what it already recorded for the saved search (AlertMatch is unique per search and job).
LOOKBACK = dt.timedelta(days=3)
# An alert e-mail lists at most this many jobs; the rest are behind the link to the whole search.
MAX_JOBS_PER_MAIL = 20
UNSUBSCRIBE_SALT = "hataraku.alerts.unsubscribe"
