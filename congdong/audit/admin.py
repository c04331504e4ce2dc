"""Read-only in the admin: the log is appended by the app and changed by no one."""

from __future__ import annotations

from django.contrib import admin

from congdong.audit.models import AuditEntry
from congdong.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "unit_name", "ip")
    list_filter = ("outcome", "via")
    search_fields = ("actor_name", "action", "object_text", "unit_name")
    date_hierarchy = "at"
