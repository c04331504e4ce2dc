"""Read-only in the admin, for superusers to look things up: requests are recorded, acted on and
refused through `takedown.actions` only (the content hidden through its own write path, every
move a transition row), so nothing is added, changed or deleted here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from congdong.takedown.models import TakedownRequest, TakedownTransition


class TakedownTransitionInline(admin.TabularInline):
    model = TakedownTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "actor", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TakedownRequest)
class TakedownRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "authority",
        "unit",
        "target_kind",
        "state",
        "received_at",
        "due_at",
        "decided_at",
    ]
    list_filter = ["state", "target_kind"]
    search_fields = ["reference", "authority", "unit__search_name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit", "recorded_by", "decided_by"]
    date_hierarchy = "received_at"
    inlines = [TakedownTransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
