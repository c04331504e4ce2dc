"""Engagement tests use the pages and regulation of tests/posts (Bắc Ninh, Kinh Bắc, Hà Nội),
citizens made on the spot and posts published through the real workflow."""

from __future__ import annotations

from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.accounts.roles import Role
from congdong.pages.models import Page
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from tests.posts.conftest import grant, pages, regulation, write  # noqa: F401 (fixtures)


def citizen(
    phone: str, name: str = "Trần Thị Bình", verified: bool = True, active: bool = True
) -> User:
    return User.objects.create(
        username="cd" + phone.lstrip("+"),
        kind=AccountKind.CITIZEN,
        phone=phone,
        full_name=name,
        phone_verified_at=timezone.now() if verified else None,
        is_active=active,
    )


def published(page: Page, title: str = "Ra quân làm sạch môi trường khu dân cư") -> Post:
    """A post written, approved and published on `page` by its own editor and approver."""
    editor = grant(f"bientap.{page.pk}", page.unit, Role.EDITOR)
    approver = grant(f"duyet.{page.pk}", page.unit, Role.APPROVER)
    draft = write(editor, page, title=title)
    post_actions.submit(editor, draft.pk)
    post_actions.approve(approver, draft.pk)
    return post_actions.publish_or_schedule(editor, draft.pk)
