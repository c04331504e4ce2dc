"""The post editor tells every bad field of a draft in one submit (issue 16.9)."""

from __future__ import annotations

import pytest

from congdong.posts.models import Post
from tests.conftest import client_for
from tests.posts.conftest import write

pytestmark = pytest.mark.django_db


def test_a_draft_with_a_bad_category_title_and_source_is_told_all_at_once(personas, pages):
    draft = write(personas["kinhbac.canbo"], pages.kinh_bac)
    editor = client_for(personas["kinhbac.canbo"])
    data = {
        "category": "khong-co",
        "title": "   ",
        "body": "<p>Nội dung</p>",
        "source_url": "javascript:alert(1)",
        "tags": "",
    }
    response = editor.post(f"/lam-viec/tin-bai/{draft.pk}/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"category", "title", "source_url"} <= set(errors)
    draft.refresh_from_db()
    assert draft.title == Post.objects.get(pk=draft.pk).title != ""
