"""Links and reports are readable in the Django admin, not changed there (linking checks the
platform, deciding a report moves its graph: both go through congdong.channels.actions); tokens
are not registered at all (a token never shows anywhere, sealed or not)."""

from django.contrib import admin

from congdong.channels.models import ChannelLink, FakeReport
from congdong.core.admin import ReadOnlyAdmin


@admin.register(ChannelLink)
class ChannelLinkAdmin(ReadOnlyAdmin):
    list_display = ("page", "kind", "name", "backlink_ok", "linked_at", "unlinked_at")
    list_filter = ("kind", "backlink_ok")
    search_fields = ("name", "url", "external_id", "page__name")
    raw_id_fields = ("page", "linked_by", "unlinked_by")
    readonly_fields = ("admin_verified_at", "backlink_checked_at", "tasks")


@admin.register(FakeReport)
class FakeReportAdmin(ReadOnlyAdmin):
    list_display = ("page", "url", "state", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("page", "reporter", "decided_by")
