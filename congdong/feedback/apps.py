from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "congdong.feedback"
    label = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        # Registers its overdue sweep, and its part of a citizen's data with congdong.privacy.
        from congdong.feedback import notices, personal_data  # noqa: F401

        personal_data.connect()
