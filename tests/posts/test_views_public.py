"""Published posts on the public page, and one post at its own address."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.pages import actions as page_actions
from congdong.posts import actions
from tests.posts.conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(personas, pages):
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    older = submitted(editor, pages.kinh_bac, title="Tin cũ hơn")
    actions.approve(admin, older.pk)
    actions.publish_or_schedule(editor, older.pk)
    newer = submitted(
        editor, pages.kinh_bac, title="Tin mới hơn", body="<p>Nội dung <strong>đậm</strong></p>"
    )
    actions.approve(admin, newer.pk)
    return older, actions.publish_or_schedule(editor, newer.pk)


def test_the_public_page_lists_published_posts_newest_first(published, pages):
    _older, newer = published
    html = Client().get(f"/trang/{pages.kinh_bac.slug}/").content.decode()
    assert html.index("Tin mới hơn") < html.index("Tin cũ hơn")
    assert "Nội dung đậm" in html  # the list shows the start of the text; the post, its HTML
    assert newer.published_at.astimezone().strftime("%Y") in html


def test_one_published_post_has_its_own_address(published, pages):
    _older, newer = published
    response = Client().get(f"/trang/{pages.kinh_bac.slug}/tin/{newer.pk}/")
    assert response.status_code == 200
    assert "Tin mới hơn" in response.content.decode()
    assert "<strong>đậm</strong>" in response.content.decode()  # sanitised HTML, rendered


def test_a_post_is_404_on_another_page_or_when_not_published(published, pages, personas):
    _older, newer = published
    assert Client().get(f"/trang/{pages.ha_noi.slug}/tin/{newer.pk}/").status_code == 404
    draft = submitted(personas["kinhbac.canbo"], pages.kinh_bac, title="Chưa duyệt")
    assert Client().get(f"/trang/{pages.kinh_bac.slug}/tin/{draft.pk}/").status_code == 404
    actions.hide(personas["kinhbac.canbo"], newer.pk, "Đang rà soát lại")
    assert Client().get(f"/trang/{pages.kinh_bac.slug}/tin/{newer.pk}/").status_code == 404


def test_a_post_is_404_while_its_page_is_suspended(published, pages, personas):
    _older, newer = published
    page_actions.move_page(personas["bacninh.quantri"], pages.kinh_bac.pk, "suspended", "Tạm dừng")
    assert Client().get(f"/trang/{pages.kinh_bac.slug}/tin/{newer.pk}/").status_code == 404
