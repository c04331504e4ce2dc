"""Feedback tests: citizens made on the spot, the personas, real units of the 2025 tree, and a
fixed sending time (Tuesday 3 March 2026, 09:00 in Hà Nội) passed to every action as `now`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.feedback import actions
from congdong.feedback.models import Category, Feedback
from congdong.units.models import Level, Unit
from tests.clock import VN
from tests.conftest import commune_named, unit_2025
from tests.engagement.conftest import citizen
from tests.posts.conftest import grant

SENT = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=VN)
TEXT = "Đường liên thôn bị sụt lún sau mưa lớn, xe máy đi lại rất nguy hiểm."


@dataclass(frozen=True)
class Units:
    kinh_bac: Unit  # phường Kinh Bắc, Bắc Ninh
    sibling: Unit  # another commune of Bắc Ninh
    bac_ninh: Unit
    hanoi_commune: Unit
    hanoi: Unit


@pytest.fixture
def units(db) -> Units:
    kinh_bac = commune_named("24", "Kinh Bắc")
    bac_ninh = unit_2025("24")
    sibling = (
        Unit.objects.in_subtree(bac_ninh)
        .filter(level=Level.COMMUNE)
        .exclude(pk=kinh_bac.pk)
        .order_by("code")
        .first()
    )
    hanoi = unit_2025("01")
    hanoi_commune = Unit.objects.in_subtree(hanoi).filter(level=Level.COMMUNE).order_by("code")[0]
    return Units(kinh_bac, sibling, bac_ninh, hanoi_commune, hanoi)


@pytest.fixture
def people(personas, units) -> dict[str, User]:
    """The personas, a citizen, another citizen and a feedback officer of the sibling commune."""
    return personas | {
        "an": citizen("+84912000001", "Nguyễn Văn An"),
        "binh": citizen("+84912000002", "Trần Thị Bình"),
        "sibling.canbo": grant("sibling.canbo", units.sibling, Role.FEEDBACK_OFFICER),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"  # feedback files (core/private_files.py)
    return tmp_path


def category(slug: str = "ha-tang-giao-thong") -> Category:
    return Category.objects.get(slug=slug)


def send(who: User, unit: Unit, now: datetime.datetime = SENT, **fields) -> Feedback:
    """Feedback sent by `who` to `unit` at `now`; `fields` override the defaults."""
    values = {
        "category_id": category().pk,
        "text": TEXT,
        "public": True,
        "consent": True,
        "urgent": False,
    } | fields
    return actions.submit(who, unit.pk, now=now, **values)


def moves(item: Feedback) -> list[tuple[str, str, str]]:
    """(action, from, to) of every transition, oldest first."""
    return list(
        item.transitions.order_by("at", "pk").values_list("action", "from_state", "to_state")
    )


def answered(
    item: Feedback,
    officer: User,
    at: datetime.datetime | None = None,
    text: str = "Phường đã cho san lấp và trải nhựa lại.",
) -> Feedback:
    """The item accepted, assigned to `officer` and answered by them (at `at`, now by default)."""
    at = at or timezone.now()
    actions.accept(officer, item.pk, now=at)
    actions.assign(officer, item.pk, officer.pk, now=at)
    return actions.answer(officer, item.pk, text, now=at)


@pytest.fixture(autouse=True)
def exact_small_figures(settings):
    """The feedback tests check the situation report's arithmetic on a handful of items from
    one or two citizens: the aggregate-only rule (k distinct senders) is off here (k = 1) and
    tested on its own in tests/security/test_opinion_aggregate.py."""
    settings.OPINION_MIN_SENDERS = 1
