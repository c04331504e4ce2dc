from django.contrib import admin

from congdong.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdong.posts.models import (
    ApprovalRule,
    Category,
    ForbiddenPhrase,
    Post,
    PostTransition,
    Regulation,
)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "approval_level",
        "requires_source",
        "revision_needs_approval",
    ]
    show_change_link = True  # per-level approval rules are edited on the category's page


class ForbiddenPhraseInline(admin.TabularInline):
    model = ForbiddenPhrase
    extra = 1


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    """The regulation is data admins edit: categories, approval levels, phrases, limits."""

    list_display = ["version", "title", "effective_from", "is_active"]
    list_filter = ["is_active"]
    inlines = [CategoryInline, ForbiddenPhraseInline]


class ApprovalRuleInline(admin.TabularInline):
    model = ApprovalRule
    extra = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "regulation", "approval_level", "requires_source"]
    list_filter = ["regulation", "approval_level"]
    search_fields = ["name", "code"]
    inlines = [ApprovalRuleInline]


class TransitionInline(ReadOnlyInline):
    model = PostTransition
    readonly_fields = ["from_state", "to_state", "actor", "reason", "at"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    """Read-only: posts move through actions, where the regulation and history apply."""

    list_display = ["title", "page", "category", "state", "published_at"]
    list_filter = ["state", "category__regulation", "category"]
    search_fields = ["title", "page__name"]
    list_select_related = ["page", "category"]
    inlines = [TransitionInline]
