from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import ApiToken, Membership, MembershipChange, Organisation, User
from congdong.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are never deleted here: an account ends through the privacy erasure
    (congdong.privacy), which removes or anonymises each app's rows and keeps what the law
    keeps."""

    list_display = ["username", "full_name", "kind", "phone", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("congdong"),
            {"fields": ("kind", "full_name", "phone", "phone_verified_at", "date_of_birth")},
        ),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Read-only here: roles are granted in the workspace so every grant is checked and logged."""

    list_display = ["user", "role", "unit", "organisation", "granted_by", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__full_name", "unit__search_name"]
    list_select_related = ["user", "unit", "organisation", "granted_by"]


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "user", "role", "unit", "actor"]
    list_filter = ["action", "role"]
    list_select_related = ["user", "unit", "actor"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens of mobile apps: seen and revoked here, never made (the key is shown only once)."""

    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__full_name", "name"]
    readonly_fields = ["user", "name", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked (revoked_at), so its use stays explained in the logs
