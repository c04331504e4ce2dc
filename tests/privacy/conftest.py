"""Personal data tests: two citizens with data of every kind on the Kinh Bắc page (An, whose
data is exported or deleted, and Bình, whose data must never leak into An's), and the officers
who may or may not handle requests: data protection officers and admins at the central unit,
Bắc Ninh and Kinh Bắc, and a central analyst (no PROTECT_DATA)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.actions import follows, reactions, referrals
from congdong.engagement.models import Comment
from congdong.feedback import actions as feedback_actions
from congdong.feedback.models import Category, Feedback
from congdong.posts.models import Post
from congdong.privacy.consents import record_consent
from congdong.privacy.models import ConsentPurpose
from tests.conftest import unit_2025
from tests.engagement.conftest import citizen, published
from tests.posts.conftest import Pages, grant, pages, regulation  # noqa: F401 (fixtures)

AN_COMMENT = "Đề nghị phường sớm sửa đèn chiếu sáng ngõ 12"
BINH_COMMENT = "Bình luận riêng của chị Bình về điểm thu gom rác"
AN_FEEDBACK = "Đường liên thôn bị sụt lún sau mưa lớn, xe máy đi lại rất nguy hiểm."
BINH_FEEDBACK = "Khu tập thể thường xuyên mất nước vào buổi tối, đề nghị kiểm tra."


@dataclass
class World:
    pages: Pages
    post: Post
    an: User
    binh: User
    an_comment: Comment
    binh_comment: Comment
    an_feedback: Feedback
    binh_feedback: Feedback
    central_dpo: User
    central_admin: User
    central_analyst: User
    province_admin: User
    province_dpo: User
    commune_dpo: User


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"  # feedback files (core/private_files.py)
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows must not leak between tests
    yield
    cache.clear()


def _send(who: User, unit_id: int, text: str) -> Feedback:
    return feedback_actions.submit(
        who,
        unit_id,
        Category.objects.get(slug="ha-tang-giao-thong").pk,
        text,
        public=False,
        consent=True,
    )


@pytest.fixture
def world(pages, personas) -> World:  # noqa: F811
    post = published(pages.kinh_bac)
    an = citizen("+84912000101", "Nguyễn Văn An")
    an.date_of_birth = datetime.date(1990, 5, 19)
    an.save()
    binh = citizen("+84912000102", "Trần Thị Bình")
    for who in (an, binh):  # as the sign-up records it
        record_consent(who, ConsentPurpose.ACCOUNT, now=timezone.now())
    for who in (an, binh):
        follows.follow(who, pages.kinh_bac.pk)
    reactions.react(an, post.pk, "like")
    referrals.share(an, pages.kinh_bac, post, "zalo")
    referrals.code_for(an)
    an_comment = comment_actions.comment(an, post.pk, AN_COMMENT)
    binh_comment = comment_actions.comment(binh, post.pk, BINH_COMMENT)
    central = unit_2025("TW")
    bac_ninh = pages.bac_ninh.unit
    kinh_bac = pages.kinh_bac.unit
    return World(
        pages=pages,
        post=post,
        an=an,
        binh=binh,
        an_comment=an_comment,
        binh_comment=binh_comment,
        an_feedback=_send(an, kinh_bac.pk, AN_FEEDBACK),
        binh_feedback=_send(binh, kinh_bac.pk, BINH_FEEDBACK),
        central_dpo=grant("tw.baovedulieu", central, Role.DATA_PROTECTION),
        central_admin=personas["tw.quantri"],
        central_analyst=personas["tw.thongke"],
        province_admin=personas["bacninh.quantri"],
        province_dpo=grant("bacninh.baovedulieu", bac_ninh, Role.DATA_PROTECTION),
        commune_dpo=grant("kinhbac.baovedulieu", kinh_bac, Role.DATA_PROTECTION),
    )
