from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "congdong.moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from congdong.engagement.actions.eligibility import add_check
        from congdong.moderation import personal_data
        from congdong.moderation.locks import check_not_locked

        personal_data.connect()
        # A locked account may not follow, react, comment or share (Decree 147/2024).
        add_check(check_not_locked)
