from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "congdong.syndication"
    label = "syndication"
    verbose_name = _("Publishing to channels")
