from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdong.pages.models import Page, PageTransition


class TransitionInline(ReadOnlyInline):
    model = PageTransition
    readonly_fields = ["from_state", "to_state", "actor", "reason", "at"]


@admin.register(Page)
class PageAdmin(ReadOnlyAdmin):
    """Read-only: pages change through the workspace, where rules and history apply."""

    list_display = ["name", "status", "verified", "unit"]
    list_filter = ["status", "unit__structure", "unit__level"]
    search_fields = ["name", "slug", "unit__search_name"]
    list_select_related = ["unit"]
    inlines = [TransitionInline]
