from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public site's composition: pages that put several apps' parts together (the home
    page today), above every app whose parts they show (docs/architecture.md)."""

    name = "congdong.site"
    label = "site"
    verbose_name = "congdong site"
