"""The audit log shows actions and objects in words of the reader's language — "duyệt tin bài",
"tin bài «…»" — never "posts:approve", "POST" or "post #2473"; every write route of the URL map
has its words, and the screen's filter finds rows by the words it shows."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from congdong.api import api
from congdong.audit import labels
from congdong.audit.record import record
from congdong.audit.targets import Found
from congdong_tools.bench.staff_pages.pages import ACTIONS
from tests.conftest import client_for, unit_2025

pytestmark = pytest.mark.django_db
SCREEN = "/lam-viec/nhat-ky/"


def _api_writes() -> set[tuple[str, str]]:
    found = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        route = path.removeprefix("/api/v1/").replace("{", "<").replace("}", ">")
        if route.startswith("auth/"):
            continue  # citizens' sign-in: not recorded (congdong.audit.middleware.SKIP_API)
        for method in operations:
            if method in {"post", "put", "patch", "delete"}:
                found.add((method.upper(), route))
    return found


def test_every_write_route_has_words():
    assert sorted(ACTIONS - set(labels.WEB)) == []
    assert sorted(_api_writes() - set(labels.API)) == []
    # …and no words for a route that is gone.
    assert sorted(set(labels.API) - _api_writes()) == []


def test_actions_read_vietnamese_and_english():
    with translation.override("vi"):
        assert labels.action("posts:approve") == "duyệt tin bài"
        assert labels.action("api:posts/<post_id>/transitions", "POST") == (
            "chuyển trạng thái tin bài"
        )
        assert labels.action("admin:posts_post_change") == (
            "sửa tin bài trong trang quản trị hệ thống"
        )
        assert labels.action("unknown:route") == "thao tác khác"
    with translation.override("en"):
        assert labels.action("posts:approve") == "approve a post"


def test_objects_read_by_kind_and_title():
    with translation.override("vi"):
        assert labels.obj("post", "2473", "Hội nghị") == "tin bài «Hội nghị»"
        assert labels.obj("feedback", "241", "PA-2026-0241") == "phản ánh, kiến nghị PA-2026-0241"
        assert labels.obj("case", "7", "") == "vụ việc kiểm duyệt số 7"
        # A stored choice reads as its label.
        assert labels.obj("datarequest", "3", "access") == (
            "yêu cầu về dữ liệu cá nhân «xem hoặc nhận bản sao dữ liệu của tôi»"
        )
        assert labels.obj("export", "1", "dashboard") == "tệp xuất «Bảng số liệu»"
        assert labels.obj("", "", "") == ""


def test_the_screen_shows_words_and_filters_by_them(personas):
    unit = unit_2025("24")
    place = Found("post", "2473", "Hội nghị", unit.pk, unit.path, unit.name)
    row = record(
        action="posts:approve", actor_name="Người thử", method="POST", path="/x/", target=place
    )
    other = record(action="breaches:close", actor_name="Người thử", method="POST", path="/y/")
    client = client_for(personas["tw.quantri"])
    page = client.get(SCREEN).content.decode()
    assert "Duyệt tin bài" in page and "tin bài «Hội nghị»" in page
    assert "posts:approve</" not in page and "#2473" not in page and "· POST" not in page
    page = client.get(SCREEN, {"action": "duyệt tin"}).content.decode()
    assert f'data-id="{row.pk}"' in page and f'data-id="{other.pk}"' not in page
    # The recorded name still finds it (what API clients and old habits type).
    page = client.get(SCREEN, {"action": "posts:appr"}).content.decode()
    assert f'data-id="{row.pk}"' in page
    assert re.search(r"data-action=\"posts:approve\"", page)


def test_the_api_gives_the_words_in_the_language_asked(personas):
    unit = unit_2025("24")
    place = Found("post", "2473", "Hội nghị", unit.pk, unit.path, unit.name)
    record(action="posts:approve", actor_name="Người thử", method="POST", path="/x/", target=place)
    client = client_for(personas["tw.quantri"])
    items = client.get("/api/v1/audit/entries", {"action": "posts:approve"}).json()["items"]
    assert [(i["action"], i["action_label"], i["object_label"]) for i in items] == [
        ("posts:approve", "duyệt tin bài", "tin bài «Hội nghị»")
    ]
    english = client.get(
        "/api/v1/audit/entries", {"action": "posts:approve"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()["items"]
    assert english[0]["action_label"] == "approve a post"
