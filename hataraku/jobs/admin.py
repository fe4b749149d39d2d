"""What staff may see of jobs in the Django admin. A published job's text is public anyway; what people
write to each other (cover letters, decline messages, invitations) is not shown here (issue 7): it stays
between the people concerned. (Identity verification lives in the accounts app now.)"""

from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from hataraku.accounts.models import User

from . import services
from .models import (
    Category,
    Invitation,
    Job,
    JobMeeting,
    JobRevision,
    Proposal,
    ProposalMilestone,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "order", "requires_withholding")


class JobMeetingInline(admin.TabularInline):
    model = JobMeeting
    extra = 0


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "category", "pay_type", "status", "proposal_deadline")
    list_filter = ("status", "pay_type", "meeting_style")
    search_fields = ("title",)
    raw_id_fields = ("client",)
    inlines = [JobMeetingInline]

    # Deleting goes through the service, so it is audited and announced (`JobDeleted`). The admin's own
    # check already refuses a job that proposals point at (on_delete=PROTECT).
    def delete_model(self, request: HttpRequest, obj: Job) -> None:
        services.job_delete(job=obj, actor=cast(User, request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        for job in queryset:
            services.job_delete(job=job, actor=cast(User, request.user))


@admin.register(JobRevision)
class JobRevisionAdmin(admin.ModelAdmin):
    list_display = ("job", "number", "created_at")
    raw_id_fields = ("job", "edited_by")


class ProposalMilestoneInline(admin.TabularInline):
    model = ProposalMilestone
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("job", "worker", "amount", "status")
    list_filter = ("status",)
    exclude = ("message", "decline_message")
    raw_id_fields = ("job", "worker")
    inlines = [ProposalMilestoneInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("job", "worker", "created_at")
    exclude = ("message",)
    raw_id_fields = ("job", "worker")
