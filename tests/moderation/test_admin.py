"""The Django admin lists cases, reports, locks and appeals for the superuser to look up, and
changes nothing: every write goes through moderation.actions."""

from __future__ import annotations

import pytest

from congdong.moderation import actions
from congdong.moderation.models import Case
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_superuser_reads_cases_but_cannot_add_change_or_delete(world, personas):
    actions.report(world.citizens[0], "comment", world.comment.pk, "abuse")
    case = actions.decide(world.commune_mod, Case.objects.get().pk, "remove", "Lời lẽ xúc phạm")
    admin = client_for(personas["admin"])
    for model in ("case", "report", "lock", "appeal"):
        assert admin.get(f"/admin/moderation/{model}/").status_code == 200
        assert admin.get(f"/admin/moderation/{model}/add/").status_code == 403
    page = admin.get(f"/admin/moderation/case/{case.pk}/change/")
    assert page.status_code == 200 and "Lời lẽ xúc phạm" in page.content.decode()
    admin.post(f"/admin/moderation/case/{case.pk}/delete/", {"post": "yes"})
    assert Case.objects.filter(pk=case.pk).exists()
    # Staff without the superuser flag do not get in.
    assert client_for(world.commune_mod).get("/admin/moderation/case/").status_code == 302
