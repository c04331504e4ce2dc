from django.contrib import admin

from congdong.campaigns.models import Campaign, CampaignTarget, CampaignTransition
from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline


class CampaignTransitionInline(ReadOnlyInline):
    model = CampaignTransition
    readonly_fields = ["from_state", "to_state", "actor", "reason", "at"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Read-only here: launching fans out to thousands of pages and goes through actions.py."""

    list_display = ["__str__", "unit", "mode", "status", "deadline", "launched_at"]
    list_filter = ["mode", "status"]
    list_select_related = ["source_post", "unit"]
    raw_id_fields = ["source_post", "unit", "created_by", "launched_by"]
    readonly_fields = ["status", "launched_by", "launched_at"]
    inlines = [CampaignTransitionInline]


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ReadOnlyAdmin):
    """Read-only: a target follows its copy (posts) and the overdue sweep."""

    list_display = ["campaign", "page", "level", "status", "published_at"]
    list_filter = ["status", "level"]
    list_select_related = ["campaign__source_post", "page"]
    raw_id_fields = ["campaign", "page", "unit", "copy", "completed_by"]
    readonly_fields = ["status", "published_at", "overdue_at", "completed_by"]
