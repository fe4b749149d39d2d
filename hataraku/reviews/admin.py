"""Scores and dates only: the comment is shown to the people the review is for, not here (issue 7)."""

from __future__ import annotations

from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "contract",
        "reviewer",
        "reviewee",
        "skill",
        "quality",
        "schedule",
        "communication",
        "partnership",
        "submitted_at",
    )
    exclude = ("comment",)
    raw_id_fields = ("contract", "reviewer", "reviewee")
    search_fields = ("reviewer__email", "reviewee__email", "contract__title")
