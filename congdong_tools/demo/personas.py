"""The demo's people: one per persona in DESIGN.md, on real units of the 2025 structure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from congdong.accounts.actions import Grant, do_grant
from congdong.accounts.models import AccountKind, Membership, Organisation, User
from congdong.accounts.roles import Role
from congdong.units.models import Level, Structure, Unit

# Long enough for the password validators; printed by `congdong demo`, never for production.
DEMO_PASSWORD = "MatTran@2026"


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    description: str
    roles: tuple[tuple[str, str, Role], ...]  # (organisation, unit lookup, role)


# Unit lookups: "TW" is the central unit; "24" is Bắc Ninh (2025 code);
# "24/Kinh Bắc" is the commune-level unit named Kinh Bắc in Bắc Ninh; "2022:TW" is the
# central unit of the 2022 structure.
PERSONAS = [
    Persona(
        "tw.bientap",
        "Trần Minh Đức",
        "Biên tập viên, người duyệt tin Trung ương (central editor/approver)",
        (("mttq", "TW", Role.EDITOR), ("mttq", "TW", Role.APPROVER)),
    ),
    Persona(
        "tw.quantri",
        "Lương Thị Thu",
        "Quản trị đơn vị Trung ương (central unit admin: the handbook, personal data requests)",
        (("mttq", "TW", Role.UNIT_ADMIN),),
    ),
    Persona(
        "bacninh.quantri",
        "Nguyễn Thị Lan",
        "Quản trị đơn vị tỉnh Bắc Ninh (province unit admin)",
        (("mttq", "24", Role.UNIT_ADMIN),),
    ),
    Persona(
        "kinhbac.canbo",
        "Lê Văn Hùng",
        "Biên tập viên, cán bộ tiếp nhận phản ánh phường Kinh Bắc "
        "(commune editor, feedback officer)",
        (("mttq", "24/Kinh Bắc", Role.EDITOR), ("mttq", "24/Kinh Bắc", Role.FEEDBACK_OFFICER)),
    ),
    Persona(
        "kinhbac.doanvien",
        "Phạm Thu Trang",
        "Đoàn viên hỗ trợ phường Kinh Bắc (Youth Union co-admin)",
        (),  # co-runs the Kinh Bắc page only: see demo/pages.py
    ),
    Persona(
        "bacninh.thongke",
        "Hoàng Quốc Việt",
        "Cán bộ thống kê tỉnh Bắc Ninh (analyst)",
        (("mttq", "24", Role.ANALYST),),
    ),
    Persona(
        "tw.thongke",
        "Bùi Thị Hạnh",
        "Cán bộ thống kê Trung ương (national analyst, both structures)",
        (("mttq", "TW", Role.ANALYST), ("mttq", "2022:TW", Role.ANALYST)),
    ),
    Persona(
        "hanoi.quantri",
        "Đỗ Mạnh Cường",
        "Quản trị đơn vị thành phố Hà Nội (city unit admin)",
        (("mttq", "01", Role.UNIT_ADMIN),),
    ),
    Persona(
        "hanoi.kiemduyet",
        "Phan Thanh Tùng",
        "Kiểm duyệt viên thành phố Hà Nội (moderator: reports, takedown requests)",
        (("mttq", "01", Role.MODERATOR),),
    ),
    Persona(
        "tw.baovedulieu",
        "Đinh Thị Ngọc",
        "Cán bộ bảo vệ dữ liệu cá nhân Trung ương (data protection officer: requests, breaches, "
        "audit log)",
        (("mttq", "TW", Role.DATA_PROTECTION),),
    ),
    Persona("tiendu.canbo", "Vũ Thị Mai", "Cán bộ chưa có vai trò (staff, no role yet)", ()),
]
CITIZEN = {
    "phone": "+84912345678",
    "full_name": "Nguyễn Văn An",
    "date_of_birth": datetime.date(1990, 5, 19),
}


def find_unit(lookup: str) -> Unit:
    structure = "2025"
    if lookup.startswith("2022:"):
        structure, lookup = "2022", lookup[5:]
    units = Unit.objects.filter(structure__code=structure)
    if "/" in lookup:
        province_code, name = lookup.split("/", 1)
        province = units.get(code=province_code)
        return units.in_subtree(province).filter(level=Level.COMMUNE, name=name).get()
    return units.get(code=lookup)


def ensure_personas() -> list[tuple[Persona, User]]:
    """Create the personas (once); returns them with their accounts."""
    out = []
    with transaction.atomic():
        for code in Organisation.Code:
            Organisation.objects.get_or_create(code=code, defaults={"name": code.label})
        for persona in PERSONAS:
            user, created = User.objects.get_or_create(
                username=persona.username,
                defaults={"full_name": persona.full_name, "kind": AccountKind.STAFF},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            for org_code, lookup, role in persona.roles:
                if (
                    lookup.startswith("2022:")
                    and not Structure.objects.filter(code="2022", units__isnull=False).exists()
                ):
                    continue  # a test that loaded only part of the 2025 tree
                unit = find_unit(lookup)
                if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
                    org = Organisation.objects.get(code=org_code)
                    do_grant(None, Grant(unit=unit, user=user, organisation=org, role=role))
            out.append((persona, user))
        if not User.objects.filter(phone=CITIZEN["phone"]).exists():
            citizen = User(
                username="cd" + CITIZEN["phone"].lstrip("+"),
                kind=AccountKind.CITIZEN,
                phone_verified_at=timezone.now(),  # as if signed up with a code
                **CITIZEN,
            )
            citizen.set_unusable_password()
            citizen.save()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", password=DEMO_PASSWORD, full_name="Quản trị hệ thống"
            )
    return out
