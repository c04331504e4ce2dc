"""Posts and the regulation they are checked against."""

from congdong.posts.models.media import MAX_IMAGES_PER_POST, PostAttachment, PostImage
from congdong.posts.models.post import POST_STATES, Post, PostQuerySet, PostState, PostTransition
from congdong.posts.models.regulation import (
    ApprovalLevel,
    ApprovalRule,
    Category,
    ForbiddenPhrase,
    PhraseAction,
    Regulation,
)
from congdong.posts.models.revision import (
    REVISION_STATES,
    PostRevision,
    PostRevisionQuerySet,
    RevisionState,
    RevisionTransition,
)

__all__ = [
    "MAX_IMAGES_PER_POST",
    "POST_STATES",
    "REVISION_STATES",
    "ApprovalLevel",
    "ApprovalRule",
    "Category",
    "ForbiddenPhrase",
    "PhraseAction",
    "Post",
    "PostAttachment",
    "PostImage",
    "PostQuerySet",
    "PostRevision",
    "PostRevisionQuerySet",
    "PostState",
    "PostTransition",
    "Regulation",
    "RevisionState",
    "RevisionTransition",
]
