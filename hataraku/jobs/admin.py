"""What staff may see of jobs in the Django admin. A published job's text is public anyway; what people
write to each other (cover letters, decline messages, invitations) and identity documents are not shown
here (issue 7): they stay between the people concerned, and documents are reviewed only in the audited
staff view."""

from django.contrib import admin

from .models import (
    Category,
    IdentityVerification,
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


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    # The document itself is reviewed only through the audited staff view, never here; the reason given to
    # the person may describe the document, so it stays there too.
    list_display = ("user", "status", "created_at", "reviewed_at")
    list_filter = ("status",)
    exclude = ("document", "reason")
    raw_id_fields = ("user", "reviewed_by")
