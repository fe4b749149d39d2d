"""Read-mostly admin: statuses and money change only through services (state machines and the ledger),
so status fields are read-only here."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    ContractTerms,
    Delivery,
    DeliveryFile,
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
    readonly_fields = ("contract", "version", "data", "text", "text_hash", "created_at", "change_request")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("contract", "proposed_by", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("contract", "proposed_by", "responded_by")
    readonly_fields = ("status",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("contract", "order", "title", "amount", "due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("contract", "escrow")
    readonly_fields = ("status", "escrow", "return_count", "delivered_at", "accepted_at", "released_at")


class DeliveryFileInline(admin.TabularInline):
    model = DeliveryFile
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("milestone", "delivered_by", "created_at", "returned_at")
    raw_id_fields = ("milestone", "delivered_by")
    inlines = [DeliveryFileInline]


@admin.register(HourlyWeek)
class HourlyWeekAdmin(admin.ModelAdmin):
    list_display = ("contract", "week_start", "status", "billed_minutes", "billed_amount")
    list_filter = ("status",)
    raw_id_fields = ("contract", "escrow")
    readonly_fields = ("status", "escrow", "billed_minutes", "billed_amount", "released_at")


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("week", "work_date", "minutes", "memo")
    raw_id_fields = ("week",)


@admin.register(AccommodationRequest)
class AccommodationRequestAdmin(admin.ModelAdmin):
    list_display = ("contract", "kind", "status", "answer_due_at")
    list_filter = ("status", "kind")
    # The reason category may be health or caregiving (要配慮個人情報): not listed, filtered or shown here.
    exclude = ("reason", "note")
    raw_id_fields = ("contract", "milestone", "requested_by", "answered_by")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("contract", "milestone", "week", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("contract", "milestone", "week", "opened_by", "decided_by")
    readonly_fields = ("status", "worker_amount", "client_amount", "decided_by", "decided_at")
