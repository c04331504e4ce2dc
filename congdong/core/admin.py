"""The admin of core's own rows, and the read-only bases the apps' admins share."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from congdong.core.models import CalendarDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """For superusers to look rows up that the app's write path alone adds and changes: nothing
    is added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent (a history, the reports on a case), never edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Extra days off and make-up working days; public holidays come from `holidays`."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
