from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "congdong.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from congdong.accounts.tokens import key_owner
        from congdong.core import security

        # The request limits count an API call against the account of its key (core asks
        # through this hook: plumbing imports no domain app).
        security.key_owner = key_owner
