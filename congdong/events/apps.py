from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Recording events (no models): the storage, insights, plugs itself in as `sink`."""

    name = "congdong.events"
    label = "events"
