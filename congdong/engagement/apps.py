from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "congdong.engagement"
    label = "engagement"
    verbose_name = _("Citizen engagement")
