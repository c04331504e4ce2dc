from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin
from congdong.insights.models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Raw events, read only: they are what visitors did, not something to edit."""

    list_display = ("at", "kind", "page_id", "post_id", "user_id", "visitor")
    list_filter = ("kind",)
    search_fields = ("=page_id", "=post_id", "=user_id", "=visitor")
    ordering = ("-at",)
    # The table holds millions of rows: no full count under the list.
    show_full_result_count = False
