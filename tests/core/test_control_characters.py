"""Control characters in what people type: a NUL (which PostgreSQL cannot store in text, an
error 500 before) or another control character is dropped on the way in, through every write
path that takes plain text; line breaks stay where the field has lines. Runs on SQLite and on
PostgreSQL (`.ci/run` runs the suite on both)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from congdong.accounts.actions.citizens import check_citizen_signup, do_citizen_signup
from congdong.accounts.roles import Role
from congdong.core.text import line, plain
from congdong.moderation import actions as moderation
from congdong.moderation.models import Case, Report
from congdong.pages.actions import check_profile, do_profile
from congdong.posts import actions as posts
from congdong.takedown import actions as takedown
from tests.posts.conftest import grant, pages, regulation, write  # noqa: F401 (fixtures)
from tests.takedown.conftest import RECEIVED, fields, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
NUL, BELL = "\x00", "\x07"


def _clean(*texts: str) -> None:
    for text in texts:
        assert NUL not in text and BELL not in text, repr(text)


def test_the_helpers_keep_letters_and_line_breaks_only_where_a_field_has_lines():
    assert plain(f" Phường{NUL} Kinh\r\nBắc{BELL}\tphố ") == "Phường Kinh\nBắc\tphố"
    assert line(f" Phường{NUL} Kinh\r\nBắc{BELL}\tphố ") == "Phường Kinh Bắc phố"
    # Vietnamese typed in decomposed form (a Mac keyboard) is stored composed.
    assert plain("Vie\u0302\u0323t") == "Việt"
    assert plain(None) == line(None) == ""


def test_a_post_title_body_tags_and_reject_reason(world):  # noqa: F811 (the fixture imported above)
    editor = grant("kinhbac.bientap", world.kinh_bac.unit, Role.EDITOR)
    approver = grant("kinhbac.duyettin", world.kinh_bac.unit, Role.APPROVER)
    draft = write(
        editor,
        world.kinh_bac,
        title=f"Ra quân{NUL} làm sạch môi trường",
        body=f"<p>Sáng Chủ nhật{NUL}, Ban công tác Mặt trận các khu dân cư đã ra quân.</p>",
        tags=f"môi{NUL} trường, khu dân cư{BELL}",
    )
    draft.refresh_from_db()
    assert draft.title == "Ra quân làm sạch môi trường"
    assert draft.tags == "môi trường, khu dân cư"
    _clean(draft.body, draft.search_text)
    posts.submit(editor, draft.pk)
    rejected = posts.reject(approver, draft.pk, f"Thiếu{NUL} nguồn tin")
    assert rejected.transitions.latest("at").reason == "Thiếu nguồn tin"


def test_a_citizen_name_at_signup(db):
    user = do_citizen_signup(
        check_citizen_signup("+84912000111", f"Trần{NUL} Thị Bình", datetime.date(1990, 5, 1))
    )
    user.refresh_from_db()
    assert user.full_name == "Trần Thị Bình"


def test_a_report_and_a_moderator_decision(world):  # noqa: F811 (the fixture imported above)
    citizen = world.author
    made = moderation.report(
        citizen, "post", world.post.pk, "other", f"Thông tin{NUL} sai sự thật về địa phương"
    )
    assert Report.objects.get(pk=made.pk).text == "Thông tin sai sự thật về địa phương"
    case = Case.objects.get(pk=made.case_id)
    decided = moderation.decide(world.commune_mod, case.pk, "remove", f"Sai{NUL} sự thật")
    decided.refresh_from_db()
    assert decided.reason == "Sai sự thật"


def test_a_takedown_request_and_its_refusal(world):  # noqa: F811 (the fixture imported above)
    item = takedown.intake(
        world.commune_mod,
        fields(
            "comment",
            world.comment.pk,
            authority=f"Sở{NUL} Văn hóa",
            reference=f"12{NUL}/SVH",
            contact=f"Phòng{BELL} Báo chí",
            legal_basis=f"Nghị định{NUL} 147/2024/NĐ-CP\nĐiều 23",
        ),
        RECEIVED,
    )
    item.refresh_from_db()
    assert (item.authority, item.reference, item.contact) == (
        "Sở Văn hóa",
        "12/SVH",
        "Phòng Báo chí",
    )
    assert item.legal_basis == "Nghị định 147/2024/NĐ-CP\nĐiều 23"
    refused = takedown.refuse(
        world.commune_mod, item.pk, f"Bình luận{NUL} không vi phạm quy định", RECEIVED
    )
    refused.refresh_from_db()
    assert refused.refuse_reason == "Bình luận không vi phạm quy định"


def test_a_page_name_description_and_address(world):  # noqa: F811 (the fixture imported above)
    admin = grant("kinhbac.quantri", world.kinh_bac.unit, Role.UNIT_ADMIN)
    page = world.kinh_bac
    profile = check_profile(
        admin,
        page.pk,
        name=f"{page.name}{NUL}",
        description=f"Trang thông tin{NUL} của Mặt trận phường\nKinh Bắc",
        contact_email="mttq.kinhbac@bacninh.gov.vn",
        contact_phone=f"0222{NUL} 3822 000",
        address=f"Số 1{BELL} đường Lý Thái Tổ",
    )
    do_profile(profile)
    page.refresh_from_db()
    assert page.description == "Trang thông tin của Mặt trận phường\nKinh Bắc"
    assert page.address == "Số 1 đường Lý Thái Tổ"
    assert page.contact_phone == "0222 3822 000"
    _clean(page.name)


def test_a_nul_in_the_address_is_refused_before_any_search(db):
    # On PostgreSQL the search compared text with a NUL: an error 500.
    response = Client().get("/tim-kiem/", {"q": f"Kinh{NUL} Bắc"})
    assert response.status_code == 400
    assert "ký tự không được phép" in response.content.decode()
    response = Client().get("/api/v1/units", {"q": f"{NUL}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "The address holds a character that is not allowed (NUL)."}
    assert Client().get("/trang/kinh%00bac/").status_code == 400
    assert Client().get("/tim-kiem/", {"q": "Kinh Bắc"}).status_code == 200


def test_search_words_drop_control_characters():
    from congdong.core.text import fold

    assert fold(f"Đắk{NUL} Lắk{BELL}") == "dak lak"
