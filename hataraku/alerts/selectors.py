"""Reads: a worker's saved searches and bookmarks, what a saved search means in words, and which new jobs
match it — always through the job list's own form and selector, never a second copy of the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format

from hataraku.accounts.models import User
from hataraku.accounts.selectors import verified_user_ids
from hataraku.core.errors import NotFound
from hataraku.core.words import compose, theirs
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.forms import JobFilterForm, job_filters_from_query
from hataraku.jobs.models import Job
from hataraku.jobs.selectors import JobFilters

from .models import AlertMatch, Bookmark, SavedSearch

# --- the query string: checked by the job list's form, and nothing else ---------------------------------


def filter_form(query: str | QueryDict) -> JobFilterForm:
    """The job list's filter form bound to a query string, exactly as /jobs/ binds it."""
    data = query if isinstance(query, QueryDict) else QueryDict(query)
    _filters, form = job_filters_from_query(data)
    return form


def canonical_query(data: QueryDict) -> str | None:
    """The part of a /jobs/ query string that is a search: only the form's own parameters, with a value,
    in the form's order (no page number, nothing a hand-made link added). None when the form refuses it."""
    form = filter_form(data)
    if not form.is_valid():
        return None
    kept = QueryDict(mutable=True)
    for name in form.fields:
        values = [v for v in data.getlist(name) if v.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def filters_for(query: str) -> JobFilters | None:
    """The job list's filters for a stored query, checked again now (a category may have gone since it was
    saved): None when the form no longer accepts it."""
    filters, form = job_filters_from_query(QueryDict(query))
    # Strict, unlike the page (which filters by what passed): an alert on half a search could flood her.
    return filters if form.is_valid() else None


def _shown(field: forms.Field, value: object) -> str:
    if isinstance(field, forms.ChoiceField):
        choices = {str(k): str(v) for k, v in field.choices}  # type: ignore[misc, union-attr]
        return choices.get(str(value), str(value)).strip("\u3000 ")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, int):
        return f"{value:,}"  # yen and hours, with separators as the cards show them
    return str(value)


def describe(query: str) -> list[str] | None:
    """The conditions of a saved search in words (「キーワード: 翻訳」「初心者歓迎」), from the job list's form
    labels, so a filter added to the form is described here too. None when the form refuses the query."""
    form = filter_form(query)
    if not form.is_valid():
        return None
    parts: list[str] = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False, [], ()):
            continue
        if isinstance(field, forms.BooleanField):
            parts.append(str(field.label))
        elif isinstance(value, str) and not isinstance(field, forms.ChoiceField):
            # What she typed (a keyword) is her words: marked lang="ja" on an English page.
            parts.append(compose("%(label)s: %(value)s", {"label": field.label, "value": theirs(value)}))
        else:
            parts.append(f"{field.label}: {_shown(field, value)}")
    return parts


def results_url(query: str) -> str:
    """Where opening a saved search goes: the job list with its query string."""
    base = reverse("jobs:list")
    return f"{base}?{query}" if query else base


# --- saved searches ---------------------------------------------------------------------------------------


def saved_searches(worker: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(worker=worker).order_by("created_at", "pk")


def access_saved_search(user: User, saved_search_id: int) -> SavedSearch:
    """Her own saved search; anyone else's, or a missing one, is 404 alike."""
    found = SavedSearch.objects.filter(pk=saved_search_id, worker_id=user.pk).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class SavedSearchRow:
    search: SavedSearch
    conditions: list[str] | None  # None: the query no longer passes the form
    url: str


def saved_search_rows(worker: User) -> list[SavedSearchRow]:
    return [
        SavedSearchRow(search=s, conditions=describe(s.query), url=results_url(s.query))
        for s in saved_searches(worker)
    ]


def new_jobs_for(
    search: SavedSearch, *, since: dt.datetime, job_ids: Iterable[int] | None = None
) -> list[int]:
    """Ids of open jobs that match `search` for its worker, published after `since` and not yet recorded
    for it: the job list's own selector (the keyword through the search index) with one more condition."""
    filters = filters_for(search.query)
    if filters is None:
        return []
    qs = job_selectors.job_list(viewer=search.worker, filters=filters).filter(published_at__gt=since)
    if job_ids is not None:
        qs = qs.filter(pk__in=list(job_ids))
    seen = AlertMatch.objects.filter(saved_search=search).values("job_id")
    return list(qs.exclude(pk__in=seen).order_by().values_list("pk", flat=True))


# --- bookmarks --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookmarkPage:
    open_cards: list[tuple[job_selectors.JobCard, int]]  # (card, job id) of jobs still taking proposals
    ended: list[Job]  # bookmarked jobs no longer taking proposals (closed, past their deadline, hidden)


def bookmark_page(worker: User) -> BookmarkPage:
    """Her bookmarks, newest first: the open ones as the job list's own cards (same query and card cache),
    the rest by title only."""
    ids = list(
        Bookmark.objects.filter(worker=worker).order_by("-created_at", "-pk").values_list("job_id", flat=True)
    )
    open_jobs = {j.pk: j for j in job_selectors.job_list(viewer=worker).filter(pk__in=ids)}
    ordered = [open_jobs[i] for i in ids if i in open_jobs]
    cards = job_selectors.job_cards(ordered, verified_ids=verified_user_ids({j.client_id for j in ordered}))
    ended = list(Job.objects.filter(pk__in=[i for i in ids if i not in open_jobs]).only("pk", "title"))
    ended_by_id = {j.pk: j for j in ended}
    return BookmarkPage(
        open_cards=list(zip(cards, [j.pk for j in ordered], strict=True)),
        ended=[ended_by_id[i] for i in ids if i in ended_by_id],
    )


@dataclass(frozen=True)
class BookmarkRow:
    job_id: int
    title: str
    open: bool  # still in her job list (taking proposals, not hidden from her)
    created_at: dt.datetime


def bookmark_rows(worker: User, *, job_ids: list[int] | None = None) -> list[BookmarkRow]:
    """Her bookmarks (of these jobs), newest first, each saying whether the job is still open for her."""
    mine = Bookmark.objects.filter(worker=worker)
    if job_ids is not None:
        mine = mine.filter(job_id__in=job_ids)
    marks = list(mine.order_by("-created_at", "-pk").values_list("job_id", "job__title", "created_at"))
    ids = [job_id for job_id, _title, _at in marks]
    still_open = set(job_selectors.job_list(viewer=worker).filter(pk__in=ids).values_list("pk", flat=True))
    return [BookmarkRow(job_id, title, job_id in still_open, at) for job_id, title, at in marks]


def has_bookmark(worker: User, job_id: int) -> bool:
    return Bookmark.objects.filter(worker=worker, job_id=job_id).exists()
