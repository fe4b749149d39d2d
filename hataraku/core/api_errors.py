"""The one shape of every error the JSON API answers, and the answers an operation declares for it, so the
OpenAPI schema tells the truth about every status an app's router can return."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every error of the API has this one shape; `detail` is a Japanese sentence for the person."""

    detail: str
    code: str


# Not signed in (django_auth answers 401).
ANONYMOUS = {401: ErrorOut}
# Signed in without the role the operation needs: answered as missing, like the pages do.
NOT_A_WORKER = {404: ErrorOut}
