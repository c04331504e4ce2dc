from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownConfig(AppConfig):
    name = "congdong.takedown"
    label = "takedown"
    verbose_name = _("Authority takedown requests")

    def ready(self) -> None:
        from congdong.takedown import notices  # noqa: F401  (registers its overdue sweep)
