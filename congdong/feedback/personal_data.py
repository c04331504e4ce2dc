"""What feedback holds of a citizen, for congdong.privacy: the section of their data's copy (the
feedback they sent, its handling, the answers) with the files they attached. Feedback is kept
when the account is deleted (the handling record, docs/privacy.md): nothing to erase here.
Registered in this app's AppConfig.ready() (`connect`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import User
from congdong.feedback.models import Feedback
from congdong.privacy.export import Section, register_section, value


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
                "latitude": value(item.latitude),
                "longitude": value(item.longitude),
                "answer_may_be_published": item.public,
                "urgent": item.urgent,
                "consent_at": value(item.consent_at),
                "consent_version": item.consent_version,
                "state": item.state,
                "answer": item.answer,
                "answered_at": value(item.answered_at),
                "sent_at": value(item.created_at),
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
                        "at": value(t.at),
                    }
                    for t in item.transitions.all()
                ],
            }
        )
    return out


def attached_files(user: User) -> Iterator[tuple[str, bytes]]:
    """The files the citizen attached, under feedback_files/<tracking code>/, as feedback.json
    lists them."""
    for item in Feedback.objects.filter(citizen=user).prefetch_related("attachments"):
        for attachment in item.attachments.all():
            try:
                with attachment.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                continue  # a file lost from storage: the list in feedback.json still says
            yield f"feedback_files/{item.code}/{attachment.pk}-{attachment.original_name}", content


def connect() -> None:
    """Register this app's section of the export with congdong.privacy."""
    register_section(
        Section(
            "feedback.json",
            feedback,
            _(
                "the feedback you sent, its handling and the answers; the files you attached "
                "are in feedback_files/"
            ),
            order=80,
            files=attached_files,
        )
    )
