from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownConfig(AppConfig):
    name = "congdong.takedown"
    label = "takedown"
    verbose_name = _("Authority takedown requests")
