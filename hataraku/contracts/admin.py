"""Read-mostly admin: statuses and money change only through services (state machines and the ledger),
so status fields are read-only here. What the parties write to each other (delivery messages and files,
reasons, notes, the terms text with their names) is private and not shown here at all (issue 7); staff
mediating a dispute read it on the staff dispute page."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    ContractTerms,
    Delivery,
    Dispute,
    HourlyWeek,
    Milestone,
    TimeEntry,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("order", "title", "amount", "due_date", "status", "escrow", "return_count")
    readonly_fields = ("status", "escrow", "return_count")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "client", "worker", "kind", "status", "total_amount", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "client__email", "worker__email")
    raw_id_fields = ("job", "proposal", "client", "worker")
    readonly_fields = ("status", "agreed_by_client_at", "agreed_by_worker_at", "completed_at", "offer_key")
    inlines = [MilestoneInline]


@admin.register(ContractTerms)
class ContractTermsAdmin(admin.ModelAdmin):
    list_display = ("contract", "version", "text_hash", "created_at")
    exclude = ("data", "text")
    readonly_fields = ("contract", "version", "text_hash", "created_at", "change_request")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("contract", "proposed_by", "status", "created_at")
    list_filter = ("status",)
    exclude = ("reason",)
    raw_id_fields = ("contract", "proposed_by", "responded_by")
    readonly_fields = ("status",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("contract", "order", "title", "amount", "due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("contract", "escrow")
    readonly_fields = ("status", "escrow", "return_count", "delivered_at", "accepted_at", "released_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("milestone", "delivered_by", "created_at", "returned_at")
    exclude = ("message", "return_reason")
    raw_id_fields = ("milestone", "delivered_by")


@admin.register(HourlyWeek)
class HourlyWeekAdmin(admin.ModelAdmin):
    list_display = ("contract", "week_start", "status", "billed_minutes", "billed_amount")
    list_filter = ("status",)
    exclude = ("correction_note",)  # the client's words to the worker: private
    raw_id_fields = ("contract", "escrow")
    # Status, submission and minutes move only through the services (the client's consent, the clock).
    readonly_fields = (
        "status",
        "submitted_at",
        "correction_count",
        "escrow",
        "billed_minutes",
        "billed_amount",
        "released_at",
    )


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("week", "work_date", "minutes")
    exclude = ("memo",)
    raw_id_fields = ("week",)
    # Logged time changes only through a correction the client accepts (services.time_correction_answer).
    readonly_fields = ("week", "work_date", "minutes")


@admin.register(AccommodationRequest)
class AccommodationRequestAdmin(admin.ModelAdmin):
    list_display = ("contract", "kind", "status", "answer_due_at")
    list_filter = ("status", "kind")
    # The reason (要配慮個人情報) lives in profiles.SensitiveNote, which is in no admin; even the link is
    # left out, since "a reason was given" is more than staff need here.
    exclude = ("sensitive_reason", "answer_message")
    raw_id_fields = ("contract", "milestone", "requested_by", "answered_by")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("contract", "milestone", "week", "status", "created_at")
    list_filter = ("status",)
    exclude = ("reason", "decision_note")
    raw_id_fields = ("contract", "milestone", "week", "opened_by", "decided_by")
    readonly_fields = ("status", "worker_amount", "client_amount", "decided_by", "decided_at")
