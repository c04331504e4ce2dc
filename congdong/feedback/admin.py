from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin
from congdong.feedback.models import Category, FeedbackAccess

# Feedback items are not in the admin on purpose: political opinion is sensitive data (Decree
# 356/2025), read only by the officers handling an item, through views that check and log it.


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The list citizens choose from; retire a category by unticking `active`, never delete."""

    list_display = ["name", "slug", "active", "order"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FeedbackAccess)
class FeedbackAccessAdmin(ReadOnlyAdmin):
    """The log of readings of individual items (Decree 356/2025), for superusers to audit: read
    only — rows are added by `actions.log_access`, never here, and never changed or deleted."""

    list_display = ["at", "user", "kind", "feedback", "ip"]
    list_filter = ["kind", "at"]
    date_hierarchy = "at"
    search_fields = ["user__username", "feedback__code"]
    list_select_related = ["user", "feedback"]
    # Plain ids instead of select boxes of every user and item.
    raw_id_fields = ["user", "feedback"]
    readonly_fields = ["feedback", "user", "kind", "ip", "at"]
