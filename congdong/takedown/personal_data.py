"""What takedown holds of a citizen, for congdong.privacy's account deletion: their comments under
an authority's takedown request are kept, hidden, as evidence (congdong.engagement erases the
text of the others). Registered in this app's AppConfig.ready() (`connect`)."""

from __future__ import annotations

from congdong.accounts.models import User
from congdong.engagement.actions.erasure import register_evidence
from congdong.engagement.models import Comment
from congdong.takedown.models import TakedownRequest, TargetKind


def taken_down_comments(citizen: User) -> set[int]:
    """The citizen's comments under an authority's takedown request."""
    mine = Comment.objects.filter(author=citizen).values_list("pk", flat=True)
    return set(
        TakedownRequest.objects.filter(
            target_kind=TargetKind.COMMENT, target_id__in=mine
        ).values_list("target_id", flat=True)
    )


def connect() -> None:
    """Register with congdong.engagement's erasure (the comments kept as evidence)."""
    register_evidence("takedown", taken_down_comments)
