"""Message bodies, attachments and notification texts are private between the people concerned: the
Django admin shows who wrote to whom and when, never what (issue 7)."""

from __future__ import annotations

from django.contrib import admin

from .models import Message, Notification, NotificationPreference, Thread, ThreadRead


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "display_title", "created_at", "read_at", "email_due_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("user__email", "title", "code")
    # The parameters carry the words of the body (names, job titles), so they stay hidden like it.
    exclude = ("body", "params")
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_mode", "digest_hour")
    raw_id_fields = ("user",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("thread", "sender", "created_at")
    exclude = ("body",)
    raw_id_fields = ("thread", "sender")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "proposal", "contract", "last_message_at")
    raw_id_fields = ("proposal", "contract", "participants")


@admin.register(ThreadRead)
class ThreadReadAdmin(admin.ModelAdmin):
    list_display = ("thread", "user", "last_read_at")
    raw_id_fields = ("thread", "user")
