"""Revisions of published posts: the edit waits for approval while the published text stays live."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.posts.models.post import Post
from congdong.posts.models.regulation import Category


class RevisionState(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("applied")
    REJECTED = "rejected", _("rejected")


R = RevisionState
# An operator edits a published post: the revision waits (pending) for an approver, who applies
# it or rejects it with a reason. In a category whose revisions need no approval the revision is
# recorded already approved, by the editor, so the post's history shows every change of text.
REVISION_STATES = StateGraph(
    states=RevisionState,
    moves={R.PENDING: frozenset({R.APPROVED, R.REJECTED})},
    needs_reason=frozenset({(R.PENDING, R.REJECTED)}),
)


class PostRevisionQuerySet(models.QuerySet):
    def standard(self) -> PostRevisionQuerySet:
        return self.select_related(
            "post",
            "post__page",
            "post__page__unit",
            "post__page__unit__parent",
            "post__category",
            "post__author",
            "category",
            "author",
            "decided_by",
        )


class PostRevision(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    # The proposed content, cleaned as a draft's is.
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True, help_text=_("Sanitised HTML."))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    # PROTECT: part of the audit trail, like a post's author.
    author = recorded_account(_("author"), related_name="post_revisions")
    # Everyone who wrote this revision's text (the author is the latest of them): a second
    # edit updates the waiting revision, and its earlier writers may not approve it either.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("written by")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    # The rejection's reason; for a pending revision, the regulation's warnings.
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decided_by = acting_account(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PostRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        constraints = [
            # A second edit updates the waiting revision rather than queueing another.
            models.UniqueConstraint(
                fields=["post"],
                condition=models.Q(state=RevisionState.PENDING),
                name="one_pending_revision_per_post",
            ),
        ]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.post} · {self.get_state_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class RevisionTransition(Transition):
    """A revision's history: proposed by its author (or recorded already applied), then
    applied or rejected by an approver."""

    graph = REVISION_STATES
    subject = "revision"
    revision = subject_key(PostRevision)

    Meta = transition_meta(_("revision decision"), _("revision decisions"))
