"""Demo personal data: every demo citizen's account consent (as sign-up records it), a few
optional digest consents, and a handful of requests in the register — one overdue, one being
handled, one answered, one refused, and self-service downloads and corrections — so the
officers' queue (tw.quantri, central unit admin) and the citizens' data page have content.

Requests go through `congdong.privacy.actions` with a `now` in the past, so deadlines and
history are what the screens read. Run once: nothing is added when requests already exist.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.privacy import actions
from congdong.privacy.models import (
    Channel,
    ConsentPurpose,
    ConsentRecord,
    DataRequest,
    RequestKind,
)
from congdong_tools.demo.personas import CITIZEN

OFFICER = "tw.quantri"  # central unit admin: holds PROTECT_DATA on the central unit
DIGEST_EVERY = 25  # one demo citizen in 25 took the optional SMS digest

# (kind, text, days ago, what the officer did: "", "take", "answer" or "refuse", reply)
REQUESTS = [
    (
        RequestKind.ACCESS,
        "Đề nghị cho biết những cơ quan nào đã được cung cấp số điện thoại của tôi.",
        9,
        "answer",
        "Số điện thoại của ông/bà chỉ dùng để gửi mã xác thực và bản tin (nếu đăng ký), "
        "không cung cấp cho cơ quan, tổ chức nào khác.",
    ),
    (
        RequestKind.CORRECT,
        "Tôi đã đổi số điện thoại, đề nghị chuyển tài khoản sang số 0912 888 999.",
        6,
        "",
        "",
    ),
    (
        RequestKind.OBJECT,
        "Tôi không đồng ý để câu trả lời phản ánh của tôi được đăng công khai trên trang phường.",
        1,
        "take",
        "",
    ),
    (
        RequestKind.DELETE,
        "Đề nghị xóa toàn bộ phản ánh tôi đã gửi năm ngoái về tranh chấp đất đai.",
        12,
        "refuse",
        "Phản ánh là hồ sơ giải quyết của Mặt trận, phải lưu 5 năm theo quy định; nội dung đã "
        "được khử nhận dạng khi công bố.",
    ),
]


def _citizens() -> list[User]:
    return list(User.objects.filter(kind=AccountKind.CITIZEN, is_active=True).order_by("pk"))


def ensure_consents() -> int:
    """The account consent of each citizen without one, dated at their sign-up."""
    have = set(
        ConsentRecord.objects.filter(purpose=ConsentPurpose.ACCOUNT).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for n, user in enumerate(_citizens()):
        if user.pk in have:
            continue
        given = user.phone_verified_at or user.date_joined
        common = {
            "user": user,
            "policy_version": settings.PRIVACY_POLICY_VERSION,
            "given_at": given,
            "how": Channel.WEB,
        }
        rows.append(ConsentRecord(purpose=ConsentPurpose.ACCOUNT, **common))
        if n % DIGEST_EVERY == 1:
            rows.append(ConsentRecord(purpose=ConsentPurpose.DIGEST, **common))
    ConsentRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def ensure_requests(now: datetime.datetime | None = None) -> int:
    """The demo requests, once; returns how many were made."""
    if DataRequest.objects.exists():
        return 0
    now = now or timezone.now()
    officer = User.objects.filter(username=OFFICER).first()
    an = User.objects.filter(phone=CITIZEN["phone"]).first()
    others = [u for u in _citizens() if an is None or u.pk != an.pk][:8]
    people = ([an] if an else []) + others
    if officer is None or len(people) < len(REQUESTS):
        return 0
    made = 0
    with transaction.atomic():
        for who, (kind, text, days, done, reply) in zip(people, REQUESTS, strict=False):
            at = now - datetime.timedelta(days=days)
            item = actions.do_submit(actions.check_submit(who, kind, text, now=at))
            later = min(now, at + datetime.timedelta(hours=3))
            if done == "take":
                actions.take(officer, item.pk, now=later)
            elif done == "answer":
                actions.take(officer, item.pk, now=later)
                actions.answer(officer, item.pk, reply, now=later + datetime.timedelta(hours=2))
            elif done == "refuse":
                actions.refuse(officer, item.pk, reply, now=later)
            made += 1
        # The register also holds what citizens did themselves.
        for who in others[4:7]:
            actions.download(who, now=now - datetime.timedelta(days=2))
            made += 1
    return made


def ensure_privacy() -> dict[str, int]:
    return {"consents": ensure_consents(), "requests": ensure_requests()}
