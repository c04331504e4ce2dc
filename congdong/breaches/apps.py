from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    name = "congdong.breaches"
    label = "breaches"
    verbose_name = _("Personal data breaches")

    def ready(self) -> None:
        # Registers its overdue sweep, and its cases for the shared casework screens.
        from congdong.breaches import alarms, queries  # noqa: F401
