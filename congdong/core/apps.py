from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "congdong.core"
    label = "core"
    verbose_name = "congdong"

    def ready(self) -> None:
        from congdong.core import checks, links, private_files, security  # noqa: F401
