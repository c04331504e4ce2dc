"""Read-only in the admin: the log is appended by the app and changed by no one."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from congdong.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "unit_name", "ip")
    list_filter = ("outcome", "via")
    search_fields = ("actor_name", "action", "object_text", "unit_name")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
