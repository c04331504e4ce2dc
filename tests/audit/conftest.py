"""Audit tests: the takedown world (a comment on the page of phường Kinh Bắc, moderators at
each level) for real staff actions, and readers of the log at each level."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.audit.models import AuditEntry
from congdong.audit.record import record
from congdong.audit.targets import Found
from congdong.units.models import Unit
from tests.conftest import unit_2025
from tests.posts.conftest import grant, pages, regulation  # noqa: F401 (fixtures)
from tests.takedown.conftest import world  # noqa: F401 (fixture)
from tests.units.around_kinh_bac import around_kinh_bac


@dataclass
class Readers:
    kinh_bac: Unit
    sibling: Unit
    bac_ninh: Unit
    ha_noi: Unit
    central: Unit
    province_admin: User  # Bắc Ninh, unit admin
    commune_dpo: User  # Kinh Bắc, data protection officer
    hanoi_admin: User
    central_admin: User
    editor: User  # Kinh Bắc, editor: no right to read the log


@pytest.fixture
def readers(personas) -> Readers:
    units = around_kinh_bac()
    kinh_bac = units["kinh_bac"]
    return Readers(
        **units,
        central=unit_2025("TW"),
        province_admin=personas["bacninh.quantri"],
        commune_dpo=grant("kinhbac.baove", kinh_bac, Role.DATA_PROTECTION),
        hanoi_admin=personas["hanoi.quantri"],
        central_admin=personas["tw.quantri"],
        editor=grant("kinhbac.bientap", kinh_bac, Role.EDITOR),
    )


def entry_at(unit: Unit | None, action: str = "posts:approve", actor: User | None = None):
    """An audit row filed under `unit` (None: under no unit)."""
    target = (
        Found("unit", str(unit.pk), unit.name, unit.pk, unit.path, unit.full_name)
        if unit is not None
        else None
    )
    return record(
        action=action, actor=actor, actor_name="" if actor else "Người thử", target=target
    )


def actions_seen(rows) -> set[str]:
    return {row["action"] if isinstance(row, dict) else row.action for row in rows}


__all__ = ["AuditEntry", "entry_at"]
