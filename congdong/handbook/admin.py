from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdong.handbook.models import (
    BoardPost,
    BoardReply,
    BoardTransition,
    HandbookPage,
    HandbookRevision,
)

# Read-only: every change goes through congdong.handbook.actions (new revisions, decisions
# recorded as transitions), so the admin only shows the rows.


class RevisionInline(ReadOnlyInline):
    model = HandbookRevision
    fields = ["number", "title", "note", "author", "created_at", "state", "decided_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(HandbookPage)
class HandbookPageAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "kind", "order", "updated_at"]
    list_filter = ["kind"]
    inlines = [RevisionInline]


@admin.register(HandbookRevision)
class HandbookRevisionAdmin(ReadOnlyAdmin):
    list_display = ["page", "number", "author", "created_at", "state", "decided_by"]
    list_select_related = ["page", "author", "decided_by"]
    list_filter = ["state"]


class ReplyInline(ReadOnlyInline):
    model = BoardReply
    readonly_fields = ["author", "unit", "body", "created_at"]


class TransitionInline(ReadOnlyInline):
    model = BoardTransition
    readonly_fields = ["from_state", "to_state", "actor", "unit", "reason", "at"]


@admin.register(BoardPost)
class BoardPostAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "unit", "author", "state", "created_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["unit", "author"]
    search_fields = ["title", "body"]
    raw_id_fields = ["unit", "author", "decided_by"]
    inlines = [ReplyInline, TransitionInline]
