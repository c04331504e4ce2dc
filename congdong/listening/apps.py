from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "congdong.listening"
    label = "listening"
    verbose_name = _("Comments and messages from channels")

    def ready(self) -> None:
        from congdong.channels.queries import HEALTH_NOTES
        from congdong.listening.queries import refusal_lines

        if refusal_lines not in HEALTH_NOTES:
            HEALTH_NOTES.append(refusal_lines)
