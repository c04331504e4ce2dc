"""Who sees a breach: those protecting personal data at its unit or above; a sibling commune,
another province and roles without the right get 404 (its existence does not leak)."""

from __future__ import annotations

import pytest
from django.http import Http404

from congdong.breaches import queries
from tests.breaches.conftest import recorded
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_commune_and_the_province_above_see_it_others_never(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    for user in (world.commune_dpo, world.province_admin):
        assert queries.access_breach(user, item.pk) == item
        assert list(queries.to_handle(user)) == [item]
        assert client_for(user).get(f"/lam-viec/su-co-du-lieu/{item.pk}/").status_code == 200
    for user in (world.sibling_dpo, world.hanoi_admin, world.editor):
        with pytest.raises(Http404):
            queries.access_breach(user, item.pk)
        assert not queries.to_handle(user).exists()
        client = client_for(user)
        assert client.get(f"/lam-viec/su-co-du-lieu/{item.pk}/").status_code == 404
        assert client.get(f"/lam-viec/su-co-du-lieu/{item.pk}/thong-bao/").status_code == 404
        assert (
            client.post(
                f"/lam-viec/su-co-du-lieu/{item.pk}/dong/", {"note": "Đóng hộ đơn vị khác"}
            ).status_code
            == 404
        )
        assert client.get(f"/api/v1/breaches/{item.pk}").status_code == 404
        assert client.get("/api/v1/breaches").json()["count"] == 0


def test_a_commune_officer_never_sees_the_provinces_own_breach(world):
    item = recorded(world.province_admin, world.bac_ninh)
    with pytest.raises(Http404):
        queries.access_breach(world.commune_dpo, item.pk)
    assert not queries.to_handle(world.commune_dpo).exists()


def test_the_register_is_closed_to_roles_without_the_right(world):
    assert client_for(world.editor).get("/lam-viec/su-co-du-lieu/").status_code == 404
