"""Demo breach register and audit log: a breach at phường Kinh Bắc a few hours before its
72-hour deadline, one at Bắc Ninh already notified to A05, and a handful of audit rows.

The demo writes through actions, not through HTTP, so the audit middleware sees none of it:
a few rows are appended with `congdong.audit.record` (as the middleware would have) so the log
screen shows what it looks like. Breaches are made through `congdong.breaches.actions`.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from congdong.accounts.models import User
from congdong.audit.models import Action, AuditEntry, Outcome, Via
from congdong.audit.record import record
from congdong.audit.targets import Found, unit_title
from congdong.breaches import actions
from congdong.breaches.models import Breach
from congdong.units.models import Unit
from congdong_tools.demo.personas import find_unit

H = datetime.timedelta(hours=1)
OPEN = {
    "description": (
        'Cán bộ gửi nhầm tệp danh sách hộ nhận hỗ trợ Quỹ "Vì người nghèo" (kèm số điện thoại) '
        "vào nhóm Zalo công khai của khu phố; tệp được gỡ sau khoảng 40 phút."
    ),
    "data_categories": "Họ và tên, số điện thoại, địa chỉ, hoàn cảnh gia đình",
    "subjects_count": 312,
    "consequences": (
        "Người nhận hỗ trợ có thể bị lợi dụng, lừa đảo qua điện thoại hoặc bị kỳ thị."
    ),
    "measures": (
        "Đã yêu cầu quản trị nhóm xóa tệp và tin nhắn chuyển tiếp; rà soát người đã tải tệp; "
        "dự kiến chỉ gửi danh sách qua hệ thống có phân quyền."
    ),
    "contact": "Lê Văn Hùng, cán bộ phường Kinh Bắc, 0222 3821 234",
}
NOTIFIED = {
    "description": (
        "Máy tính của Văn phòng bị nhiễm mã độc; tệp trích xuất phản ánh, kiến nghị của công dân "
        "có thể đã bị sao chép ra ngoài."
    ),
    "data_categories": "Họ và tên, số điện thoại, nội dung phản ánh, kiến nghị",
    "subjects_count": 1480,
    "consequences": "Lộ thông tin người phản ánh; nguy cơ bị trả đũa hoặc lừa đảo.",
    "measures": (
        "Cô lập máy tính, đổi mật khẩu tài khoản quản trị, phối hợp Công an tỉnh điều tra; "
        "rà soát quy trình trích xuất dữ liệu."
    ),
    "contact": "Nguyễn Thị Lan, Quản trị đơn vị tỉnh Bắc Ninh, 0222 3822 000",
}


def _found(unit: Unit, kind: str = "unit", number: str = "", text: str = "") -> Found:
    return Found(
        kind,
        number or str(unit.pk),
        text or unit.name,
        unit.pk,
        unit.path,
        unit_title(unit.name, unit.kind),
    )


def ensure_breaches() -> int:
    """Create the demo breaches and audit rows (once); returns the breaches created."""
    if Breach.objects.exists():
        return 0
    now = timezone.now()
    admin = User.objects.get(username="bacninh.quantri")
    officer = User.objects.get(username="kinhbac.canbo")
    kinh_bac, bac_ninh = find_unit("24/Kinh Bắc"), find_unit("24")
    with transaction.atomic():
        # The province admin records both (unit admins hold PROTECT_DATA on the subtree).
        near = actions.record(
            admin,
            {"unit_id": kinh_bac.pk, "discovered_at": now - 66 * H, **OPEN},
            now=now - 65 * H,
        )
        done = actions.record(
            admin,
            {"unit_id": bac_ninh.pk, "discovered_at": now - 10 * 24 * H, **NOTIFIED},
            now=now - 10 * 24 * H + H,
        )
        sent = now - 8 * 24 * H
        actions.notify(admin, done.pk, "27/TB-MTTQ", notified_at=sent, now=sent)
        if not AuditEntry.objects.exists():
            _audit(now, admin, officer, kinh_bac, bac_ninh, near, done)
    return 2


def _audit(now, admin, officer, kinh_bac, bac_ninh, near, done) -> None:
    web = {"via": Via.WEB, "ip": "10.24.0.15"}
    rows = [
        (now - 70 * H, dict(action=Action.LOGIN, actor=officer, method="POST", **web)),
        (
            now - 65 * H,
            dict(
                action="breaches:new",
                actor=admin,
                method="POST",
                path="/lam-viec/su-co-du-lieu/ghi-nhan/",
                target=_found(kinh_bac, "breach", str(near.pk), OPEN["description"][:300]),
                status=302,
                **web,
            ),
        ),
        (
            now - 8 * 24 * H,
            dict(
                action="breaches:notify",
                actor=admin,
                method="POST",
                path=f"/lam-viec/su-co-du-lieu/{done.pk}/da-thong-bao/",
                target=_found(bac_ninh, "breach", str(done.pk), NOTIFIED["description"][:300]),
                status=302,
                **web,
            ),
        ),
        (
            now - 3 * H,
            dict(
                action=Action.LOGIN_FAILED,
                actor=officer,
                actor_name="kinhbac.canbo",
                outcome=Outcome.REFUSED,
                method="POST",
                **web,
            ),
        ),
        (
            now - 2 * H,
            dict(
                action="accounts:grant",
                actor=admin,
                method="POST",
                path=f"/lam-viec/don-vi/{kinh_bac.pk}/cap-quyen/",
                target=_found(kinh_bac),
                status=302,
                **web,
            ),
        ),
    ]
    for at, row in rows:
        record(at=at, **row)
