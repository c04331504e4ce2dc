"""Reactions to posts, from the fixed set in `ReactionKind`."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.queries import AnyUser
from congdong.core.errors import ActionError
from congdong.engagement.actions.eligibility import check_can_engage, limit
from congdong.engagement.models import Reaction, ReactionKind
from congdong.engagement.queries import access_public_post
from congdong.events import EventKind


def react(actor: AnyUser, post_id: int, kind: str) -> Reaction | None:
    """Set `actor`'s reaction to the post; choosing the one they already have removes it
    (a toggle, as people expect of a reaction button). None when removed."""
    user = check_can_engage(actor)
    if kind not in ReactionKind.values:
        raise ActionError(_("Choose one of the reactions offered."), field="kind")
    post = access_public_post(post_id)
    limit(user, "reaction", _("reactions"))
    current = Reaction.objects.filter(user=user, post=post).first()
    if current is not None and current.kind == kind:
        current.delete()
        return None
    try:
        with transaction.atomic():
            reaction, _made = Reaction.objects.update_or_create(
                user=user, post=post, defaults={"kind": kind, "created_at": timezone.now()}
            )
    except IntegrityError:  # a parallel click made it first
        reaction = Reaction.objects.get(user=user, post=post)
    events.record(None, EventKind.REACTION, page_id=post.page_id, post_id=post.pk, user_id=user.pk)
    return reaction
