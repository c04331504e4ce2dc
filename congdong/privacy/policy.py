"""The versions of the privacy policy. Each has its text in templates (privacy/policy/
<version>.vi.html, the text in force, and <version>.en.html, its translation) and an effective
date; citizens consent to the version in force (`settings.PRIVACY_POLICY_VERSION`), recorded on
their ConsentRecord. A new version is new templates and a new line here, never an edit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Policy:
    version: str
    effective: datetime.date

    # The Vietnamese text is the one in force; the English one is its translation.
    @property
    def template_vi(self) -> str:
        return f"privacy/policy/{self.version}.vi.html"

    @property
    def template_en(self) -> str:
        return f"privacy/policy/{self.version}.en.html"


VERSIONS: tuple[Policy, ...] = (
    Policy("2026-11", datetime.date(2026, 11, 1)),
    # Adds the comments and messages read through the units' Facebook Pages and Zalo OAs.
    Policy("2026-12", datetime.date(2026, 12, 7)),
)


def get(version: str) -> Policy | None:
    return next((p for p in VERSIONS if p.version == version), None)


def current() -> Policy:
    """The version in force; an unknown setting falls back to the newest text we have."""
    return get(settings.PRIVACY_POLICY_VERSION) or max(VERSIONS, key=lambda p: p.effective)


def all_versions() -> list[Policy]:
    return sorted(VERSIONS, key=lambda p: p.effective, reverse=True)
