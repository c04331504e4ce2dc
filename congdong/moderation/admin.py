"""Read-only in the admin, for superusers to look things up: reports, decisions, strikes, locks
and appeals are written by `moderation.actions` only (each decision recorded, the item hidden
or shown through its own write path), so nothing is added, changed or deleted here."""

from __future__ import annotations

from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdong.moderation.models import Appeal, Case, CaseTransition, Lock, Report


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["created_at", "reporter", "reason", "text"]


class CaseTransitionInline(ReadOnlyInline):
    model = CaseTransition
    fields = ["at", "from_state", "to_state", "actor", "reason"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["item_key", "unit", "author", "state", "reporters", "opened_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["item_key", "author__username", "author__full_name", "unit__search_name"]
    list_select_related = ["unit", "author"]
    raw_id_fields = ["post", "comment", "unit", "author", "decided_by"]
    date_hierarchy = "opened_at"
    inlines = [ReportInline, CaseTransitionInline]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item_key", "reporter", "reason", "case"]
    list_filter = ["reason"]
    search_fields = ["item_key", "reporter__username", "reporter__full_name"]
    list_select_related = ["reporter", "case"]
    raw_id_fields = ["case", "reporter"]
    date_hierarchy = "created_at"


@admin.register(Lock)
class LockAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "starts_at", "ends_at", "lifted_at", "reason"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__full_name", "user__phone"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "strike"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["case", "author", "state", "created_at", "decided_at", "decided_by"]
    list_filter = ["state"]
    search_fields = ["author__username", "author__full_name"]
    list_select_related = ["case", "author", "decided_by"]
    raw_id_fields = ["case", "author", "decided_by"]
