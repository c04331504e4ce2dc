"""What citizens do with pages and posts: follows, reactions, comments, shares, referrals and
the notifications that come of them.

Feeds are assembled on read from `Follow` rows (fan-out on read): publishing on a page with a
million followers writes nothing here. Only notifications are pushed, in batches, by a sweep.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import own_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.pages.models import Page
from congdong.posts.models import Post

# How the digest goes (NotificationSettings.digest) is defined with the digest's consent, in
# congdong.privacy, the lower app; still importable from here.
from congdong.privacy.models import DigestChoice


class Follow(models.Model):
    """`user` follows `page`. Unfollowing deletes the row (the event log keeps the history)."""

    user = own_account("follows")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="follows")
    notify = models.BooleanField(_("notify me of new posts"), default=True)
    referral = models.ForeignKey(
        "engagement.ReferralOpen",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The referral this follow is attributed to (within 7 days of opening it)."),
    )
    created_at = models.DateTimeField(_("since"), db_index=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="follow_unique")]
        # The notification sweep walks a page's followers by id.
        indexes = [models.Index(fields=["page", "id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.page_id}"


class PageCounter(models.Model):
    """Counts shown on a page, kept by the actions that change them (no COUNT over millions)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="counter")
    followers = models.PositiveBigIntegerField(default=0)
    referrals = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("page counter")
        verbose_name_plural = _("page counters")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.followers} followers, {self.referrals} referrals"


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    LOVE = "love", _("Love")
    SUPPORT = "support", _("Support")
    THANKS = "thanks", _("Thanks")
    SAD = "sad", _("Sad")


REACTION_EMOJI: dict[str, str] = {
    ReactionKind.LIKE: "👍",
    ReactionKind.LOVE: "❤️",
    ReactionKind.SUPPORT: "👏",
    ReactionKind.THANKS: "🙏",
    ReactionKind.SAD: "😢",
}


class Reaction(models.Model):
    """One reaction per person per post; choosing another kind replaces it."""

    user = own_account("reactions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(_("reaction"), max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="reaction_unique")]
        indexes = [models.Index(fields=["post", "kind"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id}"


class CommentState(models.TextChoices):
    HELD = "held", _("waiting for review")
    VISIBLE = "visible", _("visible")
    HIDDEN = "hidden", _("hidden by the page")
    DELETED = "deleted", _("deleted by its author")


C = CommentState
# A comment is visible at once, or held when the page reviews comments; operators show or hide
# it (hiding needs a reason, kept as a CommentTransition row); its author may delete it at any
# time. Deleted is final.
COMMENT_STATES = StateGraph(
    states=CommentState,
    moves={
        C.HELD: frozenset({C.VISIBLE, C.HIDDEN, C.DELETED}),
        C.VISIBLE: frozenset({C.HIDDEN, C.DELETED}),
        C.HIDDEN: frozenset({C.VISIBLE, C.DELETED}),
    },
    needs_reason=frozenset({(C.VISIBLE, C.HIDDEN), (C.HELD, C.HIDDEN)}),
)


class CommentQuerySet(models.QuerySet):
    def standard(self) -> CommentQuerySet:
        return self.select_related("author", "post", "post__page", "post__page__unit")

    def visible(self) -> CommentQuerySet:
        return self.filter(state=CommentState.VISIBLE)


class Comment(models.Model):
    """A comment on a post, or a reply to one (one level: a reply's parent has no parent).

    `as_page` marks an operator's answer given in the name of the page.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = own_account("comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    as_page = models.BooleanField(_("answer of the page"), default=False)
    body = models.TextField(_("comment"), max_length=2000, help_text=_("Plain text."))
    state = models.CharField(
        _("state"), max_length=10, choices=CommentState.choices, default=CommentState.VISIBLE
    )
    created_at = models.DateTimeField(_("written at"), db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "state", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def speaker(self) -> str:
        """Whom the comment is from, wherever a citizen is shown or told of it (the thread,
        the bell, the digest, the API): the page for an answer given in its name — never the
        operator who typed it — else the author's name (a citizen's username is made of their
        phone number: never shown). Needs `post.page` for a page's answer."""
        if self.as_page:
            return self.post.page.name
        author = self.author
        return author.full_name or ("" if author.is_citizen else author.username)


class CommentTransition(Transition):
    graph = COMMENT_STATES
    subject = "comment"
    comment = subject_key(Comment)

    Meta = transition_meta(_("comment state change"), _("comment state changes"))


class ShareChannel(models.TextChoices):
    COPY = "copy", _("Copied link")
    FACEBOOK = "facebook", "Facebook"
    ZALO = "zalo", "Zalo"
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    OTHER = "other", _("Other")


class Share(models.Model):
    """Someone shared a page or post link (which carries their referral code)."""

    user = own_account("shares")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="shares")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    channel = models.CharField(max_length=10, choices=ShareChannel.choices)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")

    def __str__(self) -> str:
        return f"{self.user_id} shared {self.post_id or self.page_id} ({self.channel})"


class ReferralCode(models.Model):
    """A person's referral code, added to any page or post link they share (`?gt=CODE`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_code"
    )
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")

    def __str__(self) -> str:
        return self.code


class ReferralOpen(models.Model):
    """A distinct person opened a page (or one of its posts) through someone's referral link.

    One row per page and recipient: the first referrer gets the credit. `recipient_key` is
    "u<id>" for an account, or the visitor's daily salted id, which stands for a network
    address (events.visitors): one anonymous open per address per page per day. A follow of
    the page by the recipient within 7 days sets `followed_at`.
    """

    referrer = own_account("referrals_made")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="referral_opens")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="referral_opens"
    )
    recipient_key = models.CharField(max_length=64)
    opened_at = models.DateTimeField(db_index=True)
    followed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["page", "recipient_key"], name="referral_unique")
        ]
        indexes = [models.Index(fields=["referrer", "page"])]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.recipient_key} ({self.page_id})"


# What a referral counts, in words: the leaderboard shows it, and the dashboards' "Referrals"
# figure (insights.figures) takes it word for word, so what is ranked is what is counted.
REFERRAL_DEFINITION = _(
    "Recipients who opened a page or post through someone's referral or share link: "
    "each signed-in account once per page; a visitor not signed in once per network "
    "address (IPv6: its /64) per page per day, whatever their browser says, with a "
    "limit per address per hour. Opening one's own link does not count. With the "
    "follows that followed within 7 days."
)


class NotificationKind(models.TextChoices):
    NEW_POST = "new_post", _("New post on a page you follow")
    REPLY = "reply", _("Reply to your comment")
    # To the handlers of the unit above an item's unit (congdong.feedback.notices).
    FEEDBACK_LATE_ACCEPT = "feedback_late_accept", _("Feedback below you not accepted in time")
    FEEDBACK_LATE_ANSWER = "feedback_late_answer", _("Feedback below you not answered in time")
    # To the unit above (and, past twice the deadline, the central unit): congdong.takedown.
    TAKEDOWN_LATE = "takedown_late", _("Takedown request below you not acted on in time")
    TAKEDOWN_VERY_LATE = "takedown_very_late", _("Takedown request over twice its deadline")
    # To the page's admins and editors when a takedown request removed its content.
    TAKEDOWN_ACTED = "takedown_acted", _("Content of your page removed at an authority's request")
    # To the author of reported content (and, for REPORT_DECIDED, its reporters):
    # congdong.moderation.notices. Each points to its moderation case.
    CONTENT_HIDDEN = "content_hidden", _("Your content was hidden after reports")
    CONTENT_KEPT = "content_kept", _("Your reported content was kept")
    CONTENT_REMOVED = "content_removed", _("Your content was removed (a violation)")
    LOCK_TEMPORARY = "lock_temporary", _("Your account was locked for a time")
    LOCK_PERMANENT = "lock_permanent", _("Your account was locked permanently")
    APPEAL_DECIDED = "appeal_decided", _("Your appeal was decided")
    REPORT_DECIDED = "report_decided", _("Your report was decided")
    # To the moderators of the subtree: content of a verified page reached the threshold of
    # reports; it stays shown and waits first in their queue (congdong.moderation.notices).
    REPORTS_URGENT = "reports_urgent", _("Official content reported: review it first")
    # Issue 16.3: every step a citizen waits for, and work landing in a staff member's queue,
    # through `congdong.engagement.actions.notify.notify` (congdong.feedback.notices,
    # congdong.privacy.notices). These go out at once by SMS and email too (`INSTANT_KINDS`).
    # To the sender of the feedback:
    FEEDBACK_RECEIVED = "feedback_received", _("Your feedback was received")
    FEEDBACK_ACCEPTED = "feedback_accepted", _("Your feedback was accepted")
    FEEDBACK_REJECTED = "feedback_rejected", _("Your feedback was rejected")
    FEEDBACK_TRANSFERRED = "feedback_transferred", _("Your feedback was transferred")
    FEEDBACK_ESCALATED = "feedback_escalated", _("Your feedback went to the unit above")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Your feedback is late")
    FEEDBACK_ANSWERED = "feedback_answered", _("Your feedback was answered")
    FEEDBACK_CLOSED = "feedback_closed", _("Your feedback was closed")
    # To the feedback officers of the unit it lands at (or the officer it is given to):
    FEEDBACK_NEW = "feedback_new", _("New feedback for your unit")
    FEEDBACK_TRANSFER_IN = "feedback_transfer_in", _("Feedback transferred to your unit")
    FEEDBACK_ESCALATE_IN = "feedback_escalate_in", _("Feedback escalated to your unit")
    FEEDBACK_ASSIGNED = "feedback_assigned", _("Feedback assigned to you")
    FEEDBACK_REOPENED = "feedback_reopened", _("Feedback reopened by its sender")
    # Personal data requests: to the citizen, and to the data protection officers.
    PRIVACY_RECEIVED = "privacy_received", _("Your personal data request was received")
    PRIVACY_ANSWERED = "privacy_answered", _("Your personal data request was answered")
    PRIVACY_OVERDUE = "privacy_overdue", _("Your personal data request is late")
    PRIVACY_NEW = "privacy_new", _("New personal data request")
    # An authority's takedown request about content of their unit, to its moderators and admins.
    TAKEDOWN_NEW = "takedown_new", _("Takedown request to handle")
    # To the unit's admins: a linked Facebook Page / Zalo OA stopped working (congdong.channels).
    CHANNEL_EXPIRED = "channel_expired", _("A linked channel's access expired")
    CHANNEL_PERMISSION = "channel_permission", _("A linked channel lost a permission")


K = NotificationKind
# Told at once through the person's channels (SMS, email) besides the bell; the rest wait for
# the daily digest. Each is one step of something the person waits for or must act on.
INSTANT_KINDS = frozenset(
    {
        K.FEEDBACK_RECEIVED,
        K.FEEDBACK_ACCEPTED,
        K.FEEDBACK_REJECTED,
        K.FEEDBACK_TRANSFERRED,
        K.FEEDBACK_ESCALATED,
        K.FEEDBACK_OVERDUE,
        K.FEEDBACK_ANSWERED,
        K.FEEDBACK_CLOSED,
        K.FEEDBACK_NEW,
        K.FEEDBACK_TRANSFER_IN,
        K.FEEDBACK_ESCALATE_IN,
        K.FEEDBACK_ASSIGNED,
        K.FEEDBACK_REOPENED,
        K.PRIVACY_RECEIVED,
        K.PRIVACY_ANSWERED,
        K.PRIVACY_OVERDUE,
        K.PRIVACY_NEW,
        K.TAKEDOWN_NEW,
    }
)


class NotificationQuerySet(models.QuerySet):
    def with_subjects(self) -> NotificationQuerySet:
        """With what each notification points to, as its line in the bell or a digest names it
        (a page's answer is told in the page's name)."""
        return self.select_related(
            "post__page",
            "comment__author",
            "comment__post__page",
            "feedback__unit",
            "feedback__category",
            "takedown__unit",
            "case__post__page",
            "case__comment__post__page",
            "case__appeal",
            "data_request",
            "channel_link__page",
        )


class Notification(models.Model):
    """An item in someone's bell. New-post notifications are written in batches by a sweep."""

    recipient = own_account("notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    feedback = models.ForeignKey(
        "feedback.Feedback", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    takedown = models.ForeignKey(
        "takedown.TakedownRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    case = models.ForeignKey(
        "moderation.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data_request = models.ForeignKey(
        "privacy.DataRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The state change told ("feedback-move:123"): one notification per person and change, so a
    # retried action or sweep tells nobody twice. Empty for the kinds with their own constraint.
    key = models.CharField(max_length=80, blank=True, default="")
    channel_link = models.ForeignKey(
        "channels.ChannelLink", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)
    # INSTANT_KINDS: sent by SMS and email as the person's settings say, once (the row is the
    # truth: a conditional UPDATE of `delivered_at` claims it; the sweep sends what is left).
    deliver = models.BooleanField(default=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # A replayed batch writes nothing twice. One constraint per kind, on the columns that
        # kind fills: a unique constraint over a NULL column (`comment` of a new-post
        # notification) never conflicts, on SQLite and PostgreSQL alike.
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=models.Q(kind="new_post"),
                name="notification_new_post_unique",
            ),
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=models.Q(kind="reply"),
                name="notification_reply_unique",
            ),
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"]),
            # The delivery sweep: what is still to send.
            models.Index(
                fields=["created_at"],
                condition=models.Q(deliver=True, delivered_at=None),
                name="notification_to_deliver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class PostNotice(models.Model):
    """Progress of telling a published post's followers about it: the row is the truth.

    The sweep takes followers in id order after `cursor`, a few thousand per step, and moves
    the cursor with a conditional UPDATE, so a lost or repeated step loses and doubles nothing.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="notice")
    cursor = models.BigIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.sent} sent"


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(
        _("digest"), max_length=10, choices=DigestChoice.choices, default=DigestChoice.NONE
    )
    email = models.EmailField(_("email for the digest"), blank=True)
    # Set when the person opened the link sent to `email` (issue 15): digests go to confirmed
    # addresses only, so nobody can have them sent to someone else's inbox.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Each step of what the person waits for (their feedback, their data requests) or must act
    # on (work landing in their queue), told at once besides the bell: by SMS to their verified
    # mobile number, by email to the confirmed address above. On unless turned off: a person
    # without a row gets these defaults (`congdong.engagement.actions.notify`).
    instant_sms = models.BooleanField(_("tell me at once by SMS"), default=True)
    instant_email = models.BooleanField(_("tell me at once by email"), default=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"

    @property
    def awaiting_confirmation(self) -> bool:
        return bool(self.email) and self.email_verified_at is None
