"""Feedback files are personal data: never served by their media address, only by the
access-checked view."""

from __future__ import annotations

from django.test import Client

from tests.conftest import client_for
from tests.feedback.conftest import send
from tests.uploads import picture


def test_a_feedback_picture_is_not_served_by_its_media_address(people, units):
    item = send(people["an"], units.kinh_bac, files=[picture(name="nha-toi.png")])
    attachment = item.attachments.get()
    media_url = f"/media/{attachment.file.name}"
    assert Client().get(media_url).status_code == 404
    assert client_for(people["an"]).get(media_url).status_code == 404
    # The sender reads it through the view that checks who asks.
    own = client_for(people["an"]).get(f"/phan-anh/tep/{attachment.pk}/")
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
    assert client_for(people["binh"]).get(f"/phan-anh/tep/{attachment.pk}/").status_code == 404
