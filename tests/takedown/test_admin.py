"""The Django admin lists takedown requests with their history for the superuser, read only."""

from __future__ import annotations

import pytest

from congdong.takedown.models import TakedownRequest
from tests.conftest import client_for
from tests.takedown.conftest import record

pytestmark = pytest.mark.django_db


def test_the_superuser_reads_requests_but_cannot_add_change_or_delete(world):
    item = record(world.commune_mod, world.comment)
    admin = client_for(world.people["admin"])
    assert item.reference in admin.get("/admin/takedown/takedownrequest/").content.decode()
    assert admin.get("/admin/takedown/takedownrequest/add/").status_code == 403
    assert admin.get(f"/admin/takedown/takedownrequest/{item.pk}/change/").status_code == 200
    admin.post(f"/admin/takedown/takedownrequest/{item.pk}/delete/", {"post": "yes"})
    assert TakedownRequest.objects.filter(pk=item.pk).exists()
