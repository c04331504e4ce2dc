"""Breach tests: phường Kinh Bắc, a sibling commune, Bắc Ninh and Hà Nội; data protection
officers at each level; a fixed discovery (Saturday 7 March 2026, 22:00 in Hà Nội: the 72 hours
run to Tuesday 22:00, weekend or not)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.breaches import actions
from congdong.breaches.models import Breach
from congdong.units.models import Unit
from tests.clock import VN
from tests.posts.conftest import grant
from tests.units.around_kinh_bac import around_kinh_bac

DISCOVERED = datetime.datetime(2026, 3, 7, 22, 0, tzinfo=VN)
NOW = DISCOVERED + datetime.timedelta(hours=1)
DESCRIPTION = (
    "Tệp danh sách người nhận hỗ trợ Quỹ Vì người nghèo bị gửi nhầm vào nhóm Zalo công khai "
    "của khu phố."
)


@dataclass
class World:
    kinh_bac: Unit
    sibling: Unit
    bac_ninh: Unit
    ha_noi: Unit
    commune_dpo: User
    sibling_dpo: User
    province_admin: User
    hanoi_admin: User
    editor: User  # Kinh Bắc: no right over personal data


@pytest.fixture
def world(personas) -> World:
    units = around_kinh_bac()
    kinh_bac, sibling = units["kinh_bac"], units["sibling"]
    return World(
        **units,
        commune_dpo=grant("kinhbac.baove", kinh_bac, Role.DATA_PROTECTION),
        sibling_dpo=grant("xakhac.baove", sibling, Role.DATA_PROTECTION),
        province_admin=personas["bacninh.quantri"],
        hanoi_admin=personas["hanoi.quantri"],
        editor=grant("kinhbac.bientap", kinh_bac, Role.EDITOR),
    )


def fields(unit: Unit, **more) -> dict:
    return {
        "unit_id": unit.pk,
        "discovered_at": DISCOVERED,
        "occurred_at": DISCOVERED - datetime.timedelta(hours=3),
        "description": DESCRIPTION,
        "data_categories": "Họ và tên, số điện thoại, địa chỉ, hoàn cảnh gia đình",
        "subjects_count": 1250,
        "consequences": "Người nhận hỗ trợ có thể bị lợi dụng, lừa đảo qua điện thoại.",
        "measures": "Đã đề nghị quản trị nhóm xóa tệp; đổi quy trình gửi danh sách.",
        "contact": "Nguyễn Văn Bảo, Phó Chủ tịch, 0912 000 111, baove@mttq.example.vn",
        **more,
    }


def recorded(actor: User, unit: Unit, **more) -> Breach:
    return actions.record(actor, fields(unit, **more), now=NOW)
