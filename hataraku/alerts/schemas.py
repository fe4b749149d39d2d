"""Shapes of the saved-search and bookmark API (`/api/me/saved-searches`, `/api/me/bookmarks`)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field
from pydantic.config import JsonDict

from hataraku.core import limits

from .constants import MAX_QUERY_LENGTH, Frequency

FREQUENCIES: JsonDict = {"enum": list(Frequency.values)}


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str  # the /jobs/ query string, only the job list form's own parameters
    # The conditions in words (「キーワード: 翻訳」); null when the job list's form no longer accepts the
    # query (a removed category): its alerts have stopped.
    conditions: list[str] | None
    valid: bool
    results_url: str  # the job list with this search
    alerts_on: bool
    alert_in_app: bool
    alert_email: bool
    frequency: str  # immediate / daily
    created_at: dt.datetime
    updated_at: dt.datetime


class SavedSearchIn(Schema):
    # Limits documented here and checked by the page's own form (its messages name the field).
    name: str = Field(description="名前", json_schema_extra={"maxLength": limits.SAVED_SEARCH_NAME})
    query: str = Field(
        "",
        description="/jobs/ のクエリ文字列(例: q=翻訳&beginner_welcome=on)。先頭の ? はあってもなくても同じ",
        json_schema_extra={"maxLength": MAX_QUERY_LENGTH},
    )
    alerts_on: bool = False
    alert_in_app: bool = True
    alert_email: bool = False
    frequency: str = Field(Frequency.IMMEDIATE.value, json_schema_extra=FREQUENCIES)


class SavedSearchPatch(Schema):
    """Only the fields sent change (the query of a saved search does not: save a new one)."""

    name: str | None = Field(None, json_schema_extra={"maxLength": limits.SAVED_SEARCH_NAME})
    alerts_on: bool | None = None
    alert_in_app: bool | None = None
    alert_email: bool | None = None
    frequency: str | None = Field(None, json_schema_extra=FREQUENCIES)


class BookmarkOut(Schema):
    job_id: int
    title: str
    open: bool  # still taking proposals and shown to her
    created_at: dt.datetime
