from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "congdong.core"
    label = "core"
    verbose_name = "congdong"

    def ready(self) -> None:
        from congdong.core import (
            private_files,  # noqa: F401 (registers its system check)
            security,  # noqa: F401 (connects the login receiver)
        )
