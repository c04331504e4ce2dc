"""Handbook and board tests: the personas, a central unit admin (no persona has that role),
staff of a sibling commune and of Hà Nội, on real units of the 2025 tree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.handbook import actions
from congdong.handbook.models import BoardKind, BoardPost, HandbookPage, PageKind, RevisionState
from congdong.units.models import Level, Unit
from tests.conftest import commune_named, unit_2025
from tests.posts.conftest import grant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=VN)
REGULATION = (
    "## Điều 1. Phạm vi\n\n"
    "Quy chế này quy định việc đăng tin trên **Trang cộng đồng** của Mặt trận các cấp.\n\n"
    "## Điều 2. Nguyên tắc\n\n"
    "- Thông tin chính xác, có nguồn.\n"
    "- Không kêu gọi ủng hộ qua tài khoản cá nhân.\n"
)
PROPOSAL = (
    "Đề nghị tỉnh tổ chức tập huấn kỹ năng chụp ảnh, viết tin ngắn cho cán bộ Mặt trận "
    "khu dân cư, vì nhiều tin gửi lên còn thiếu thời gian, địa điểm."
)


@dataclass(frozen=True)
class Units:
    centre: Unit
    bac_ninh: Unit
    kinh_bac: Unit
    sibling: Unit  # another commune of Bắc Ninh
    hanoi: Unit
    hanoi_commune: Unit


@pytest.fixture
def units(db) -> Units:
    bac_ninh, hanoi = unit_2025("24"), unit_2025("01")
    kinh_bac = commune_named("24", "Kinh Bắc")
    communes = Unit.objects.filter(level=Level.COMMUNE).order_by("code")
    return Units(
        centre=Unit.objects.get(structure__code="2025", code="TW"),
        bac_ninh=bac_ninh,
        kinh_bac=kinh_bac,
        sibling=communes.in_subtree(bac_ninh).exclude(pk=kinh_bac.pk).first(),
        hanoi=hanoi,
        hanoi_commune=communes.in_subtree(hanoi).first(),
    )


@pytest.fixture
def people(personas, units) -> dict[str, User]:
    """The personas, plus: tw.quantri (unit admin of the central unit), sibling.canbo (editor of
    a sibling commune in Bắc Ninh), hanoi.canbo (editor of a commune of Hà Nội), and
    kinhbac.dongnghiep (a second editor of Kinh Bắc), tw.banhanh (a second central admin: publishes
    what tw.quantri writes)."""
    return personas | {
        "tw.quantri": grant("tw.quantri", units.centre, Role.UNIT_ADMIN),
        "tw.banhanh": grant("tw.banhanh", units.centre, Role.UNIT_ADMIN),
        "sibling.canbo": grant("sibling.canbo", units.sibling, Role.EDITOR),
        "hanoi.canbo": grant("hanoi.canbo", units.hanoi_commune, Role.EDITOR),
        "kinhbac.dongnghiep": grant("kinhbac.dongnghiep", units.kinh_bac, Role.EDITOR),
    }


@pytest.fixture
def regulation(people) -> HandbookPage:
    """Written by tw.quantri, version 1 published by tw.banhanh."""
    page = actions.create_page(
        people["tw.quantri"],
        "quy-che-thong-tin",
        "Quy chế thông tin, tuyên truyền",
        REGULATION,
        kind=PageKind.REGULATION,
        note="Ban hành",
        now=AT,
    )
    actions.decide_version(people["tw.banhanh"], page.slug, 1, RevisionState.PUBLISHED, now=AT)
    return page


def proposal(people: dict[str, User], units: Units, **fields) -> BoardPost:
    """A proposal by kinhbac.canbo for phường Kinh Bắc."""
    data = {
        "unit_id": units.kinh_bac.pk,
        "kind": BoardKind.PROPOSAL,
        "title": "Tập huấn viết tin cho cán bộ khu dân cư",
        "body": PROPOSAL,
    } | fields
    return actions.create_post(people["kinhbac.canbo"], now=AT, **data)
