"""Posts and the regulation they are checked against."""

from congdong.posts.models.post import POST_STATES, Post, PostQuerySet, PostState, PostTransition
from congdong.posts.models.regulation import (
    ApprovalLevel,
    ApprovalRule,
    Category,
    ForbiddenPhrase,
    PhraseAction,
    Regulation,
)

__all__ = [
    "POST_STATES",
    "ApprovalLevel",
    "ApprovalRule",
    "Category",
    "ForbiddenPhrase",
    "PhraseAction",
    "Post",
    "PostQuerySet",
    "PostState",
    "PostTransition",
    "Regulation",
]
