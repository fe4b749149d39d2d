from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AvailabilityWindow,
    DateException,
    SensitiveConsent,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "prefecture", "municipality", "updated_at")
    search_fields = ("user__email", "user__display_name")
    raw_id_fields = ("user",)


@admin.register(WorkConditions)
class WorkConditionsAdmin(admin.ModelAdmin):
    list_display = ("user", "max_hours_per_week", "min_block_minutes", "updated_at")
    raw_id_fields = ("user",)


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
    list_display = ("user", "weekday", "start", "end", "crosses_midnight")
    raw_id_fields = ("user",)


@admin.register(DateException)
class DateExceptionAdmin(admin.ModelAdmin):
    list_display = ("user", "date", "kind")
    raw_id_fields = ("user",)


class _NoSensitiveContent(admin.ModelAdmin):
    """Staff may read sensitive reasons only through the audited staff view
    (profiles:staff_sensitive), so the admin shows that a row exists, never what it says, and never
    edits it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting goes through consent withdrawal (or account erasure), which audits it.
        return False


@admin.register(SensitiveConsent)
class SensitiveConsentAdmin(_NoSensitiveContent):
    list_display = ("user", "given_at", "policy_version", "status", "withdrawn_at")
    fields = ("user", "given_at", "policy_version", "status", "withdrawn_at")
    readonly_fields = fields


@admin.register(SensitiveReasons)
class SensitiveReasonsAdmin(_NoSensitiveContent):
    list_display = ("user", "created_at", "updated_at")
    fields = ("user", "created_at", "updated_at")
    readonly_fields = fields
