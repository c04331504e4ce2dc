from django.contrib import admin

from congdong.twofactor.models import Authenticator


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Seen, never edited: a system admin deletes the row to reset a staff member who lost
    both phone and recovery codes (they then set the app up again). The secret is not shown."""

    list_display = ("user", "created_at", "confirmed_at")
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
