"""Outside one's scope, every object answers the same way: a plain 404 that names neither the
object nor its page or category — posts, revisions, campaigns and their tasks, feedback,
takedown requests, breaches, data requests, pages' staff screens, units, memberships, comments,
on the web and in the API. Inside one's scope, a missing right is a 403 with its reason."""

from __future__ import annotations

import json

import pytest

from congdong.accounts.models import Membership
from congdong.accounts.roles import Role
from congdong.campaigns.models import CampaignMode, CampaignTarget
from congdong.engagement.actions import comments as comment_actions
from congdong.posts import actions
from congdong.posts.models import Post
from tests.campaigns.conftest import launched
from tests.conftest import client_for
from tests.engagement.conftest import citizen
from tests.posts.conftest import approved, grant, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1"
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
TITLE = "Kế hoạch vận động ủng hộ đồng bào vùng lũ phường Kinh Bắc"
CATEGORY = "Hoạt động của Mặt trận"
OUTSIDER = "hanoi.quantri"  # admin of Hà Nội: every right, on another province


@pytest.fixture
def bac_ninh(personas, tree, central_approver) -> dict[str, object]:
    """Objects of Bắc Ninh and phường Kinh Bắc, each with its id for the routes below."""
    from tests.breaches.conftest import recorded
    from tests.feedback.conftest import send

    editor = personas["kinhbac.canbo"]
    draft = submitted(editor, tree.kinh_bac, title=TITLE)
    province_editor = grant("bacninh.bientap", tree.bac_ninh.unit, Role.EDITOR)
    source = approved(province_editor, personas["bacninh.quantri"], tree.bac_ninh)
    Post.objects.filter(pk=source.pk).update(title=TITLE)
    campaign = launched(
        province_editor, personas["bacninh.quantri"], source, CampaignMode.RESHARE_TASK
    )
    target = CampaignTarget.objects.filter(campaign=campaign).first()
    public = actions.publish_or_schedule(
        editor, approved(editor, personas["bacninh.quantri"], tree.kinh_bac).pk
    )
    comment = comment_actions.comment(citizen("+84900000011", "Lê Văn Viết"), public.pk, TITLE)
    feedback = send(citizen("+84900000012", "Trần Thị Gửi"), tree.kinh_bac.unit, text=TITLE)
    breach = recorded(personas["bacninh.quantri"], tree.bac_ninh.unit, description=TITLE * 2)
    return {
        "post": draft.pk,
        "campaign": campaign.pk,
        "target": target.pk,
        "page": tree.kinh_bac.pk,
        "unit": tree.kinh_bac.unit_id,
        "membership": Membership.objects.filter(user=editor).first().pk,
        "comment": comment.pk,
        "feedback": feedback.pk,
        "breach": breach.pk,
        "operator": 0,
    }


# (how, path[, API body]): every staff-side route of an object; {kind} is filled from the
# fixture. API bodies are well formed, so that only the scope decides the answer.
ROUTES = [
    ("get", "/lam-viec/tin-bai/{post}/"),
    ("post", "/lam-viec/tin-bai/{post}/chuyen/"),
    ("post", "/lam-viec/tin-bai/{post}/dang/"),
    ("post", "/lam-viec/tin-bai/{post}/sua-doi/"),
    ("post", "/lam-viec/tin-bai/{post}/tep/"),
    ("post", "/lam-viec/duyet-tin/{post}/duyet/"),
    ("post", "/lam-viec/duyet-tin/{post}/tra-lai/"),
    ("api-get", "/posts/{post}/history"),
    ("api-put", "/posts/{post}", {"category": "hoat-dong-mat-tran", "title": "Tin khác"}),
    ("api-post", "/posts/{post}/transitions", {"to": "approved"}),
    ("get", "/lam-viec/chien-dich/{campaign}/"),
    ("post", "/lam-viec/chien-dich/{campaign}/phat-dong/"),
    ("post", "/lam-viec/chien-dich/{campaign}/ket-thuc/"),
    ("api-get", "/campaigns/{campaign}"),
    ("api-post", "/campaigns/{campaign}/launch"),
    ("post", "/lam-viec/chien-dich/nhiem-vu/{target}/chia-se/"),
    ("api-post", "/campaign-tasks/{target}/reshare"),
    ("get", "/lam-viec/trang/{page}/"),
    ("post", "/lam-viec/trang/{page}/trang-thai/"),
    ("get", "/lam-viec/trang/{page}/xem-truoc/"),
    ("post", "/lam-viec/trang/{page}/hinh-anh/"),
    ("post", "/lam-viec/trang/{page}/dong-quan-tri/"),
    ("api-post", "/pages/{page}/status", {"status": "paused", "reason": "Tạm dừng để rà soát"}),
    ("api-put", "/pages/{page}/profile", {"name": "Trang khác"}),
    ("api-post", "/pages/{page}/operators", {"username": "hanoi.quantri"}),
    ("get", "/lam-viec/don-vi/{unit}/"),
    ("post", "/lam-viec/don-vi/{unit}/cap-quyen/"),
    ("post", "/lam-viec/don-vi/{unit}/lap-trang/"),
    ("get", "/lam-viec/thong-ke/{unit}/"),
    ("get", "/lam-viec/tinh-hinh-nhan-dan/{unit}/"),
    ("api-get", "/insights/units/{unit}/figures"),
    ("api-get", "/feedback/situation/{unit}"),
    ("post", "/lam-viec/vai-tro/{membership}/thu-hoi/"),
    ("api-delete", "/memberships/{membership}"),
    ("post", "/binh-luan/{comment}/an/"),
    ("get", "/lam-viec/phan-anh/{feedback}/"),
    ("api-get", "/feedback/to-handle/{feedback}"),
    ("api-post", "/feedback/to-handle/{feedback}/accept"),
    ("get", "/lam-viec/su-co-du-lieu/{breach}/"),
    ("post", "/lam-viec/su-co-du-lieu/{breach}/dong/"),
    ("api-get", "/breaches/{breach}"),
]


def call(client, how: str, path: str, data: dict | None = None):
    if how == "get":
        return client.get(path, **VI)
    if how == "post":
        return client.post(path, {}, **VI)
    method = how.removeprefix("api-")
    if method == "get":
        return client.get(API + path, **VI)
    body = json.dumps(data or {})
    return getattr(client, method)(API + path, body, content_type="application/json", **VI)


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_another_provinces_object_answers_a_plain_404(personas, bac_ninh, route):
    how, path, *data = route
    client = client_for(personas[OUTSIDER])
    response = call(client, how, path.format(**bac_ninh), *data)
    assert response.status_code == 404, response.content.decode()[:300]
    body = response.content.decode()
    for detail in (TITLE, CATEGORY, "Kinh Bắc", "Bắc Ninh"):
        assert detail not in body


def test_a_launched_campaign_is_seen_below_and_not_from_a_sibling(personas, bac_ninh):
    """The sibling province gets 404 (not "does not reach any of your units")."""
    path = f"{API}/campaigns/{bac_ninh['campaign']}"
    assert client_for(personas["kinhbac.canbo"]).get(path).status_code == 200
    outside = client_for(personas[OUTSIDER]).get(path, **VI)
    assert outside.status_code == 404 and "đơn vị" not in outside.json()["detail"]


def test_inside_ones_scope_a_missing_right_is_a_403_with_its_reason(personas, bac_ninh):
    """bacninh.thongke sees Bắc Ninh's units but does not edit posts or run pages."""
    client = client_for(personas["bacninh.thongke"])
    refused = client.get(f"/lam-viec/tin-bai/{bac_ninh['post']}/", **VI)
    assert refused.status_code == 403
    assert "Bạn không phải là người quản trị trang" in refused.content.decode()
    api_refused = call(client, "api-put", f"/pages/{bac_ninh['page']}/profile", {"name": "Khác"})
    assert api_refused.status_code == 403 and api_refused.json()["detail"]
