"""A citizen's data as a ZIP: one JSON file per kind of data, the feedback files they sent, and
a README in Vietnamese saying what each file holds (Law 91/2025: the right to get one's data).

Only rows that are the citizen's own are read, each by its owner column; other people appear
by no more than what the citizen already saw (a page's name, a unit's name), never by account.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from congdong.accounts.models import User
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
from congdong.feedback.models import Feedback
from congdong.moderation.models import Appeal, Case, Lock, Report, Strike
from congdong.privacy.models import ConsentRecord, DataRequest


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _value(v) for k, v in row.items()} for row in items]


def profile(user: User) -> dict[str, Any]:
    return {
        k: _value(v)
        for k, v in {
            "full_name": user.full_name,
            "phone": user.phone,
            "phone_verified_at": user.phone_verified_at,
            "date_of_birth": user.date_of_birth,
            "account_created_at": user.date_joined,
            "last_login": user.last_login,
        }.items()
    }


def consents(user: User) -> list[dict[str, Any]]:
    return _rows(
        ConsentRecord.objects.filter(user=user)
        .order_by("given_at", "pk")
        .values("purpose", "policy_version", "reference", "given_at", "how", "ip", "withdrawn_at")
    )


def follows(user: User) -> list[dict[str, Any]]:
    return _rows(
        Follow.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("notify", "created_at", page_name=F("page__name"), page_address=F("page__slug"))
    )


def reactions(user: User) -> list[dict[str, Any]]:
    return _rows(
        Reaction.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("kind", "created_at", post_number=F("post_id"), post_title=F("post__title"))
    )


def comments(user: User) -> list[dict[str, Any]]:
    return _rows(
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
    return _rows(
        Share.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("channel", "created_at", page_name=F("page__name"), post_number=F("post_id"))
    )


def referrals(user: User) -> dict[str, Any]:
    code = ReferralCode.objects.filter(user=user).values_list("code", flat=True).first()
    # Who opened the link is the other person's data: only when and which page.
    opened = _rows(
        ReferralOpen.objects.filter(referrer=user)
        .order_by("opened_at", "pk")
        .values("opened_at", "followed_at", page_name=F("page__name"), post_number=F("post_id"))
    )
    return {"referral_code": code, "links_opened": opened}


def feedback(user: User) -> list[dict[str, Any]]:
    out = []
    items = (
        Feedback.objects.filter(citizen=user)
        .select_related("unit", "category")
        .prefetch_related("attachments", "transitions__to_unit")
        .order_by("created_at", "pk")
    )
    for item in items:
        out.append(
            {
                "tracking_code": item.code,
                "unit": item.unit.full_name,
                "category": item.category.name,
                "text": item.text,
                "place": item.place,
                "latitude": _value(item.latitude),
                "longitude": _value(item.longitude),
                "answer_may_be_published": item.public,
                "urgent": item.urgent,
                "consent_at": _value(item.consent_at),
                "consent_version": item.consent_version,
                "state": item.state,
                "answer": item.answer,
                "answered_at": _value(item.answered_at),
                "sent_at": _value(item.created_at),
                "files": [
                    f"feedback_files/{item.code}/{a.pk}-{a.original_name}"
                    for a in item.attachments.all()
                ],
                # Officers appear by their unit, not by name.
                "history": [
                    {
                        "action": t.action,
                        "to_state": t.to_state,
                        "unit": t.to_unit.full_name,
                        "text": t.reason,
                        "at": _value(t.at),
                    }
                    for t in item.transitions.all()
                ],
            }
        )
    return out


def moderation(user: User) -> dict[str, Any]:
    return {
        "reports_you_made": _rows(
            Report.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values("item_key", "reason", "text", "created_at")
        ),
        "decisions_on_your_content": _rows(
            Case.objects.filter(author=user)
            .exclude(state="open")
            .order_by("opened_at", "pk")
            .values("item_key", "state", "decided_at", "reason")
        ),
        "strikes": _rows(
            Strike.objects.filter(user=user).order_by("at", "pk").values("at", "revoked_at")
        ),
        "locks": _rows(
            Lock.objects.filter(user=user)
            .order_by("starts_at", "pk")
            .values("kind", "starts_at", "ends_at", "reason", "lifted_at")
        ),
        "appeals": _rows(
            Appeal.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values("text", "state", "created_at", "decided_at", "reason")
        ),
    }


def notifications(user: User) -> dict[str, Any]:
    settings_row = (
        NotificationSettings.objects.filter(user=user)
        .values("digest", "email", "instant_sms", "instant_email")
        .first()
    )
    default = {"digest": "none", "email": "", "instant_sms": True, "instant_email": True}
    return {
        "settings": settings_row or default,
        "notifications": _rows(
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


def data_requests(user: User) -> list[dict[str, Any]]:
    return _rows(
        DataRequest.objects.filter(citizen=user)
        .order_by("received_at", "pk")
        .values(
            "kind",
            "text",
            "state",
            "answer",
            "self_service",
            "received_at",
            "due_at",
            "answered_at",
            number=F("pk"),
        )
    )


SECTIONS = {
    "profile.json": profile,
    "consents.json": consents,
    "follows.json": follows,
    "reactions.json": reactions,
    "comments.json": comments,
    "shares.json": shares,
    "referrals.json": referrals,
    "feedback.json": feedback,
    "moderation.json": moderation,
    "notifications.json": notifications,
    "data_requests.json": data_requests,
}


def collect(user: User) -> dict[str, Any]:
    """Every section of the export, by file name."""
    return {name: read(user) for name, read in SECTIONS.items()}


def build_zip(user: User, now: datetime.datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in collect(user).items():
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for item in Feedback.objects.filter(citizen=user).prefetch_related("attachments"):
            for attachment in item.attachments.all():
                try:
                    with attachment.file.open("rb") as handle:
                        content = handle.read()
                except (FileNotFoundError, OSError):
                    continue  # a file lost from storage: the list in feedback.json still says
                archive.writestr(
                    f"feedback_files/{item.code}/{attachment.pk}-{attachment.original_name}",
                    content,
                )
        # The citizen reads Vietnamese; the README is theirs whatever the site's language.
        with translation.override("vi"):
            readme = render_to_string(
                "privacy/export_readme.txt",
                {"user": user, "now": timezone.localtime(now), "files": list(SECTIONS)},
            )
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def file_name(now: datetime.datetime) -> str:
    return f"du-lieu-ca-nhan-{timezone.localtime(now):%Y%m%d-%H%M}.zip"
