"""Read-only in the admin, for superusers to look things up: requests are recorded, acted on and
refused through `takedown.actions` only (the content hidden through its own write path, every
move a transition row), so nothing is added, changed or deleted here."""

from __future__ import annotations

from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdong.takedown.models import TakedownRequest, TakedownTransition


class TakedownTransitionInline(ReadOnlyInline):
    model = TakedownTransition
    fields = ["at", "from_state", "to_state", "actor", "reason"]


@admin.register(TakedownRequest)
class TakedownRequestAdmin(ReadOnlyAdmin):
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
