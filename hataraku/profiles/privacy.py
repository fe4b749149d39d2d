"""Personal-data download and erasure for the profiles app (APPI Art. 33 disclosure, Art. 35 deletion)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hataraku.core.audit import audit_record

from .models import (
    AvailabilityWindow,
    ClientBlock,
    DateException,
    OnboardingChoice,
    SensitiveConsent,
    SensitiveNote,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: Any) -> dict[str, Any]:
    """Everything this app holds about the person, decrypted: it is their own download."""
    profile = WorkerProfile.objects.filter(user=user).first()
    conditions = WorkConditions.objects.filter(user=user).first()
    reasons = SensitiveReasons.objects.filter(user=user).first()
    return {
        "profile": None
        if profile is None
        else {
            "display_name": user.display_name,
            "prefecture": profile.prefecture,
            "municipality": profile.municipality,
            "skills": list(profile.skills),
            "bio": profile.bio,
            "portfolio_links": list(profile.portfolio_links),
            "qualifications": list(profile.qualifications),
            "invoice_number": profile.invoice_number,
        },
        "conditions": None
        if conditions is None
        else {
            "max_hours_per_week": conditions.max_hours_per_week,
            "min_block_minutes": conditions.min_block_minutes,
            "accepts_voice": conditions.accepts_voice,
            "accepts_video": conditions.accepts_video,
            "no_meetings": conditions.no_meetings,
            "quiet_start": _iso(conditions.quiet_start),
            "quiet_end": _iso(conditions.quiet_end),
            "accessibility_needs": list(conditions.accessibility_needs or []),
            "show_accessibility_publicly": conditions.show_accessibility_publicly,
        },
        "availability_windows": [
            {
                "weekday": w.weekday,
                "start": _iso(w.start),
                "end": _iso(w.end),
                "crosses_midnight": w.crosses_midnight,
            }
            for w in AvailabilityWindow.objects.filter(user=user).order_by("weekday", "start")
        ],
        "date_exceptions": [
            {"date": _iso(e.date), "kind": e.kind, "note": e.note}
            for e in DateException.objects.filter(user=user).order_by("date")
        ],
        "sensitive_reasons": None
        if reasons is None
        else {"categories": list(reasons.categories), "note": reasons.note},
        "sensitive_consents": [
            {
                "categories": list(c.categories),
                "given_at": _iso(c.given_at),
                "policy_version": c.policy_version,
                "status": c.status,
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in SensitiveConsent.objects.filter(user=user).order_by("given_at")
        ],
        "onboarding_skipped_at": _iso(
            OnboardingChoice.objects.filter(user=user).values_list("skipped_at", flat=True).first()
        ),
        "accommodation_reasons": [
            {"subject": n.subject, "category": n.category, "note": n.note, "created_at": _iso(n.created_at)}
            for n in SensitiveNote.objects.filter(user=user).order_by("created_at", "id")
        ],
        # Clients she hid or stopped: her own choices (the client's side holds nothing about them).
        "hidden_clients": [
            {"client_id": b.client_id, "kind": b.kind, "created_at": _iso(b.created_at)}
            for b in ClientBlock.objects.filter(worker=user).order_by("created_at", "id")
        ],
    }


def erase_user_data(user: Any) -> None:
    """Delete everything personal this app holds. Consent records go too: with the reasons erased and the
    account gone they would only keep personal data (the categories) without a purpose."""
    with transaction.atomic():
        SensitiveReasons.objects.filter(user=user).delete()
        SensitiveNote.objects.filter(user=user).delete()
        SensitiveConsent.objects.filter(user=user).delete()
        AvailabilityWindow.objects.filter(user=user).delete()
        DateException.objects.filter(user=user).delete()
        WorkConditions.objects.filter(user=user).delete()
        WorkerProfile.objects.filter(user=user).delete()
        OnboardingChoice.objects.filter(user=user).delete()
        # Her choices go with her account. Rows where she is the client go too: they name her only as
        # someone another worker chose not to hear from, and the account they protect against is gone.
        ClientBlock.objects.filter(worker=user).delete()
        ClientBlock.objects.filter(client=user).delete()
        audit_record(actor=None, action="profiles.erase", target=user)
