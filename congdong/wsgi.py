"""The WSGI app: Django, with the platforms' webhooks answered in front of its middleware
(congdong/listening/front.py: a signed event is checked and stored, nothing else)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
django_application = get_wsgi_application()

from congdong.listening.front import WebhookFront  # noqa: E402  (after Django is set up)

application = WebhookFront(django_application)
