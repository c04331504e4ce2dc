from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    name = "congdong.breaches"
    label = "breaches"
    verbose_name = _("Personal data breaches")

    def ready(self) -> None:
        from congdong.breaches import alarms  # noqa: F401  (registers its overdue sweep)
