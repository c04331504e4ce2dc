"""Submitting runs the regulation: it says what failed and where, and blocks only what it must."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.core.errors import ActionError
from congdong.posts import actions
from congdong.posts.default_regulation import DEFAULT_CATEGORIES, ensure_default_regulation
from congdong.posts.models import (
    ApprovalRule,
    Category,
    ForbiddenPhrase,
    Post,
    PostState,
    Regulation,
)
from congdong.posts.rules import check_against_regulation, find_phrase
from tests.posts.conftest import moves, write

pytestmark = pytest.mark.django_db
BLOCKED = "chuyển khoản vào tài khoản cá nhân"


def refused_submit(editor, post) -> actions.RegulationError:
    with pytest.raises(actions.RegulationError) as error:
        actions.submit(editor, post.pk)
    assert Post.objects.get(pk=post.pk).state == PostState.DRAFT
    assert moves(post) == [("", PostState.DRAFT)]
    return error.value


def test_a_forbidden_phrase_written_without_accents_blocks_and_is_named(personas, pages):
    editor = personas["kinhbac.canbo"]
    body = "<p>Bà con ủng hộ xin chuyen khoan vao tai khoan ca nhan của trưởng thôn.</p>"
    post = write(editor, pages.kinh_bac, body=body)
    error = refused_submit(editor, post)
    [finding] = error.findings
    assert (finding.field, finding.blocking, finding.phrase) == ("body", True, BLOCKED)
    text = "Bà con ủng hộ xin chuyen khoan vao tai khoan ca nhan của trưởng thôn."
    assert finding.position == text.index("chuyen")
    assert BLOCKED in error.message and "chuyen khoan vao tai khoan ca nhan" in error.message


def test_the_phrase_is_found_in_capitals_and_across_inline_markup(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = write(
        editor,
        pages.kinh_bac,
        title="CHUYỂN KHOẢN VÀO TÀI KHOẢN CÁ NHÂN",
        body="<p>Chuyển khoản vào tài kho<strong>ản</strong> cá nhân</p>",
    )
    error = refused_submit(editor, post)
    assert [(f.field, f.position) for f in error.findings] == [("title", 0), ("body", 0)]


def test_every_blocking_finding_is_listed_in_one_refusal(personas, pages, regulation):
    regulation.max_title_length = 20
    regulation.save()
    editor = personas["kinhbac.canbo"]
    post = write(
        editor,
        pages.kinh_bac,
        "chinh-sach-phap-luat",  # requires a source
        title="Tiêu đề dài hơn hai mươi ký tự",
        body=f"<p>Đề nghị {BLOCKED}. Có tin đồn rằng…</p>",
    )
    error = refused_submit(editor, post)
    assert {(f.field, f.blocking) for f in error.findings} == {
        ("title", True),
        ("source_url", True),
        ("body", True),
        ("body", False),  # the warning is listed too, so nothing surprises the editor later
    }
    for finding in error.findings:
        assert finding.message in error.message
    assert error.field == "title"


def test_a_warning_phrase_lets_the_post_through_and_is_kept_in_the_history(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac, body="<p>Bác bỏ tin đồn về việc thu hồi đất.</p>")
    post = actions.submit(editor, post.pk)
    assert post.state == PostState.SUBMITTED
    assert post.regulation is not None and post.regulation.version == 1
    reason = post.transitions.get(to_state=PostState.SUBMITTED).reason
    assert "tin đồn" in reason


def test_phrases_match_whole_words_only():
    assert find_phrase("Giá tin đồng tăng mạnh", "tin đồn") is None
    assert find_phrase("Nhiều TIN ĐỒN thất thiệt", "tin đồn") == (6, "TIN ĐỒN")
    assert find_phrase("Đà Nẵng  đón  khách", "da nang don") == (0, "Đà Nẵng  đón")


def test_lengths_are_limited_by_the_regulation_in_force(personas, pages, regulation):
    regulation.max_body_length = 30
    regulation.save()
    editor = personas["kinhbac.canbo"]
    exactly = write(editor, pages.kinh_bac, title="x" * 200, body="<p>" + "a" * 30 + "</p>")
    assert actions.submit(editor, exactly.pk).state == PostState.SUBMITTED
    over = write(editor, pages.kinh_bac, title="x" * 201, body="<p><b>" + "a" * 31 + "</b></p>")
    error = refused_submit(editor, over)
    assert [(f.field, f.blocking) for f in error.findings] == [("title", True), ("body", True)]
    assert "201" in error.findings[0].message and "31" in error.findings[1].message


def test_the_image_limit_is_checked(pages, regulation):
    category = Category.objects.get(code="hoat-dong-mat-tran")
    fields = {"title": "Ảnh hoạt động", "body": "<p>Ảnh</p>", "category": category}
    assert check_against_regulation(fields | {"image_count": 10}, pages.kinh_bac, regulation) == []
    [finding] = check_against_regulation(fields | {"image_count": 11}, pages.kinh_bac, regulation)
    assert (finding.field, finding.blocking) == ("images", True)


def test_categories_that_require_a_source_need_a_link(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac, "phan-bac-tin-gia")
    [finding] = refused_submit(editor, post).findings
    assert finding.field == "source_url"
    sourced = write(editor, pages.kinh_bac, "phan-bac-tin-gia", source_url="https://vtv.vn/a")
    assert actions.submit(editor, sourced.pk).state == PostState.SUBMITTED


def test_a_draft_from_an_older_regulation_is_checked_against_the_new_one(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac)
    newer = Regulation.objects.create(
        version=2, title="Quy chế sửa đổi", effective_from=datetime.date(2025, 9, 1)
    )
    Category.objects.create(regulation=newer, code="hoat-dong-mat-tran", name="Hoạt động")
    [finding] = refused_submit(editor, post).findings
    assert finding.field == "category" and "2" in finding.message
    again = write(editor, pages.kinh_bac)  # new drafts take the category of version 2
    assert again.category.regulation == newer
    assert actions.submit(editor, again.pk).regulation == newer


def test_a_future_version_is_not_yet_in_force(personas, pages):
    Regulation.objects.create(
        version=2,
        title="Quy chế năm sau",
        effective_from=timezone.localdate() + datetime.timedelta(days=30),
    )
    post = actions.submit(
        personas["kinhbac.canbo"], write(personas["kinhbac.canbo"], pages.kinh_bac).pk
    )
    assert post.regulation.version == 1


def test_the_body_is_sanitised_but_keeps_formatting(personas, pages):
    body = (
        '<p onclick="steal()">Kính gửi <strong>bà con</strong></p>'
        "<script>alert('x')</script><iframe src='https://evil.example'></iframe>"
        '<a href="javascript:steal()">bấm</a>'
    )
    post = write(personas["kinhbac.canbo"], pages.kinh_bac, body=body)
    stored = Post.objects.get(pk=post.pk).body
    assert stored.startswith("<p>Kính gửi <strong>bà con</strong></p>")
    for bad in ("script", "alert", "onclick", "iframe", "javascript"):
        assert bad not in stored
    edited = actions.edit_draft(
        personas["kinhbac.canbo"],
        post.pk,
        {"category": "hoat-dong-mat-tran", "title": "Sửa", "body": "<p>a<script>x</script></p>"},
    )
    assert edited.body == "<p>a</p>"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "khong-co"}, "category"),
        ({"title": "   "}, "title"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
    ],
)
def test_bad_draft_fields_are_refused_with_the_field_named(personas, pages, fields, field):
    with pytest.raises(ActionError) as error:
        write(personas["kinhbac.canbo"], pages.kinh_bac, **fields)
    assert error.value.field == field
    assert not Post.objects.exists()


def test_tags_are_normalised(personas, pages):
    post = write(personas["kinhbac.canbo"], pages.kinh_bac, tags=" môi  trường ,, khu dân cư ,")
    assert post.tags == "môi trường, khu dân cư"


def test_the_default_regulation_is_created_once(db):
    first = ensure_default_regulation()
    first.title = "Quy chế do quản trị viên sửa"
    first.save()
    again = ensure_default_regulation()
    assert again.pk == first.pk and again.title == "Quy chế do quản trị viên sửa"
    assert Regulation.objects.count() == 1
    assert first.categories.count() == len(DEFAULT_CATEGORIES) == 9
    assert ApprovalRule.objects.count() == 1
    assert ForbiddenPhrase.objects.filter(phrase=BLOCKED, action="block").exists()
    assert ForbiddenPhrase.objects.filter(phrase="tin đồn", action="warn").exists()
    assert Regulation.objects.in_force() == first
