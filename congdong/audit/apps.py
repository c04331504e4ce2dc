from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "congdong.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Django's own sign-in signals are the only way to see a login succeed or fail inside
        # LoginView; they write one audit row each and nothing else.
        from congdong.audit import logins  # noqa: F401
