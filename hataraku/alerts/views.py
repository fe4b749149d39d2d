"""Saved searches, bookmarks, and the unsubscribe pages of alert e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required
from hataraku.messaging.notifications import preference_for
from hataraku.profiles.selectors import quiet_hours_for

from . import selectors, services
from .bookmarks import toggle_html
from .forms import NewSavedSearchForm, SavedSearchForm


def _settings_context(request: AuthedRequest) -> dict[str, object]:
    """Her quiet hours and digest hour, said beside the alert choices (set on their own pages)."""
    _mode, hour = preference_for(request.user)
    return {"quiet_hours": quiet_hours_for(request.user), "digest_hour": hour}


@role_required("worker")
def saved_searches(request: AuthedRequest) -> HttpResponse:
    return render(request, "alerts/saved_searches.html", {"rows": selectors.saved_search_rows(request.user)})


@role_required("worker")
def saved_search_new(request: AuthedRequest) -> HttpResponse:
    """GET: the form, for the job list's current search (its query string arrives as this page's own).
    POST: save it."""
    if request.method == "POST":
        form = NewSavedSearchForm(request.POST)
        query = selectors.canonical_query(QueryDict(request.POST.get("query", "")))
    else:
        query = selectors.canonical_query(request.GET)
        form = NewSavedSearchForm(
            initial={"query": query or "", "name": _suggested_name(request), "alert_in_app": True}
        )
    if request.method == "POST" and form.is_valid():
        try:
            if query is None:
                raise DomainError(
                    _("この検索条件は保存できません。仕事をさがすページで条件を選び直してください。")
                )
            search = services.saved_search_create(
                worker=request.user,
                name=form.cleaned_data["name"],
                query=query,
                alerts_on=form.cleaned_data["alerts_on"],
                alert_in_app=form.cleaned_data["alert_in_app"],
                alert_email=form.cleaned_data["alert_email"],
                frequency=form.cleaned_data["frequency"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("検索条件「%(name)s」を保存しました。") % {"name": search.name})
            return redirect("alerts:saved_searches")
    return render(
        request,
        "alerts/saved_search_new.html",
        {
            "form": form,
            "conditions": selectors.describe(query) if query is not None else None,
            "results_url": selectors.results_url(query or ""),
            **_settings_context(request),
        },
    )


def _suggested_name(request: AuthedRequest) -> str:
    words = (request.GET.get("q") or "").strip()
    return words[:40] if words else _("新しい検索条件")


@role_required("worker")
def saved_search(request: AuthedRequest, saved_search_id: int) -> HttpResponse:
    """Rename it, and choose whether and how it alerts."""
    search = selectors.access_saved_search(request.user, saved_search_id)
    form = SavedSearchForm(request.POST or None, initial=SavedSearchForm.initial_from(search))
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_update(search=search, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("検索条件を保存しました。"))
            return redirect("alerts:saved_searches")
    return render(
        request,
        "alerts/saved_search.html",
        {
            "search": search,
            "form": form,
            "conditions": selectors.describe(search.query),
            "results_url": selectors.results_url(search.query),
            **_settings_context(request),
        },
    )


@role_required("worker")
def saved_search_delete(request: AuthedRequest, saved_search_id: int) -> HttpResponse:
    """GET: ask; POST: delete."""
    search = selectors.access_saved_search(request.user, saved_search_id)
    if request.method == "POST":
        services.saved_search_delete(search=search, actor=request.user)
        messages.success(request, _("検索条件「%(name)s」を削除しました。") % {"name": search.name})
        return redirect("alerts:saved_searches")
    return render(request, "alerts/saved_search_delete.html", {"search": search})


@role_required("worker")
def bookmarks(request: AuthedRequest) -> HttpResponse:
    page = selectors.bookmark_page(request.user)
    return render(
        request,
        "alerts/bookmarks.html",
        {
            "open_cards": [
                (card, toggle_html(request, job_id=pk, title=card.title, on=True))
                for card, pk in page.open_cards
            ],
            "ended": [
                (job, toggle_html(request, job_id=job.pk, title=job.title, on=True)) for job in page.ended
            ],
        },
    )


@role_required("worker")
@require_POST
def bookmark(request: AuthedRequest, job_id: int) -> HttpResponse:
    """☆ on or off. With htmx the toggle alone comes back; without, the page she was on, at this job."""
    on = request.POST.get("on") == "1"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith(
        "/"
    ):
        back = ""
    try:
        now_on = services.bookmark_set(worker=request.user, job_id=job_id, on=on)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
        return redirect(back or "alerts:bookmarks")
    if request.headers.get("HX-Request") == "true":
        title = request.POST.get("title", "")[:200]
        return HttpResponse(toggle_html(request, job_id=job_id, title=title, on=now_on, next_url=back))
    messages.success(
        request, _("「あとで見る」に保存しました。") if now_on else _("「あとで見る」から外しました。")
    )
    return redirect(f"{back}#bookmark-{job_id}" if back else "alerts:bookmarks")


# --- unsubscribe: no log-in, the signed token is the proof; a GET never writes ----------------------------


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/unsubscribe_invalid.html", status=400)


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every alert e-mail: GET shows one button 「配信を止める」, its POST stops the e-mails."""
    search = services.search_for_token(token)
    if search is None:
        return _refused(request)
    if request.method == "POST":
        search = services.alert_email_stop(search=search, via="link")
        return render(request, "alerts/unsubscribe.html", {"search": search, "done": True, "token": token})
    return render(request, "alerts/unsubscribe.html", {"search": search, "done": False, "token": token})


@csrf_exempt  # RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" with no cookie; the signature is the proof
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """The `List-Unsubscribe` address: a POST stops the e-mails without a page. A GET (a person who opened
    the address) shows the page with the button and changes nothing."""
    search = services.search_for_token(token)
    if request.method != "POST":
        if search is None:
            return _refused(request)
        return render(request, "alerts/unsubscribe.html", {"search": search, "done": False, "token": token})
    if search is None:
        return HttpResponse(
            _("このリンクは使えません。"), status=400, content_type="text/plain; charset=utf-8"
        )
    services.alert_email_stop(search=search, via="one_click")
    return HttpResponse(_("配信を止めました。"), content_type="text/plain; charset=utf-8")
