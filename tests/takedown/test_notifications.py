"""When a takedown request removes content, the page's own staff (admins and editors of its unit,
operators of its page) are told in their bell; nobody else, not the person who acted, and
nobody for a refusal or a failed attempt."""

from __future__ import annotations

import pytest

from congdong.accounts.models import Organisation
from congdong.accounts.roles import Role
from congdong.engagement.models import Notification, NotificationKind
from congdong.pages.actions import OperatorGrant, do_add_operator
from tests.conftest import client_for
from tests.posts.conftest import grant
from tests.takedown.conftest import AUTHORITY, record

pytestmark = pytest.mark.django_db
LIST = "/lam-viec/yeu-cau-go-bo/"
ACTED = NotificationKind.TAKEDOWN_ACTED


def told(user) -> int:
    return Notification.objects.filter(recipient=user, kind=ACTED).count()


def test_acting_tells_the_pages_admins_editors_and_operators_only(
    world, django_capture_on_commit_callbacks
):
    kinh_bac = world.kinh_bac.unit
    admin = grant("kinhbac.quantri", kinh_bac, Role.UNIT_ADMIN)
    editor = world.people["kinhbac.canbo"]  # editor and feedback officer of Kinh Bắc
    youth = world.people["kinhbac.doanvien"]
    do_add_operator(
        None, OperatorGrant(world.kinh_bac, youth, Organisation.objects.get(code="doan"))
    )
    sibling_editor = grant("xakhac.bientap", world.sibling.unit, Role.EDITOR)
    item = record(world.commune_mod, world.comment)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.commune_mod).post(
            f"{LIST}{item.pk}/go-bo/", {"note": "Đã ẩn bình luận vi phạm."}
        )
    assert response.status_code == 302
    assert told(admin) == told(editor) == told(youth) == 1
    for outsider in (
        world.commune_mod,  # acted
        world.province_mod,
        world.people["bacninh.quantri"],  # the unit above sees the request in its list
        sibling_editor,
        world.author,
    ):
        assert told(outsider) == 0
    html = client_for(editor).get("/thong-bao/").content.decode()
    assert 'data-kind="takedown_acted"' in html
    assert AUTHORITY in html and item.reference in html


def test_a_refusal_or_a_repeated_act_tells_nobody(world, django_capture_on_commit_callbacks):
    editor = world.people["kinhbac.canbo"]
    item = record(world.commune_mod, world.comment)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.commune_mod).post(
            f"{LIST}{item.pk}/tu-choi/", {"reason": "Nội dung là góp ý hợp pháp của công dân."}
        )
        client_for(world.commune_mod).post(f"{LIST}{item.pk}/go-bo/", {"note": "Đã ẩn bình luận."})
    assert told(editor) == 0
