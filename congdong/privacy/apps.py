from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "congdong.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        # Registers its overdue sweep, and its cases for the shared casework screens.
        from congdong.privacy import notices, queries  # noqa: F401
