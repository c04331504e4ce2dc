from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "congdong.engagement"
    label = "engagement"
    verbose_name = _("Citizen engagement")

    def ready(self) -> None:
        from congdong.engagement import personal_data
        from congdong.engagement.actions import notifications
        from congdong.engagement.actions.notify import notify
        from congdong.engagement.models import NotificationKind
        from congdong.privacy import digest, notices

        # congdong.privacy stands below this app and imports nothing of it: it reaches the bell,
        # the digest settings, this app's part of a citizen's data (the copy, the erasure)
        # through the hooks filled here.
        def tell(recipients, kind: str, **about) -> int:
            return notify(recipients, NotificationKind(kind), **about)

        for kind in notices.KINDS:
            NotificationKind(kind)  # ValueError at start-up if a kind has no label here
        notices.connect(tell)
        digest.connect(
            digest.DigestSettings(
                check=notifications.check_settings,
                save=notifications.save_settings,
                stop=notifications.stop_digest,
            )
        )
        personal_data.connect()
