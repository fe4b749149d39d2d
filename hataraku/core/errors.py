"""Domain errors. Services raise these; views turn them into a kind Japanese message or a 4xx."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the product was broken. `message` is shown to the person, so write it kindly."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **data: Any):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.data = data

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """Missing *or* forbidden: callers must not be able to tell the two apart."""

    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class Conflict(DomainError):
    code = "conflict"
