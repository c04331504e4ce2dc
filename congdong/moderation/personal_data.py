"""What moderation holds of a citizen, for congdong.privacy: the section of their data's copy
(reports made, decisions on their content, strikes, locks, appeals), comments under a case kept
as evidence when the account is deleted (congdong.engagement erases the rest), and the refusal
to delete a locked account. Registered in this app's AppConfig.ready() (`connect`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.accounts.models import User
from congdong.core.errors import ActionError
from congdong.engagement.actions.erasure import register_evidence
from congdong.moderation.models import Appeal, Case, Lock, Report, Strike
from congdong.moderation.queries import active_lock
from congdong.privacy.erasure import register_check
from congdong.privacy.export import Section, register_section, rows


def moderation(user: User) -> dict[str, Any]:
    return {
        "reports_you_made": rows(
            Report.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values("item_key", "reason", "text", "created_at")
        ),
        "decisions_on_your_content": rows(
            Case.objects.filter(author=user)
            .exclude(state="open")
            .order_by("opened_at", "pk")
            .values("item_key", "state", "decided_at", "reason")
        ),
        "strikes": rows(
            Strike.objects.filter(user=user).order_by("at", "pk").values("at", "revoked_at")
        ),
        "locks": rows(
            Lock.objects.filter(user=user)
            .order_by("starts_at", "pk")
            .values("kind", "starts_at", "ends_at", "reason", "lifted_at")
        ),
        "appeals": rows(
            Appeal.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values("text", "state", "created_at", "decided_at", "reason")
        ),
    }


def cased_comments(citizen: User) -> set[int]:
    """The citizen's comments under a moderation case: kept, hidden, as evidence."""
    return set(Case.objects.filter(comment__author=citizen).values_list("comment_id", flat=True))


def check_not_locked(citizen: User, now: datetime.datetime) -> None:
    """A locked account is not deleted by its owner: otherwise deleting and signing up again
    with the same number would lift the lock."""
    if active_lock(citizen, now) is not None:
        raise ActionError(
            _(
                "Your account is locked for violations, so it cannot be deleted here. Send a "
                "request and the data protection officer will answer within 2 working days."
            ),
            status=403,
        )


def connect() -> None:
    """Register with congdong.privacy (the copy's section, the deletion's check) and with
    congdong.engagement (the comments kept as evidence)."""
    register_section(
        Section(
            "moderation.json",
            moderation,
            gettext_lazy(
                "reports you made, decisions on your content, violations, locks and appeals"
            ),
            order=90,
        )
    )
    register_check("moderation", check_not_locked)
    register_evidence("moderation", cased_comments)
