"""The site menu: one table of every page the header links to, grouped (work / money / account) and
filtered by role. The label here is the page's one name: its `<h1>`, `<title>` and every link to it use the
same words (core/tests/test_navigation.py checks the title).

To put a new page in the menu, add one `Item` to `MENU` in the right group. `url` is a URL name (resolved
once and cached, so base.html does no `{% url %}` per link); a name that does not resolve is left out
(a page still being built). `current` lists other view names that belong to this item (its detail pages),
so the item is marked while the person is on them. `roles` are the roles that see it ("any" for
every signed-in person).

The header renders `menu` (the groups this person sees) from `navigation()` below, a context processor that
is evaluated lazily: a template that never touches `menu` (an htmx partial) pays nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

WORKER, CLIENT, STAFF, MUNICIPAL, ANY = "worker", "client", "staff", "municipal", "any"


@dataclass(frozen=True)
class Item:
    label: Any  # a lazy translation
    url: str  # a URL name, e.g. "jobs:list"
    roles: frozenset[str]
    current: tuple[str, ...] = ()
    badge: str = ""  # name of a context value that holds an unread count ("unread_notifications")


@dataclass(frozen=True)
class Group:
    key: str
    label: Any  # shown as the group's heading; "" for the first, unlabelled group (home, messages)
    items: tuple[Item, ...] = field(default_factory=tuple)


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


# The menu. Order inside a group is the order on screen; keep each group short (≤ 6 per role).
MENU: tuple[Group, ...] = (
    Group(
        "home",
        "",
        (
            Item(_("ホーム"), "core:dashboard", _roles(ANY)),
            Item(
                _("お知らせ"),
                "messaging:notifications",
                _roles(ANY),
                ("messaging:notification_settings",),
                badge="unread_notifications",
            ),
            # Rendered by messaging/_nav_link.html (the thread page swaps it out of band through htmx).
            Item(_("メッセージ"), "messaging:inbox", _roles(WORKER, CLIENT, STAFF), ("messaging:thread",)),
        ),
    ),
    Group(
        "work",
        _("仕事"),
        (
            Item(_("仕事をさがす"), "jobs:list", _roles(WORKER), ("jobs:detail", "jobs:propose")),
            Item(_("あなたにできる仕事"), "matching:for_you", _roles(WORKER)),
            Item(
                _("保存した検索条件"),
                "alerts:saved_searches",
                _roles(WORKER),
                ("alerts:saved_search", "alerts:saved_search_new", "alerts:saved_search_delete"),
            ),
            Item(_("保存した仕事"), "alerts:bookmarks", _roles(WORKER)),
            Item(_("応募とスカウト"), "jobs:my_proposals", _roles(WORKER), ("jobs:proposal_detail",)),
            Item(_("依頼した仕事"), "jobs:client_jobs", _roles(CLIENT), ("jobs:job_proposals", "jobs:edit")),
            Item(_("仕事を依頼する"), "jobs:create", _roles(CLIENT)),
            Item(_("ワーカーをさがす"), "matching:workers", _roles(CLIENT)),
            Item(
                _("契約"),
                "contracts:list",
                _roles(WORKER, CLIENT),
                ("contracts:detail", "contracts:milestone"),
            ),
        ),
    ),
    Group(
        "staff",
        _("運営"),
        (
            Item(_("利用者をさがす"), "accounts:staff_people", _roles(STAFF), ("accounts:staff_person",)),
            Item(_("本人確認の審査"), "identity:staff_verifications", _roles(STAFF)),
            Item(_("運営への報告"), "accounts:staff_reports", _roles(STAFF), ("accounts:staff_report",)),
            Item(_("仲介中の紛争"), "contracts:staff_disputes", _roles(STAFF), ("contracts:staff_dispute",)),
            Item(_("監査ログ"), "core:audit_log", _roles(STAFF)),
        ),
    ),
    Group(
        "money",
        _("お金"),
        (
            Item(_("収入と出金"), "payments:earnings", _roles(WORKER), ("payments:payout_request",)),
            Item(_("振込先口座"), "payments:bank_account", _roles(WORKER)),
            Item(_("仮払いと入金"), "payments:funding", _roles(CLIENT), ("payments:funding_detail",)),
            Item(_("領収書"), "payments:receipt_list", _roles(CLIENT)),
            Item(_("銀行振込の入金確認"), "payments:staff_transfer_queue", _roles(STAFF)),
            Item(_("出金バッチ"), "payments:staff_batches", _roles(STAFF), ("payments:staff_batch_detail",)),
            Item(_("お金の全体"), "payments:staff", _roles(STAFF)),
        ),
    ),
    Group(
        "account",
        _("アカウント"),
        (
            Item(_("プロフィール"), "profiles:edit", _roles(WORKER)),
            Item(
                _("働ける時間帯"),
                "profiles:conditions",
                _roles(WORKER),
                ("profiles:exceptions", "profiles:preferences", "profiles:sensitive"),
            ),
            Item(_("表示と連絡を止めたクライアント"), "profiles:client_blocks", _roles(WORKER)),
            Item(_("アカウント設定"), "accounts:settings", _roles(ANY)),
        ),
    ),
)


@cache
def _url(name: str, prefix: str) -> str | None:
    """The path of a URL name, once per process (and script prefix); None while the page does not exist."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def user_roles(user: Any) -> frozenset[str]:
    roles = {ANY}
    if getattr(user, "is_worker", False):
        roles.add(WORKER)
    if getattr(user, "is_client", False):
        roles.add(CLIENT)
    if getattr(user, "is_staff", False):
        roles.add(STAFF)
    if getattr(user, "is_municipal_staff", False):
        roles.add(MUNICIPAL)
    return frozenset(roles)


def menu_for(user: Any, view_name: str = "", menu: Iterable[Group] = MENU) -> list[dict[str, Any]]:
    """The groups and links this person sees, each link with its path and whether it is the current page
    ("page") or the section the current page belongs to ("true", for aria-current)."""
    roles = user_roles(user)
    prefix = get_script_prefix()
    groups: list[dict[str, Any]] = []
    for group in menu:
        links = []
        for item in group.items:
            if not roles & item.roles:
                continue
            url = _url(item.url, prefix)
            if url is None:
                continue
            if view_name == item.url:
                current = "page"
            elif view_name in item.current:
                current = "true"
            else:
                current = ""
            links.append(
                {"label": item.label, "url": url, "current": current, "badge": item.badge, "key": item.url}
            )
        if links:
            groups.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "links": links,
                    "current": any(link["current"] for link in links),
                }
            )
    return groups


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `menu`, computed only when a template reads it, and `menu_key`: everything `menu`
    depends on (roles, page), so base.html can keep the rendered menu per key ({% cachefragment %})."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    return {
        "menu": SimpleLazyObject(lambda: menu_for(user, view_name)),
        "menu_key": (user_roles(user), view_name),
    }
