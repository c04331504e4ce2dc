from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "congdong.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from congdong import events
        from congdong.audit.labels import register_reader
        from congdong.channels import figures as channel_figures
        from congdong.insights import channel_import, ingest
        from congdong.insights.exports.jobs import kind_label

        # The audit log keeps an export's kind ("dashboard"); it shows the report's name.
        register_reader("export", kind_label)
        # Recorded events are stored here: the apps that record stand below insights.
        events.sink = events.Sink(store=ingest.store, drain=ingest.drain_stream)
        # `congdong channels import` runs the figures import, which stores insights' figures.
        channel_figures.import_link = channel_import.import_link
