"""The regulation congdong ships with (version 1), from the categories in DOMAIN.md."""

from __future__ import annotations

import datetime

from django.db import transaction

from congdong.posts import models
from congdong.units.models import Level

A = models.ApprovalLevel
# (code, name, default approval level, source required, revision approved again,
#  {posting level: approval level} overrides). Names are proper Vietnamese titles: not translated.
DEFAULT_CATEGORIES: list[tuple[str, str, A, bool, bool, dict[str, A]]] = [
    ("hoat-dong-mat-tran", "Hoạt động của Mặt trận", A.SAME_UNIT, False, False, {}),
    ("dai-doan-ket", "Đại đoàn kết toàn dân tộc", A.SAME_UNIT, False, True, {}),
    (
        "chinh-sach-phap-luat",
        "Chính sách, pháp luật",
        A.SAME_UNIT,
        True,  # the legal text the post explains
        True,
        {Level.COMMUNE: A.UNIT_ABOVE},
    ),
    ("an-sinh-xa-hoi", "An sinh xã hội, Quỹ “Vì người nghèo”", A.SAME_UNIT, False, True, {}),
    # Any call for money: the unit above checks the bank account is the unit's official one.
    ("cuu-tro", "Cứu trợ thiên tai, bão lũ", A.UNIT_ABOVE, False, True, {}),
    ("giam-sat-phan-bien", "Giám sát và phản biện xã hội", A.UNIT_ABOVE, False, True, {}),
    ("phan-bac-tin-gia", "Phản bác thông tin sai trái, tin giả", A.PROVINCE, True, True, {}),
    ("guong-nguoi-tot", "Gương người tốt, việc tốt", A.SAME_UNIT, False, False, {}),
    ("bau-cu", "Bầu cử", A.PROVINCE, False, True, {}),
]

# Fake pages collected donations into a private account: that is blocked outright.
DEFAULT_PHRASES: list[tuple[str, models.PhraseAction]] = [
    ("chuyển khoản vào tài khoản cá nhân", models.PhraseAction.BLOCK),
    ("ủng hộ qua tài khoản cá nhân", models.PhraseAction.BLOCK),
    ("tin đồn", models.PhraseAction.WARN),
    ("chưa được kiểm chứng", models.PhraseAction.WARN),
    ("nghe nói", models.PhraseAction.WARN),
]


def ensure_default_regulation() -> models.Regulation:
    """Version 1 of the regulation with its categories, rules and phrases; created once.

    If version 1 exists (perhaps edited by an admin since) it is returned unchanged.
    """
    with transaction.atomic():
        regulation, created = models.Regulation.objects.get_or_create(
            version=1,
            defaults={
                "title": "Quy chế thông tin, tuyên truyền trên trang cộng đồng",
                "effective_from": datetime.date(2025, 7, 1),
            },
        )
        if not created:
            return regulation
        for order, (code, name, level, source, revision, rules) in enumerate(DEFAULT_CATEGORIES):
            category = models.Category.objects.create(
                regulation=regulation,
                code=code,
                name=name,
                order=order,
                approval_level=level,
                requires_source=source,
                revision_needs_approval=revision,
            )
            models.ApprovalRule.objects.bulk_create(
                models.ApprovalRule(category=category, level=posting, approval_level=approval)
                for posting, approval in rules.items()
            )
        models.ForbiddenPhrase.objects.bulk_create(
            models.ForbiddenPhrase(regulation=regulation, phrase=phrase, action=action)
            for phrase, action in DEFAULT_PHRASES
        )
    return regulation
