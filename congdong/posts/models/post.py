"""Posts on a community page, their approval state graph and history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import recorded_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.pages.models import Page
from congdong.posts.models.regulation import Category, Regulation


class PostState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")
    ARCHIVED = "archived", _("archived")


S = PostState
# An editor drafts and submits; an approver at the level the regulation names approves or
# rejects (with a reason, back to draft for revision). An approved post goes public now, or is
# scheduled and then published by the worker alone. Every move is a PostTransition row.
POST_STATES = StateGraph(
    states=PostState,
    start=S.DRAFT,
    moves={
        S.DRAFT: frozenset({S.SUBMITTED}),
        S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED}),
        S.REJECTED: frozenset({S.DRAFT}),
        S.APPROVED: frozenset({S.SCHEDULED, S.PUBLISHED}),
        S.SCHEDULED: frozenset({S.PUBLISHED}),
        S.PUBLISHED: frozenset({S.HIDDEN, S.ARCHIVED}),
        S.HIDDEN: frozenset({S.PUBLISHED}),
    },
    needs_reason=frozenset({(S.SUBMITTED, S.REJECTED), (S.PUBLISHED, S.HIDDEN)}),
    automatic=frozenset({(S.SCHEDULED, S.PUBLISHED)}),
)


class PostQuerySet(models.QuerySet):
    def standard(self) -> PostQuerySet:
        return self.select_related(
            "page", "page__unit", "page__unit__parent", "category", "author", "regulation"
        )


class Post(models.Model):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="posts", verbose_name=_("page")
    )
    # PROTECT: the author is part of the audit trail; staff accounts are deactivated, not deleted.
    author = recorded_account(_("author"), related_name="posts")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="posts", verbose_name=_("category")
    )
    # The regulation's limit is checked on submit; this is only the storage ceiling.
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True, help_text=_("Sanitised HTML."))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    # Title, text and tags folded to lower-case ASCII ("dak lak"), for accent-free search on
    # SQLite and PostgreSQL alike; written with the text by every write path.
    search_text = models.TextField(blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=PostState.choices, default=PostState.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    regulation = models.ForeignKey(
        Regulation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked against"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["page", "state"]),
            # Feeds and page lists: a page's published posts, newest first.
            models.Index(fields=["page", "state", "published_at"]),
            # The worker's sweep: scheduled posts that are due.
            models.Index(fields=["state", "publish_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def gallery(self) -> list:
        """The pictures shown under the text: all but those the text itself shows (reads the
        prefetched `images` when there are)."""
        return [image for image in self.images.all() if not image.inline]


class PostTransition(Transition):
    """One move of a post (actor None: the worker made it). An edit of a draft by someone
    other than its author is kept as draft → draft, naming them (see `posts.actions`)."""

    graph = POST_STATES
    subject = "post"
    post = subject_key(Post)

    Meta = transition_meta(_("post state change"), _("post state changes"))

    def __str__(self) -> str:
        return f"{self.post}: {self.from_state or '∅'} → {self.to_state} ({self.at:%Y-%m-%d %H:%M})"
