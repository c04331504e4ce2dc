"""Who sees a request: moderators and admins of the content's unit or above; everyone else 404,
through `access_takedown`, the web screens and the API alike."""

from __future__ import annotations

import pytest
from django.http import Http404

from congdong.takedown.queries import access_takedown, to_handle
from tests.conftest import client_for, post_json
from tests.engagement.conftest import published
from tests.takedown.conftest import record

pytestmark = pytest.mark.django_db

ALLOWED = ["commune_mod", "province_mod", "bacninh.quantri", "tw.quantri", "admin"]
REFUSED = ["sibling_mod", "hanoi_mod", "hanoi.quantri", "kinhbac.canbo", "bacninh.thongke"]


def person(world, name: str):
    return getattr(world, name, None) or world.people[name]


@pytest.mark.parametrize("who", ALLOWED)
def test_the_unit_and_every_unit_above_see_the_request(world, who):
    item = record(world.commune_mod, world.comment)
    user = person(world, who)
    assert access_takedown(user, item.pk) == item
    assert list(to_handle(user)) == [item]
    client = client_for(user)
    assert client.get(f"/lam-viec/yeu-cau-go-bo/{item.pk}/").status_code == 200
    assert client.get(f"/api/v1/takedown/requests/{item.pk}").status_code == 200


@pytest.mark.parametrize("who", REFUSED)
def test_a_sibling_commune_another_province_and_non_moderators_get_404(world, who):
    item = record(world.commune_mod, world.comment)
    user = person(world, who)
    with pytest.raises(Http404):
        access_takedown(user, item.pk)
    assert list(to_handle(user)) == []
    client = client_for(user)
    assert client.get(f"/lam-viec/yeu-cau-go-bo/{item.pk}/").status_code == 404
    assert client.get(f"/api/v1/takedown/requests/{item.pk}").status_code == 404
    act = post_json(client, f"/api/v1/takedown/requests/{item.pk}/act", {"note": "x" * 10})
    assert act.status_code == 404
    assert (
        client.post(
            f"/lam-viec/yeu-cau-go-bo/{item.pk}/tu-choi/", {"reason": "Không có căn cứ"}
        ).status_code
        == 404
    )


def test_each_commune_sees_its_own_requests_and_the_province_sees_both(world):
    ours = record(world.commune_mod, world.comment)
    other_post = published(world.sibling, title="Hội nghị tuyên truyền pháp luật ở xã")
    theirs = record(world.sibling_mod, other_post)
    assert list(to_handle(world.commune_mod)) == [ours]
    assert list(to_handle(world.sibling_mod)) == [theirs]
    assert set(to_handle(world.province_mod)) == {ours, theirs}
    assert list(to_handle(world.hanoi_mod)) == []
    listed = client_for(world.sibling_mod).get("/lam-viec/yeu-cau-go-bo/").content.decode()
    assert f'data-id="{theirs.pk}"' in listed and f'data-id="{ours.pk}"' not in listed


def test_people_who_handle_no_requests_get_404_on_the_list(world):
    for who in ("kinhbac.canbo", "bacninh.thongke"):
        client = client_for(world.people[who])
        assert client.get("/lam-viec/yeu-cau-go-bo/").status_code == 404
        assert client.get("/lam-viec/yeu-cau-go-bo/tiep-nhan/").status_code == 404
