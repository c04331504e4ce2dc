from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "congdong.campaigns"
    label = "campaigns"
    verbose_name = _("Publishing down the tree")

    def ready(self) -> None:
        from congdong.campaigns import overdue  # noqa: F401  (registers its overdue sweep)
