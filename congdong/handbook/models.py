"""The operators' handbook (versioned Markdown pages) and the experience board (posts by
operators, visible up the tree, answered and decided by the levels above)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.units.models import Unit, UnitRowQuerySet, owning_unit

# --- handbook -------------------------------------------------------------------------------


class PageKind(models.TextChoices):
    REGULATION = "regulation", _("Regulation")
    GUIDE = "guide", _("Guide")


class HandbookPage(models.Model):
    """One page of the handbook. Its text lives in revisions: the newest is what staff read.

    `title` repeats the newest revision's title so the index is one query.
    """

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=PageKind.choices, default=PageKind.GUIDE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("handbook page")
        verbose_name_plural = _("handbook pages")

    def __str__(self) -> str:
        return self.title


class RevisionState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("handbook version", "proposed")
    PUBLISHED = "published", pgettext_lazy("handbook version", "published")
    RETURNED = "returned", pgettext_lazy("handbook version", "sent back")


R = RevisionState
# A saved version is a proposal until another central admin decides on it (four eyes: nobody
# who wrote it, see `queries.revision_writers`):
#   proposed → published (staff read it from then on) | returned (the reason is required).
# Readers keep the newest published version meanwhile. People decide every move; each is a
# HandbookTransition row.
HANDBOOK_STATES = StateGraph(
    states=RevisionState,
    moves={R.PROPOSED: frozenset({R.PUBLISHED, R.RETURNED})},
    needs_reason=frozenset({(R.PROPOSED, R.RETURNED)}),
)


class HandbookRevision(models.Model):
    """One saved version of a page. Its text is never changed; only its state moves
    (proposed → published or sent back), recorded in `transitions`."""

    page = models.ForeignKey(
        HandbookPage, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), max_length=100_000)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    # SET_NULL: the text stays when an account is removed; None also means "loaded by the demo".
    author = acting_account(_("author"))
    created_at = models.DateTimeField(_("saved at"))
    # Existing rows were in force when saved: the migration marks them published.
    state = models.CharField(
        _("state"), max_length=10, choices=RevisionState.choices, default=RevisionState.PROPOSED
    )
    decided_by = acting_account(_("published or sent back by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason for sending back"), blank=True)

    class Meta:
        ordering = ["page", "-number"]
        verbose_name = _("handbook revision")
        verbose_name_plural = _("handbook revisions")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="handbook_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page} #{self.number}"


class HandbookTransition(Transition):
    """One decision on a handbook version: the audit log and the history staff read."""

    graph = HANDBOOK_STATES
    subject = "revision"
    revision = subject_key(HandbookRevision)

    Meta = transition_meta(_("handbook version decision"), _("handbook version decisions"))

    def __str__(self) -> str:
        return f"{self.revision}: {self.from_state} → {self.to_state}"


# --- experience board -----------------------------------------------------------------------


class BoardKind(models.TextChoices):
    EXPERIENCE = "experience", pgettext_lazy("board kind", "experience")
    DIFFICULTY = "difficulty", pgettext_lazy("board kind", "difficulty or shortcoming")
    PROPOSAL = "proposal", pgettext_lazy("board kind", "proposal")


class BoardState(models.TextChoices):
    OPEN = "open", pgettext_lazy("board state", "open")
    ACCEPTED = "accepted", pgettext_lazy("board state", "accepted")
    DECLINED = "declined", pgettext_lazy("board state", "not accepted")


B = BoardState
# A proposal is decided once by staff of a unit above the one it is tagged with:
#   open → accepted (a note is welcome) | declined (the note says why: required).
# Experiences and difficulties stay open; they are answered, not decided. No worker moves
# anything: people decide every move. Each move is a BoardTransition row.
BOARD_STATES = StateGraph(
    states=BoardState,
    moves={B.OPEN: frozenset({B.ACCEPTED, B.DECLINED})},
    needs_reason=frozenset({(B.OPEN, B.DECLINED)}),
)


class BoardPostQuerySet(UnitRowQuerySet):
    def standard(self) -> BoardPostQuerySet:
        return self.select_related("unit", "unit__parent", "author", "decided_by")


class BoardPost(models.Model):
    """An operator's experience, difficulty or proposal, tagged with a unit where they hold a
    role. Seen by staff of that unit and of the units above it, never by other branches."""

    unit = owning_unit("board_posts")
    author = recorded_account(_("author"), related_name="board_posts")
    kind = models.CharField(_("kind"), max_length=12, choices=BoardKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=5000, help_text=_("Plain text."))
    state = models.CharField(
        _("state"), max_length=10, choices=BoardState.choices, default=BoardState.OPEN
    )
    decided_by = acting_account(_("decided by"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("posted at"))
    updated_at = models.DateTimeField(_("updated at"))

    objects = BoardPostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("board post")
        verbose_name_plural = _("board posts")
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self) -> str:
        return self.title


class BoardReply(models.Model):
    """An answer from staff of a unit above the post's unit (`unit` is the one they answer
    for: the closest unit above the post where they hold a role)."""

    post = models.ForeignKey(BoardPost, on_delete=models.CASCADE, related_name="replies")
    author = recorded_account()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("answer"), max_length=3000)
    created_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("board answer")
        verbose_name_plural = _("board answers")

    def __str__(self) -> str:
        return f"{self.post} ← {self.author}"


class BoardTransition(Transition):
    """One decision on a proposal: the audit log and the history staff read; `unit` is the
    one the decider decided for."""

    graph = BOARD_STATES
    subject = "post"
    post = subject_key(BoardPost)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    Meta = transition_meta(_("board decision"), _("board decisions"))

    def __str__(self) -> str:
        return f"{self.post}: {self.from_state} → {self.to_state}"
