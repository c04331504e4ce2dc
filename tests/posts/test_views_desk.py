"""The editor's desk and one post's page, through HTTP: drafting, submitting under the
regulation (refusals change nothing), editing a rejected post, and the desk's groups."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts import actions
from congdong.posts.models import Post, PostState, PostTransition
from tests.conftest import client_for
from tests.posts.conftest import moves, submitted, write

pytestmark = pytest.mark.django_db
DESK = "/lam-viec/tin-bai/"
BLOCKED = "chuyển khoản vào tài khoản cá nhân"


def new_post(page, **fields) -> dict[str, object]:
    return {
        "page": page.pk,
        "category": "hoat-dong-mat-tran",
        "title": "Ra quân làm sạch môi trường khu dân cư",
        "body": "<p>Sáng Chủ nhật, các khu dân cư đã ra quân.</p><script>alert(1)</script>",
        "source_url": "",
        "tags": "môi trường,  khu dân cư",
    } | fields


def test_the_desk_urls_are_the_vietnamese_ones():
    assert reverse("posts:desk") == DESK
    assert reverse("posts:detail", args=[7]) == "/lam-viec/tin-bai/7/"
    assert reverse("posts:queue") == "/lam-viec/duyet-tin/"


def test_commune_operator_drafts_a_post_on_the_kinh_bac_page(personas, pages):
    client = client_for(personas["kinhbac.canbo"])
    response = client.get(DESK)
    assert response.status_code == 200
    assert pages.kinh_bac.name in response.content.decode()

    response = client.post(DESK, new_post(pages.kinh_bac, save="1"))
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lam-viec/tin-bai/{post.pk}/"
    assert (post.state, post.page, post.author) == (
        PostState.DRAFT,
        pages.kinh_bac,
        personas["kinhbac.canbo"],
    )
    assert "<script>" not in post.body  # sanitised by the action
    assert post.tags == "môi trường, khu dân cư"


def test_commune_operator_drafts_and_submits_in_one_step(personas, pages):
    client = client_for(personas["kinhbac.canbo"])
    client.post(DESK, new_post(pages.kinh_bac, submit="1"))
    post = Post.objects.get()
    assert post.state == PostState.SUBMITTED
    assert moves(post) == [("", "draft"), ("draft", "submitted")]


def test_a_blocked_phrase_is_refused_with_the_phrase_and_nothing_is_saved(personas, pages):
    client = client_for(personas["kinhbac.canbo"])
    body = f"<p>Bà con {BLOCKED} số 0123 để ủng hộ.</p>"
    response = client.post(DESK, new_post(pages.kinh_bac, body=body, submit="1"))
    assert response.status_code == 400
    assert BLOCKED in response.content.decode()
    assert 'id="findings"' in response.content.decode()
    assert not Post.objects.exists()
    assert not PostTransition.objects.exists()


def test_a_blocked_phrase_in_an_edited_draft_changes_nothing(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac)
    client = client_for(editor)
    data = new_post(pages.kinh_bac, title=f"Kêu gọi {BLOCKED}", submit="1")
    response = client.post(f"/lam-viec/tin-bai/{post.pk}/", data)
    assert response.status_code == 400
    assert BLOCKED in response.content.decode()
    post.refresh_from_db()
    assert (post.state, post.title) == (PostState.DRAFT, "Ra quân làm sạch môi trường khu dân cư")
    assert moves(post) == [("", "draft")]


def test_an_operator_of_another_province_cannot_draft_on_the_page(personas, pages):
    client = client_for(personas["hanoi.quantri"])
    response = client.post(DESK, new_post(pages.kinh_bac, save="1"))
    # The page is not among their choices: the form refuses it before any action runs.
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_an_operator_of_another_province_cannot_open_the_post(personas, pages):
    post = write(personas["kinhbac.canbo"], pages.kinh_bac)
    assert (
        client_for(personas["hanoi.quantri"]).get(f"/lam-viec/tin-bai/{post.pk}/").status_code
        == 404  # outside one's scope every object answers the same way (issue 16.12)
    )


def test_the_author_sees_the_rejection_reason_and_resubmits(personas, pages):
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = submitted(editor, pages.kinh_bac)
    actions.reject(admin, post.pk, "Thiếu thời gian và địa điểm cụ thể")
    client = client_for(editor)
    assert "Thiếu thời gian và địa điểm cụ thể" in client.get(DESK).content.decode()
    page = client.get(f"/lam-viec/tin-bai/{post.pk}/").content.decode()
    assert "Thiếu thời gian và địa điểm cụ thể" in page  # in the history

    data = new_post(pages.kinh_bac, body="<p>Sáng Chủ nhật 8 giờ, tại nhà văn hoá.</p>")
    client.post(f"/lam-viec/tin-bai/{post.pk}/", data | {"submit": "1"})
    post.refresh_from_db()
    assert post.state == PostState.SUBMITTED
    assert moves(post)[-3:] == [
        ("submitted", "rejected"),
        ("rejected", "draft"),
        ("draft", "submitted"),
    ]


def test_the_desk_groups_posts_by_state(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    draft = write(editor, pages.kinh_bac, title="Bản nháp của tôi")
    waiting = submitted(editor, pages.kinh_bac, title="Đang chờ duyệt")
    client = client_for(editor)
    response = client.get(DESK)
    desk = response.context["desk"]
    assert desk.drafts == [draft]
    assert desk.submitted == [waiting]
    # A colleague's draft on the same page is theirs, not mine.
    other = client_for(personas["bacninh.quantri"]).get(DESK).context["desk"]
    assert other.drafts == [] and other.submitted == [waiting]


def test_the_desk_reads_a_bounded_number_of_queries(
    personas, pages, commune_approver, django_assert_max_num_queries
):
    editor = personas["kinhbac.canbo"]
    for i in range(6):
        write(editor, pages.kinh_bac, title=f"Nháp {i}")
        post = submitted(editor, pages.kinh_bac, title=f"Gửi {i}")
        if i % 2:
            actions.reject(commune_approver, post.pk, "Cần bổ sung ảnh")
    client = client_for(personas["bacninh.quantri"])
    with django_assert_max_num_queries(16):
        response = client.get(DESK)
    assert len(response.context["desk"].rejected) == 3
    assert response.context["desk"].rejected[0].reason == "Cần bổ sung ảnh"


def test_hide_needs_a_reason_and_unhide_shows_it_again(personas, pages):
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = actions.approve(admin, submitted(editor, pages.kinh_bac).pk)
    actions.publish_or_schedule(editor, post.pk)
    client = client_for(editor)
    url = f"/lam-viec/tin-bai/{post.pk}/chuyen/"
    client.post(url, {"to": "hidden", "reason": ""})
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    client.post(url, {"to": "hidden", "reason": "Đang kiểm tra lại số liệu"})
    assert Post.objects.get(pk=post.pk).state == PostState.HIDDEN
    client.post(url, {"to": "published"})
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    client.post(url, {"to": "archived"})
    assert Post.objects.get(pk=post.pk).state == PostState.ARCHIVED


def test_the_central_editor_is_offered_every_page_below_and_keeps_the_choice_on_an_error(
    personas, pages
):
    # A central editor runs every page of the tree: thousands of options on the demo data,
    # written out by LongSelect in one pass (a template per option took about a second).
    from congdong.units.models import Unit

    extra = list(Unit.objects.filter(structure__code="2025", level="commune")[:300])
    do_establish_many(extra, opened_at=timezone.now())
    client = client_for(personas["tw.bientap"])
    html = client.get(DESK).content.decode()
    options = re.findall(
        r'<option value="(\d+)"', html.split('name="page"', 1)[1].split("</select>")[0]
    )
    assert {int(pk) for pk in options} >= {pages.kinh_bac.pk, pages.ha_noi.pk} | {
        page.pk for page in Page.objects.filter(unit__in=extra)
    }
    response = client.post(DESK, new_post(pages.ha_noi, title="", save="1"))
    assert response.status_code == 400
    chosen = re.findall(r'<option value="(\d+)" selected>', response.content.decode())
    assert chosen == [str(pages.ha_noi.pk)]


def test_long_select_writes_what_djangos_select_writes():
    from django import forms

    from congdong.core.widgets import LongSelect

    choices = [(1, "Trang A & B"), (2, "<Trang> “Kinh Bắc”"), (3, "Trang C")]
    attrs = {"id": "id_page", "required": True, "aria-invalid": "true"}
    plain = forms.Select(choices=choices).render("page", 2, attrs)
    fast = LongSelect(choices=choices).render("page", 2, attrs)
    assert _normalised(fast) == _normalised(plain)


def _normalised(html: str) -> str:
    from django.test.html import parse_html

    return str(parse_html(html))
