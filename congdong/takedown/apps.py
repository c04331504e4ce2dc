from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownConfig(AppConfig):
    name = "congdong.takedown"
    label = "takedown"
    verbose_name = _("Authority takedown requests")

    def ready(self) -> None:
        # Registers its overdue sweep, and its cases for the shared casework screens.
        from congdong.takedown import notices, personal_data, queries  # noqa: F401

        personal_data.connect()
