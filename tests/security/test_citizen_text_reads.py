# ruff: noqa: F811 (the fixtures imported from the feedback tests are arguments here)
"""Every read of a citizen's text by staff leaves an access row (issue 15.3).

A staff answer that carries a citizen's feedback text or place — a list, an item, the answer to
a move, through the web or the API — writes one `FeedbackAccess` row per item it carries;
answers that carry none (the web queue, the people's situation) need none. A data request's
text read by a data protection officer is one row of the audit log; their lists carry no text.
Moderation follows the same rule: the reporters' free-text details and an author's appeal are
citizens' private text, so every answer to a moderator that carries them writes one
`ModerationAccess` row per case it carries.
Each path is tried by a persona allowed to use it, and must answer 200 with something in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from congdong.accounts.roles import Role
from congdong.audit.models import AuditEntry
from congdong.engagement.actions import comments as comment_actions
from congdong.feedback import actions as feedback_actions
from congdong.feedback.models import Feedback, FeedbackAccess
from congdong.moderation import actions as moderation_actions
from congdong.moderation.models import Case, ModerationAccess
from congdong.privacy import actions as privacy_actions
from congdong.privacy.models import DataRequest
from tests.conftest import client_for
from tests.engagement.conftest import citizen, published
from tests.feedback.conftest import category, media_root, people, units  # noqa: F401
from tests.posts.conftest import grant, pages, regulation  # noqa: F401

pytestmark = pytest.mark.django_db


@dataclass
class World:
    items: list[Feedback]
    requests: list[DataRequest]
    officer: Client  # the feedback officer of Kinh Bắc
    dpo: Client  # the central data protection officer
    analyst: Client  # the Bắc Ninh analyst


@pytest.fixture
def world(people, units) -> World:
    items = []
    for n in range(3):
        sender = citizen(f"+8491400010{n}", f"Người gửi {n}")
        items.append(
            feedback_actions.submit(
                sender,
                units.kinh_bac.pk,
                category().pk,
                f"Cống thoát nước ngõ {n + 11} bị tắc, nước tràn vào nhà dân số {n + 70}.",
                public=False,
                consent=True,
                location={
                    "latitude": Decimal(f"21.18{n}123"),
                    "longitude": Decimal("106.07"),
                    "place": f"Tổ dân phố số {n + 41}",
                },
            )
        )
    requests = [
        privacy_actions.submit(
            citizen(f"+8491400020{n}", f"Người yêu cầu {n}"),
            "correct",
            f"Đề nghị sửa ngày sinh trong hồ sơ, mã hồ sơ HS-{n + 501}.",
        )
        for n in range(2)
    ]
    return World(
        items,
        requests,
        client_for(people["kinhbac.canbo"]),
        client_for(people["tw.baovedulieu"]),
        client_for(people["bacninh.thongke"]),
    )


def _body(response) -> str:
    """What the reader gets, as text: JSON decoded (its strings are \\u-escaped on the wire)."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _markers(item: Feedback) -> tuple[str, ...]:
    return (item.text, item.place, str(item.latitude))


# ---------------------------------------------------------------- the staff read paths


def web_queue(w: World):
    return w.officer.get("/lam-viec/phan-anh/")


def web_item(w: World):
    return w.officer.get(f"/lam-viec/phan-anh/{w.items[0].pk}/")


def web_item_through_citizen_page(w: World):
    return w.officer.get(f"/phan-anh/{w.items[0].pk}/")


def web_move_then_the_item(w: World):
    return w.officer.post(f"/lam-viec/phan-anh/{w.items[1].pk}/tiep-nhan/", follow=True)


def api_queue(w: World):
    return w.officer.get("/api/v1/feedback/to-handle", {"limit": 200})


def api_item(w: World):
    return w.officer.get(f"/api/v1/feedback/to-handle/{w.items[0].pk}")


def api_accept(w: World):
    return w.officer.post(f"/api/v1/feedback/to-handle/{w.items[2].pk}/accept")


def api_track(w: World):
    return w.officer.get("/api/v1/feedback/track", {"code": w.items[0].code})


def web_situation(w: World):
    return w.analyst.get(f"/lam-viec/tinh-hinh-nhan-dan/{w.items[0].unit.parent_id}/")


def api_situation_keywords(w: World):
    return w.analyst.get(f"/api/v1/feedback/situation/{w.items[0].unit.parent_id}/keywords")


FEEDBACK_PATHS: list[Callable[[World], object]] = [
    web_queue,
    web_item,
    web_item_through_citizen_page,
    web_move_then_the_item,
    api_queue,
    api_item,
    api_accept,
    api_track,
    web_situation,
    api_situation_keywords,
]


@pytest.mark.parametrize("path", FEEDBACK_PATHS, ids=lambda f: f.__name__)
def test_each_feedback_text_staff_are_shown_leaves_an_access_row(path, world, people):
    before = set(FeedbackAccess.objects.values_list("pk", flat=True))
    response = path(world)
    assert response.status_code == 200
    body = _body(response)
    logged = FeedbackAccess.objects.exclude(pk__in=before)
    for item in world.items:
        shown = [marker for marker in _markers(item) if marker in body]
        rows = logged.filter(feedback=item).count()
        if shown:
            assert rows >= 1, f"{item.code}: {shown[0]!r} shown without an access row"
    # Rows are the reader's, never anyone else's.
    assert not logged.exclude(user__username__in=["kinhbac.canbo", "bacninh.thongke"]).exists()


def test_the_api_queue_logs_one_row_per_item_returned_and_none_for_items_not_returned(
    world, people
):
    response = world.officer.get("/api/v1/feedback/to-handle", {"limit": 2})
    returned = [row["id"] for row in response.json()["items"]]
    assert len(returned) == 2
    rows = FeedbackAccess.objects.filter(user=people["kinhbac.canbo"], kind="list")
    assert sorted(rows.values_list("feedback_id", flat=True)) == sorted(returned)


def test_the_web_queue_shows_no_text_place_or_coordinates(world):
    body = _body(web_queue(world))
    assert all(item.code in body for item in world.items)  # the list is there …
    assert not any(m in body for item in world.items for m in _markers(item))  # … its texts not


# ---------------------------------------------------------------- data requests


def dpo_web_list(w: World):
    return w.dpo.get("/lam-viec/du-lieu-ca-nhan/", {"xem": "tat-ca"})


def dpo_web_detail(w: World):
    return w.dpo.get(f"/lam-viec/du-lieu-ca-nhan/{w.requests[0].pk}/")


def dpo_api_list(w: World):
    return w.dpo.get("/api/v1/privacy/staff/requests")


def dpo_api_detail(w: World):
    return w.dpo.get(f"/api/v1/privacy/staff/requests/{w.requests[0].pk}")


@pytest.mark.parametrize(
    "path", [dpo_web_list, dpo_web_detail, dpo_api_list, dpo_api_detail], ids=lambda f: f.__name__
)
def test_each_data_request_text_an_officer_is_shown_leaves_an_audit_row(path, world):
    before = AuditEntry.objects.count()
    response = path(world)
    assert response.status_code == 200
    body = _body(response)
    assert world.requests[0].code in body
    reads = AuditEntry.objects.order_by("pk")[before:]
    for item in world.requests:
        if item.text in body:
            assert any(
                e.action == privacy_actions.READ_ACTION
                and e.object_id == str(item.pk)
                and e.actor.username == "tw.baovedulieu"
                for e in reads
            ), f"{item.code}: text shown without an audit row"


# ---------------------------------------------------------------- moderation


@dataclass
class Moderation:
    reported: list[Case]  # open cases whose reports carry details
    appealed: Case  # a removal its author appealed
    markers: dict[int, str]  # case id → the citizen's private text about it
    moderator: Client  # the Kinh Bắc moderator (the queue)
    above: Client  # the Bắc Ninh moderator (the appeals)


@pytest.fixture
def moderation(pages) -> Moderation:
    post = published(pages.kinh_bac)
    author = citizen("+84914000301", "Tác Giả Bình Luận")
    mod = grant("kinhbac.kiemduyet", pages.kinh_bac.unit, Role.MODERATOR)
    above = grant("bacninh.kiemduyet", pages.bac_ninh.unit, Role.MODERATOR)
    markers: dict[int, str] = {}
    reported = []
    for n in range(2):
        comment = comment_actions.comment(author, post.pk, f"Bình luận số {n} cần xem lại")
        detail = f"Người báo cáo số {n} cho biết địa chỉ nhà riêng {n + 301}."
        made = moderation_actions.report(
            citizen(f"+8491400040{n}", f"Người báo cáo {n}"), "comment", comment.pk, "abuse", detail
        )
        markers[made.case_id] = detail
        reported.append(Case.objects.get(pk=made.case_id))
    comment = comment_actions.comment(author, post.pk, "Bình luận bị gỡ")
    made = moderation_actions.report(
        citizen("+84914000410", "Người khác"), "comment", comment.pk, "abuse"
    )
    appealed = moderation_actions.decide(mod, made.case_id, "remove", "Lời lẽ xúc phạm")
    text = "Tôi bị ốm nằm viện số 17, người nhà viết thay, xin xem lại."
    moderation_actions.appeal(author, appealed.pk, text)
    markers[appealed.pk] = text
    return Moderation(reported, appealed, markers, client_for(mod), client_for(above))


def moderation_web_queue(m: Moderation):
    return m.moderator.get("/lam-viec/kiem-duyet/")


def moderation_api_queue(m: Moderation):
    return m.moderator.get("/api/v1/moderation/queue")


def moderation_web_appeals(m: Moderation):
    return m.above.get("/lam-viec/kiem-duyet/khang-nghi/")


def moderation_api_appeals(m: Moderation):
    return m.above.get("/api/v1/moderation/appeals")


def moderation_api_appeal_decision(m: Moderation):
    return m.above.post(
        f"/api/v1/moderation/appeals/{m.appealed.appeal.pk}/decision",
        {"decision": "upheld", "reason": "Vẫn vi phạm quy định"},
        content_type="application/json",
    )


MODERATION_PATHS = [
    moderation_web_queue,
    moderation_api_queue,
    moderation_web_appeals,
    moderation_api_appeals,
    moderation_api_appeal_decision,
]


@pytest.mark.parametrize("path", MODERATION_PATHS, ids=lambda f: f.__name__)
def test_each_moderation_text_staff_are_shown_leaves_an_access_row(path, moderation):
    response = path(moderation)
    assert response.status_code == 200
    body = _body(response)
    shown = [case_id for case_id, text in moderation.markers.items() if text in body]
    assert shown, "the path shows none of the citizens' texts: the test proves nothing"
    for case_id in moderation.markers:
        rows = ModerationAccess.objects.filter(case_id=case_id).count()
        assert rows == (1 if case_id in shown else 0), f"case {case_id}: {rows} access rows"
    assert set(ModerationAccess.objects.values_list("user__username", flat=True)) <= {
        "kinhbac.kiemduyet",
        "bacninh.kiemduyet",
    }
