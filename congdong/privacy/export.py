"""A citizen's data as a ZIP: one JSON file per kind of data, the files they sent (feedback's
attachments), and a README in Vietnamese saying what each file holds (Law 91/2025: the right to
get one's data).

Each app that holds a citizen's rows describes them in a `Section` and registers it here in its
AppConfig.ready() (this app's own: the profile, the consents, the data requests, below); this
app imports none of them. Only rows that are the citizen's own are read, each by its owner
column; other people appear by no more than what the citizen already saw (a page's name, a
unit's name), never by account.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import User
from congdong.privacy.models import ConsentRecord, DataRequest


@dataclass(frozen=True)
class Section:
    """One JSON file of the export: `name` in the ZIP, `read(user)` its content, `about` its
    line in the README, `order` its place in the ZIP and the README (see `ORDER`), and
    `files(user)` the other files it brings, as (path in the ZIP, content)."""

    name: str
    read: Callable[[User], Any]
    about: str | Promise  # a lazy translation: the README is written in Vietnamese
    order: int
    files: Callable[[User], Iterable[tuple[str, bytes]]] | None = None


# The sections' places, by app: profile 10, consents 20 (privacy), follows 30 to referrals 70
# (engagement), feedback 80, moderation 90, notifications 100 (engagement), data requests 110
# (privacy).
_sections: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    """Add (or, by the same name, replace) a section of the export."""
    _sections[section.name] = section
    return section


def sections() -> list[Section]:
    """The registered sections, in their order."""
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def value(raw: Any) -> Any:
    """A value as JSON holds it: times in local time and dates as ISO 8601, decimals as text."""
    if isinstance(raw, datetime.datetime):
        return timezone.localtime(raw).isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, Decimal):
        return str(raw)
    return raw


def rows(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows (`.values()`) with each value as JSON holds it."""
    return [{k: value(v) for k, v in row.items()} for row in items]


def profile(user: User) -> dict[str, Any]:
    return {
        k: value(v)
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
    return rows(
        ConsentRecord.objects.filter(user=user)
        .order_by("given_at", "pk")
        .values("purpose", "policy_version", "reference", "given_at", "how", "ip", "withdrawn_at")
    )


def data_requests(user: User) -> list[dict[str, Any]]:
    return rows(
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


register_section(
    Section(
        "profile.json",
        profile,
        _(
            "your full name, mobile number, date of birth, when the account was created and "
            "last used"
        ),
        order=10,
    )
)
register_section(
    Section(
        "consents.json",
        consents,
        _("what you agreed to, under which policy version, when, how, and when you withdrew it"),
        order=20,
    )
)
register_section(
    Section(
        "data_requests.json",
        data_requests,
        _("your requests about your personal data, this download included"),
        order=110,
    )
)


def collect(user: User) -> dict[str, Any]:
    """Every section of the export, by file name, in order."""
    return {section.name: section.read(user) for section in sections()}


def build_zip(user: User, now: datetime.datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in collect(user).items():
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for section in sections():
            for path, content in section.files(user) if section.files else ():
                archive.writestr(path, content)
        # The citizen reads Vietnamese; the README is theirs whatever the site's language.
        with translation.override("vi"):
            readme = render_to_string(
                "privacy/export_readme.txt",
                {"user": user, "now": timezone.localtime(now), "sections": sections()},
            )
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def file_name(now: datetime.datetime) -> str:
    return f"du-lieu-ca-nhan-{timezone.localtime(now):%Y%m%d-%H%M}.zip"
