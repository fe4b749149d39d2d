"""What the alerts app draws on the pages of jobs and matching, through `jobs.integrations`: the ☆
「あとで見る」 toggle beside each job card (the viewer's bookmarks in one compiled query, a small form per card
rendered outside the card cache) and the job list's 「この条件を保存」."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from hataraku.core import holes
from hataraku.core.compiled import arg, compiled
from hataraku.core.context_processors import request_token

from .models import Bookmark

TOGGLE_TEMPLATE = "alerts/_bookmark_toggle.html"


def bookmarked_ids(worker_id: int) -> set[int]:
    """Every job she bookmarked (at most MAX_BOOKMARKS), one indexed query whose SQL is built once per
    process (core/compiled.py): the only cost the job list pays for the toggles."""
    read = compiled(
        "alerts.bookmarked_ids", lambda: Bookmark.objects.filter(worker_id=arg(0)).values_list("job_id")
    )
    return {row[0] for row in read.rows(worker_id)}


# The toggle is drawn once per language and state with stand-ins, then filled per card with plain string
# replacement: rendering the template per card (two {% url %}, CSRF, translations) cost ≈ 1 ms a card,
# 20 ms on a page of 20 — more than the whole job list. The stand-ins cannot occur in the template's own text.
_JOB = 918_273_645  # a number, so the URL pattern <int:job_id> accepts it
# (core/holes.py: each stand-in has a random part per process, so no title or path can hold one.)
_TITLE, _NEXT, _CSRF = holes.stand_in("title"), holes.stand_in("next"), holes.stand_in("csrf")


@lru_cache(maxsize=16)
def _skeleton(language: str | None, on: bool) -> str:
    context = {"job_id": _JOB, "title": _TITLE, "on": on, "next": _NEXT, "csrf_token": _CSRF}
    return get_template(TOGGLE_TEMPLATE).render(context)


def _fill(skeleton: str, *, job_id: int, title: str, next_url: str) -> SafeString:
    # The id first (the skeleton holds only stand-ins then), the person-typed title and path last, escaped.
    html = skeleton.replace(str(_JOB), str(int(job_id)))
    # Safe: the template's own markup, with the id an int and every other value escaped just above.
    return mark_safe(html.replace(_TITLE, escape(title)).replace(_NEXT, escape(next_url)))  # noqa: S308


def toggle_html(request: Any, *, job_id: int, title: str, on: bool, next_url: str = "") -> str:
    """One toggle, with the request's CSRF token (the same markup as alerts/_bookmark_toggle.html)."""
    skeleton = _skeleton(get_language(), on).replace(_CSRF, escape(request_token(request)))
    return _fill(skeleton, job_id=job_id, title=title, next_url=next_url or request.get_full_path())


def card_toggles(request: Any, jobs: Sequence[tuple[int, str]]) -> Mapping[int, str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_worker", False):
        return {}
    saved = bookmarked_ids(user.pk)
    token = escape(request_token(request))
    language = get_language()
    here = escape(request.get_full_path())
    # Per card only the request's token and path are put in: the rest of each card's toggle is kept.
    return {
        job_id: mark_safe(  # noqa: S308 - kept markup (see _card_toggle) with the token and path escaped above
            _card_toggle(language, job_id in saved, job_id, title).replace(_CSRF, token).replace(_NEXT, here)
        )
        for job_id, title in jobs
    }


@lru_cache(maxsize=4096)
def _card_toggle(language: str | None, on: bool, job_id: int, title: str) -> str:
    """One card's toggle with its id and title in, the token and path still stand-ins (the key is every
    value it holds)."""
    html = _skeleton(language, on).replace(str(_JOB), str(int(job_id)))
    return html.replace(_TITLE, escape(title))


_QUERY = "\ue000query\ue000"


@lru_cache(maxsize=16)
def _save_link_skeleton(language: str | None) -> str:
    return get_template("alerts/_save_search_link.html").render({"query": _QUERY})


def list_actions(request: Any, query: str) -> str:
    """「この条件を保存」 under the job list's results, for a worker: the page's own query string goes along.
    Drawn once per language and filled per request, like the toggles (the job list is a hot page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_worker", False):
        return ""
    skeleton = _save_link_skeleton(get_language())
    if not query:
        skeleton = skeleton.replace("?" + _QUERY, "")
    # Safe: the template's own markup, with the query string escaped here.
    return mark_safe(skeleton.replace(_QUERY, escape(query)))  # noqa: S308
