from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "congdong.core"
    label = "core"
    verbose_name = "congdong"
