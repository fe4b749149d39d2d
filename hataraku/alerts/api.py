"""The signed-in worker's saved searches and bookmarks as JSON (`/api/me/saved-searches`, `/api/me/bookmarks`).

The same rules as the pages, by the same code: the page's forms check what she sends (name, alert choices,
their limits), the job list's own form checks the query string (`selectors.canonical_query`, `filters_for`),
and every write is one of the services the pages call. Session auth (`django_auth`), which checks the CSRF
token on every unsafe method, as the other routers do. Another worker's saved search, or a missing one, is
404 alike; so is a bookmark she does not have, or a job she may not read."""

from __future__ import annotations

from typing import Annotated, Any

from django import forms
from django.http import HttpRequest, QueryDict
from ninja import Path, Router, Status
from ninja.security import django_auth

from hataraku.accounts.models import User
from hataraku.core.api_errors import ANONYMOUS, ErrorOut
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.permissions import has_role
from hataraku.matching.filters import filter_errors, form_errors

from . import selectors, services
from .forms import NewSavedSearchForm, SavedSearchForm
from .models import SavedSearch
from .schemas import BookmarkOut, SavedSearchIn, SavedSearchOut, SavedSearchPatch

router = Router(auth=django_auth, tags=["saved searches and bookmarks"])

# 404: not a worker, or not hers; 422: a value the page's form or the job list's form refuses, or a limit.
READ = {**ANONYMOUS, 404: ErrorOut}
WRITE = {**ANONYMOUS, 404: ErrorOut, 422: ErrorOut}
# 400: a body that is not JSON.
WITH_BODY = {**WRITE, 400: ErrorOut}
# Ids are database integers: a larger number is refused as input (422), never sent to the database.
Id = Annotated[int, Path(..., ge=1, le=2**63 - 1)]


def _worker(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not has_role(user, "worker"):
        raise NotFound()
    return user


def _refused(form: forms.Form) -> DomainError:
    """The page form's own messages, each with its field's label, as one 422."""
    return DomainError(form_errors(form))


def _bookmark_out(row: selectors.BookmarkRow) -> BookmarkOut:
    return BookmarkOut(job_id=row.job_id, title=row.title, open=row.open, created_at=row.created_at)


def _out(search: SavedSearch) -> SavedSearchOut:
    conditions = selectors.describe(search.query)
    return SavedSearchOut(
        id=search.pk,
        name=search.name,
        query=search.query,
        conditions=conditions,
        valid=conditions is not None,
        results_url=selectors.results_url(search.query),
        alerts_on=search.alerts_on,
        alert_in_app=search.alert_in_app,
        alert_email=search.alert_email,
        frequency=search.frequency,
        created_at=search.created_at,
        updated_at=search.updated_at,
    )


@router.get("/saved-searches", response={200: list[SavedSearchOut], **READ})
def saved_search_list(request: HttpRequest) -> list[SavedSearchOut]:
    """Her saved searches, oldest first (as the page lists them)."""
    return [_out(search) for search in selectors.saved_searches(_worker(request))]


@router.post("/saved-searches", response={201: SavedSearchOut, **WITH_BODY})
def saved_search_create(request: HttpRequest, body: SavedSearchIn) -> Status[Any]:
    """Save a /jobs/ query string under a name. Only the job list's own parameters are kept (a page number
    or anything unknown is dropped); a value the job list refuses is a 422 that names it."""
    worker = _worker(request)
    form = NewSavedSearchForm(body.model_dump())
    if not form.is_valid():
        raise _refused(form)
    data = QueryDict(body.query.removeprefix("?"))
    query = selectors.canonical_query(data)
    if query is None:
        raise DomainError(filter_errors(selectors.filter_form(data)))
    search = services.saved_search_create(
        worker=worker,
        name=form.cleaned_data["name"],
        query=query,
        alerts_on=form.cleaned_data["alerts_on"],
        alert_in_app=form.cleaned_data["alert_in_app"],
        alert_email=form.cleaned_data["alert_email"],
        frequency=form.cleaned_data["frequency"],
    )
    return Status(201, _out(search))


@router.get("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **READ, 422: ErrorOut})
def saved_search_get(request: HttpRequest, saved_search_id: Id) -> SavedSearchOut:
    return _out(selectors.access_saved_search(_worker(request), saved_search_id))


@router.patch("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **WITH_BODY})
def saved_search_change(request: HttpRequest, saved_search_id: Id, body: SavedSearchPatch) -> SavedSearchOut:
    """Rename it, turn its alerts on or off, choose in-app and/or e-mail and the frequency. Turning alerts
    on starts from now (no flood of jobs published while they were off)."""
    worker = _worker(request)
    search = selectors.access_saved_search(worker, saved_search_id)
    sent = body.model_dump(exclude_none=True)
    form = SavedSearchForm({**SavedSearchForm.initial_from(search), **sent})
    if not form.is_valid():
        raise _refused(form)
    return _out(services.saved_search_update(search=search, actor=worker, **form.cleaned_data))


@router.delete("/saved-searches/{saved_search_id}", response={204: None, **WRITE})
def saved_search_remove(request: HttpRequest, saved_search_id: Id) -> Status[None]:
    worker = _worker(request)
    services.saved_search_delete(search=selectors.access_saved_search(worker, saved_search_id), actor=worker)
    return Status(204, None)


@router.get("/bookmarks", response={200: list[BookmarkOut], **READ})
def bookmark_list(request: HttpRequest) -> list[BookmarkOut]:
    """Her ☆ 「あとで見る」, newest first; `open` says whether the job still takes proposals."""
    return [_bookmark_out(row) for row in selectors.bookmark_rows(_worker(request))]


@router.put("/bookmarks/{job_id}", response={200: BookmarkOut, **WRITE})
def bookmark_add(request: HttpRequest, job_id: Id) -> BookmarkOut:
    """Keep a job she may read (again is the same: one bookmark per job). 422 past the page's limit."""
    worker = _worker(request)
    services.bookmark_set(worker=worker, job_id=job_id, on=True)
    (row,) = selectors.bookmark_rows(worker, job_ids=[job_id])
    return _bookmark_out(row)


@router.delete("/bookmarks/{job_id}", response={204: None, **WRITE})
def bookmark_remove(request: HttpRequest, job_id: Id) -> Status[None]:
    """Take a bookmark off (also of a job that has closed since). 404 when she has none for that job."""
    worker = _worker(request)
    if not selectors.has_bookmark(worker, job_id):
        raise NotFound()
    services.bookmark_set(worker=worker, job_id=job_id, on=False)
    return Status(204, None)
