"""The service's name and its public address, for everything read away from the page: e-mails above all.

An e-mail never takes its links from the request that caused it: that host may be `127.0.0.1:8000`, an
internal name behind the proxy, or whatever a client put in its Host header. It takes them from
`settings.HATARAKU_SITE_URL` (the public https:// address in production, checked at start-up there).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

# The service's name, the same in every language (the header, page titles and e-mails say it so).
SITE_NAME = "Hataraku"


def site_url(path: str = "") -> str:
    """`path` (e.g. `reverse(...)`) on the public address; the bare address (without a slash) for ""."""
    return settings.HATARAKU_SITE_URL + path


def public_url(url: str) -> str:
    """The same page on the public address: an absolute URL a library built from the request's host keeps
    its path, query and fragment; a relative one gets the address in front."""
    if not url:
        return url
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    return site_url(path)


def site_context() -> dict[str, str]:
    """What every e-mail template reads to name the service and link to it."""
    return {"site_name": SITE_NAME, "site_url": settings.HATARAKU_SITE_URL, "site_domain": site_domain()}


def site_domain() -> str:
    return urlsplit(settings.HATARAKU_SITE_URL).netloc
