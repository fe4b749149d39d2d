"""The audit helper. Every state-changing service calls `audit_record` inside its own transaction, so the
audit row and the change commit (or roll back) together."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from . import clock
from .models import AuditEvent


class AuditOutsideTransaction(RuntimeError):
    pass


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    using: str = "default",
) -> AuditEvent:
    if not transaction.get_connection(using).in_atomic_block:
        raise AuditOutsideTransaction(
            f"audit_record({action!r}) must run inside the service's transaction.atomic block"
        )
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.using(using).create(
        occurred_at=clock.now(),
        actor=actor_obj,
        actor_label=(getattr(actor_obj, "email", "") or "system") if actor_obj else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
