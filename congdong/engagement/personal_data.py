"""What engagement holds of a citizen, for congdong.privacy: the sections of their data's copy
(follows, reactions, comments, shares, referrals, notifications) and what deleting the account
erases here. Registered in this app's AppConfig.ready() (`connect`)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import User
from congdong.engagement.actions.erasure import erase_account
from congdong.engagement.models import (
    Comment,
    Follow,
    Notification,
    NotificationSettings,
    Reaction,
    ReferralCode,
    ReferralOpen,
    Share,
)
from congdong.privacy.erasure import register_eraser
from congdong.privacy.export import Section, register_section, rows


def follows(user: User) -> list[dict[str, Any]]:
    return rows(
        Follow.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("notify", "created_at", page_name=F("page__name"), page_address=F("page__slug"))
    )


def reactions(user: User) -> list[dict[str, Any]]:
    return rows(
        Reaction.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("kind", "created_at", post_number=F("post_id"), post_title=F("post__title"))
    )


def comments(user: User) -> list[dict[str, Any]]:
    return rows(
        Comment.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values(
            "body",
            "state",
            "created_at",
            "edited_at",
            number=F("pk"),
            post_number=F("post_id"),
            reply_to=F("parent_id"),
        )
    )


def shares(user: User) -> list[dict[str, Any]]:
    return rows(
        Share.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("channel", "created_at", page_name=F("page__name"), post_number=F("post_id"))
    )


def referrals(user: User) -> dict[str, Any]:
    code = ReferralCode.objects.filter(user=user).values_list("code", flat=True).first()
    # Who opened the link is the other person's data: only when and which page.
    opened = rows(
        ReferralOpen.objects.filter(referrer=user)
        .order_by("opened_at", "pk")
        .values("opened_at", "followed_at", page_name=F("page__name"), post_number=F("post_id"))
    )
    return {"referral_code": code, "links_opened": opened}


def notifications(user: User) -> dict[str, Any]:
    settings_row = (
        NotificationSettings.objects.filter(user=user)
        .values("digest", "email", "instant_sms", "instant_email")
        .first()
    )
    default = {"digest": "none", "email": "", "instant_sms": True, "instant_email": True}
    return {
        "settings": settings_row or default,
        "notifications": rows(
            Notification.objects.filter(recipient=user)
            .order_by("created_at", "pk")
            .values(
                "kind",
                "created_at",
                "read_at",
                # When it went by SMS or email as well (issue 16.3), and what it was about.
                "delivered_at",
                post_number=F("post_id"),
                feedback_code=F("feedback__code"),
                request_number=F("data_request_id"),
            )
        ),
    }


SECTIONS = (
    Section("follows.json", follows, _("the pages you follow"), order=30),
    Section("reactions.json", reactions, _("your reactions to posts"), order=40),
    Section("comments.json", comments, _("your comments and replies, with their state"), order=50),
    Section("shares.json", shares, _("what you shared and where"), order=60),
    Section(
        "referrals.json",
        referrals,
        _("your referral code and when your links were opened (not by whom)"),
        order=70,
    ),
    Section(
        "notifications.json",
        notifications,
        _("your notifications and digest settings"),
        order=100,
    ),
)


def connect() -> None:
    """Register this app's sections of the export and its eraser with congdong.privacy."""
    for section in SECTIONS:
        register_section(section)
    register_eraser("engagement", erase_account)
