from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "congdong.moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from congdong.moderation import personal_data

        personal_data.connect()
