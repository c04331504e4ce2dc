"""Writing a consent row: the one function other apps call when a citizen agrees to something
(sign-up, a feedback item). It only writes; the caller has checked that consent was given and
runs it inside its own transaction, so the consent and what it is for commit together."""

from __future__ import annotations

import datetime

from django.conf import settings

from congdong.accounts.models import User
from congdong.privacy.models import Channel, ConsentPurpose, ConsentRecord


def record_consent(
    user: User,
    purpose: ConsentPurpose,
    *,
    now: datetime.datetime,
    how: Channel | str = Channel.WEB,
    ip: str | None = None,
    reference: str = "",
    version: str | None = None,
) -> ConsentRecord:
    """A consent in force from `now` under `version` (default: the privacy policy in force)."""
    return ConsentRecord.objects.create(
        user=user,
        purpose=purpose,
        policy_version=version or settings.PRIVACY_POLICY_VERSION,
        reference=reference,
        given_at=now,
        how=how,
        ip=ip,
    )
