from __future__ import annotations

from django.contrib import admin

from .models import (
    AvailabilityWindow,
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
    # Accessibility needs are special-care information, decrypted only for the person herself.
    exclude = ("accessibility_needs",)
    raw_id_fields = ("user",)


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
    list_display = ("user", "weekday", "start", "end", "crosses_midnight")
    raw_id_fields = ("user",)


# DateException (its note, e.g. 「デイサービスがお休みの日」, is for the person alone), SensitiveConsent,
# SensitiveReasons and SensitiveNote are deliberately not in the admin: even "this person has consented to
# storing a health reason" is special-care information. Staff read reasons only through the audited staff
# view (profiles:staff_sensitive: a POST stating a purpose, which writes an audit row).
