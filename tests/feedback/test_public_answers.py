"""Answers a unit publishes ("Trả lời phản ánh, kiến nghị"): on its page, on their own page
and in the API, never with anything that tells who asked."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.feedback import actions
from congdong.feedback.models import Feedback
from tests.feedback.conftest import answered, send
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)
from tests.uploads import picture

pytestmark = pytest.mark.django_db
ANSWER = "Ủy ban phường đã chỉ đạo san lấp, trải nhựa lại đoạn đường trong tuần."


@pytest.fixture
def public_item(people, units) -> Feedback:
    item = send(
        people["an"],
        units.kinh_bac,
        text="Đường liên thôn khu phố Đông bị sụt lún sau mưa lớn, rất nguy hiểm.",
        location={"lat": "21.186123", "lng": "106.076456", "place": "Ngõ 3 nhà ông Tư"},
        files=[picture(name="duong-sut-lun.png")],
    )
    return answered(item, people["kinhbac.canbo"], text=ANSWER)


def test_the_page_offers_to_send_feedback_to_everyone(pages):  # noqa: F811
    page = Client().get(f"/trang/{pages.kinh_bac.slug}/").content.decode()
    assert 'id="send-feedback-link"' in page
    assert f'href="/phan-anh/gui/?don-vi={pages.kinh_bac.unit.pk}"' in page


def answers_section(slug: str) -> str:
    """The page, and its answers section as the browser loads it when scrolled into view."""
    page = Client().get(f"/trang/{slug}/").content.decode()
    assert 'id="public-answers"' in page and "hx-get=" in page
    fragment = Client().get(
        f"/trang/{slug}/tra-loi-phan-anh/", {"phan-doan": "1"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    return page + fragment.content.decode()


def test_the_page_shows_public_answers_without_the_senders_identity(
    pages,  # noqa: F811
    people,
    public_item,
):
    page = answers_section(pages.kinh_bac.slug)
    assert "sụt lún sau mưa lớn" in page and ANSWER in page
    for identity in (
        people["an"].full_name,
        people["an"].phone,
        public_item.code,
        "Ngõ 3 nhà ông Tư",
        "21.186123",
        "21,186123",
        "duong-sut-lun",
        "/phan-anh/tep/",
    ):
        assert identity not in page, identity


def test_private_and_unanswered_items_are_not_published(pages, people, units):  # noqa: F811
    answered(
        send(people["an"], units.kinh_bac, public=False, text="Chuyện riêng của gia đình tôi."),
        people["kinhbac.canbo"],
    )
    send(people["binh"], units.kinh_bac, text="Đèn đường ngõ 5 hỏng đã hai tuần nay.")
    page = answers_section(pages.kinh_bac.slug)
    assert "Chuyện riêng" not in page and "Đèn đường ngõ 5" not in page
    assert "data-feedback-answer" not in page


def test_a_sibling_units_answers_are_not_on_this_page(pages, people, units):  # noqa: F811
    answered(
        send(people["an"], units.sibling, text="Cống thoát nước phường bên cạnh bị tắc."),
        people["sibling.canbo"],
    )
    page = answers_section(pages.kinh_bac.slug)
    assert "Cống thoát nước" not in page


def test_all_answers_are_listed_page_by_page(pages, people, units, settings):  # noqa: F811
    settings.FEEDBACK_DAILY_LIMIT = 50
    for n in range(12):
        item = send(people["an"], units.kinh_bac, text=f"Phản ánh thứ {n:02d} về đường làng.")
        answered(item, people["kinhbac.canbo"], text=f"Trả lời số {n:02d}: đã xử lý xong.")
    page = answers_section(pages.kinh_bac.slug)
    assert page.count("data-feedback-answer") == 3
    assert 'id="all-answers"' in page
    first = Client().get(f"/trang/{pages.kinh_bac.slug}/tra-loi-phan-anh/")
    assert first.status_code == 200
    assert first.content.decode().count("data-feedback-answer") == 10
    assert 'rel="next"' in first.content.decode()
    second = Client().get(f"/trang/{pages.kinh_bac.slug}/tra-loi-phan-anh/", {"trang": 2})
    assert second.content.decode().count("data-feedback-answer") == 2
    assert people["an"].full_name not in first.content.decode() + second.content.decode()


def test_the_answers_of_an_unknown_page_are_not_found(db):
    assert Client().get("/trang/khong-co-trang-nay/tra-loi-phan-anh/").status_code == 404


def test_the_api_lists_public_answers_without_identity(people, units, public_item):
    response = Client().get(f"/api/v1/public/units/{units.kinh_bac.pk}/feedback-answers")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    (answer,) = data["items"]
    assert set(answer) == {"category", "text", "answer", "answered_at", "unit_name"}
    assert answer["answer"] == ANSWER
    assert people["an"].full_name not in response.content.decode()
    assert public_item.code not in response.content.decode()


def test_an_escalated_answer_shows_at_once_on_the_commune_and_the_province_page(
    pages,  # noqa: F811
    people,
    units,
):
    item = send(people["an"], units.kinh_bac, text="Cầu dân sinh thôn Đông xuống cấp nặng.")
    # Anonymous visitors already hold both pages' sections in the shared cache.
    before = answers_section(pages.kinh_bac.slug) + answers_section(pages.bac_ninh.slug)
    assert "Cầu dân sinh" not in before
    officer, province = people["kinhbac.canbo"], people["bacninh.quantri"]
    actions.accept(officer, item.pk)
    actions.escalate(officer, item.pk, "Vượt thẩm quyền cấp xã, đề nghị tỉnh hỗ trợ.")
    actions.assign(province, item.pk, province.pk)
    actions.answer(province, item.pk, "Tỉnh đã bố trí kinh phí sửa cầu trong quý này.")
    for slug in (pages.kinh_bac.slug, pages.bac_ninh.slug):
        section = answers_section(slug)
        assert "Cầu dân sinh" in section and "bố trí kinh phí sửa cầu" in section, slug
        assert people["an"].full_name not in section
