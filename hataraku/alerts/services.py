"""Writes: saving, renaming and deleting a search and its alert settings, bookmarks, and stopping an
alert's e-mails from its signed link. Alert delivery (the clock's part) is in `delivery.py`."""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, NotFound
from hataraku.jobs import selectors as job_selectors

from . import selectors
from .constants import MAX_BOOKMARKS, MAX_QUERY_LENGTH, MAX_SAVED_SEARCHES, UNSUBSCRIBE_SALT, Frequency
from .models import AlertMatch, Bookmark, SavedSearch
from .schedule import due_for


def _check(
    *,
    name: str,
    query: str,
    alerts_on: bool,
    alert_in_app: bool,
    alert_email: bool,
    frequency: str,
    check_query: bool = True,
) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("名前を入力してください。"), field="name")
    limits.check_length(name, limit=limits.SAVED_SEARCH_NAME, field="name")
    if check_query and (len(query) > MAX_QUERY_LENGTH or selectors.filters_for(query) is None):
        raise DomainError(_("この検索条件は保存できません。仕事をさがすページで条件を選び直してください。"))
    if frequency not in Frequency.values:
        raise DomainError(_("知らせる頻度を選んでください。"), field="frequency")
    if alerts_on and not (alert_in_app or alert_email):
        raise DomainError(_("知らせる方法を1つ以上選んでください。"), field="alert_in_app")
    return name


def _lock_worker(worker: User) -> None:
    """Her own user row, locked: the one thing two of her requests at once both take before counting."""
    User.objects.select_for_update().filter(pk=worker.pk).values_list("pk", flat=True).first()


def _name_taken() -> DomainError:
    return DomainError(_("同じ名前の検索条件がすでにあります。別の名前にしてください。"), field="name")


def saved_search_create(
    *,
    worker: User,
    name: str,
    query: str,
    alerts_on: bool = False,
    alert_in_app: bool = True,
    alert_email: bool = False,
    frequency: str = Frequency.IMMEDIATE,
) -> SavedSearch:
    """Keep the job list's query string under a name she chose. Only jobs published from now on are news."""
    name = _check(
        name=name,
        query=query,
        alerts_on=alerts_on,
        alert_in_app=alert_in_app,
        alert_email=alert_email,
        frequency=frequency,
    )
    now = clock.now()
    try:
        with transaction.atomic():
            # The count is read under the worker's row lock, so two tabs cannot pass the limit together.
            _lock_worker(worker)
            if SavedSearch.objects.filter(worker=worker).count() >= MAX_SAVED_SEARCHES:
                raise DomainError(
                    _("保存できる検索条件は%(n)s件までです。使わなくなったものを削除してください。")
                    % {"n": MAX_SAVED_SEARCHES}
                )
            search = SavedSearch.objects.create(
                worker=worker,
                name=name,
                query=query,
                alerts_on=alerts_on,
                alert_in_app=alert_in_app,
                alert_email=alert_email,
                frequency=frequency,
                alerts_since=now,
                created_at=now,
                updated_at=now,
            )
            audit_record(
                actor=worker,
                action="alerts.search_saved",
                target=search,
                data={"alerts_on": alerts_on, "email": alert_email, "frequency": frequency},
            )
    except IntegrityError:
        raise _name_taken() from None
    return search


def saved_search_update(
    *,
    search: SavedSearch,
    actor: User,
    name: str,
    alerts_on: bool,
    alert_in_app: bool,
    alert_email: bool,
    frequency: str,
) -> SavedSearch:
    """Rename a saved search or change how it alerts. Turning alerts on starts from now (no flood of jobs
    published while they were off); alerts already found and not yet sent follow the new choice."""
    name = _check(
        name=name,
        query=search.query,
        alerts_on=alerts_on,
        alert_in_app=alert_in_app,
        alert_email=alert_email,
        frequency=frequency,
        # The query does not change here: a search the job list no longer accepts can still be renamed or
        # silenced; only its alerts cannot be kept on (they would find nothing).
        check_query=alerts_on,
    )
    now = clock.now()
    try:
        with transaction.atomic():
            locked = SavedSearch.objects.select_for_update().get(pk=search.pk, worker=actor)
            if alerts_on and not locked.alerts_on:
                locked.alerts_since = now
            frequency_changed = locked.frequency != frequency
            locked.name = name
            locked.alerts_on = alerts_on
            locked.alert_in_app = alert_in_app
            locked.alert_email = alert_email
            locked.frequency = frequency
            locked.updated_at = now
            locked.save()
            pending = AlertMatch.objects.filter(saved_search=locked, delivered_at__isnull=True)
            if not alerts_on:
                pending.delete()
            elif frequency_changed:
                pending.update(due_at=due_for(locked, now))
            audit_record(
                actor=actor,
                action="alerts.search_updated",
                target=locked,
                data={"alerts_on": alerts_on, "email": alert_email, "frequency": frequency},
            )
    except IntegrityError:
        raise _name_taken() from None
    return locked


def saved_search_delete(*, search: SavedSearch, actor: User) -> None:
    with transaction.atomic():
        deleted, _rows = SavedSearch.objects.filter(pk=search.pk, worker=actor).delete()
        if not deleted:
            raise NotFound()
        audit_record(
            actor=actor, action="alerts.search_deleted", target=None, data={"saved_search_id": search.pk}
        )


# --- bookmarks --------------------------------------------------------------------------------------------


def bookmark_set(*, worker: User, job_id: int, on: bool) -> bool:
    """☆ 「あとで見る」 on or off; returns whether the job is bookmarked now. Saving needs a job she may read
    (404 alike for one she may not); taking a bookmark off works even after the job closed."""
    with transaction.atomic():
        if not on:
            Bookmark.objects.filter(worker=worker, job_id=job_id).delete()
            audit_record(actor=worker, action="alerts.bookmark_removed", target=None, data={"job_id": job_id})
            return False
        job = job_selectors.access_job(worker, job_id)
        if Bookmark.objects.filter(worker=worker, job=job).exists():
            return True
        _lock_worker(worker)
        if Bookmark.objects.filter(worker=worker).count() >= MAX_BOOKMARKS:
            raise DomainError(
                _("保存できる仕事は%(n)s件までです。「保存した仕事」から、もう見ないものを外してください。")
                % {"n": MAX_BOOKMARKS}
            )
        try:
            with transaction.atomic():
                Bookmark.objects.create(worker=worker, job=job, created_at=clock.now())
        except IntegrityError:  # the same click arrived twice at once: the other one saved it
            return True
        audit_record(actor=worker, action="alerts.bookmark_added", target=job, data={})
        return True


# --- unsubscribe (no log-in: the signed link is the proof) ------------------------------------------------


def unsubscribe_token(search: SavedSearch) -> str:
    """The signed value in every alert e-mail's links: this saved search of this worker. Not time-limited,
    because an old e-mail's link must still stop the e-mails."""
    return signing.dumps({"s": search.pk, "u": search.worker_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def search_for_token(token: str) -> SavedSearch | None:
    """The saved search a token names, or None for a tampered, foreign or stale token (search deleted)."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("s"), int)
        or not isinstance(value.get("u"), int)
    ):
        return None
    return SavedSearch.objects.select_related("worker").filter(pk=value["s"], worker_id=value["u"]).first()


def alert_email_stop(*, search: SavedSearch, via: str) -> SavedSearch:
    """Stop this saved search's alert e-mails (the link's button, or a mail program's one-click POST).
    Idempotent: a second press changes nothing more. In-app notices stay as she set them."""
    with transaction.atomic():
        locked = SavedSearch.objects.select_for_update().get(pk=search.pk)
        if locked.alert_email:
            locked.alert_email = False
            if not locked.alert_in_app:
                locked.alerts_on = False
            locked.updated_at = clock.now()
            locked.save(update_fields=["alert_email", "alerts_on", "updated_at"])
            AlertMatch.objects.filter(saved_search=locked, emailed_at__isnull=True).update(email_due=False)
            audit_record(actor=locked.worker, action="alerts.email_stopped", target=locked, data={"via": via})
    return locked
