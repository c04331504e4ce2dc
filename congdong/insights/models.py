"""Raw events from the public site: one row per thing a person saw or did.

Kept lean on purpose — no foreign keys (no constraint checks on insert, nothing to cascade when
a page goes), ids only — because at scale this table takes thousands of rows a second. The
per-page per-day counters and reach sketches of the Insights issue are built from these rows or
next to them; the raw rows themselves are pruned after a retention period.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.core.private_files import private_storage
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.events.kinds import EventKind, uuid7

# The per-day figures: what congdong's own events add to (the kinds say which, `events.kinds`).
COUNT_COLUMNS = (
    "followers_gained",
    "followers_lost",
    "posts",
    "reshares",
    "impressions",
    "reactions",
    "comments",
    "shares",
    "referrals",
    "referral_follows",
)
# What imported figures add beside those (congdong's own events leave them at 0): a platform's
# daily unique viewers (not additive across days, pages or platforms: shown with that said,
# never added to congdong's reach) and its own engagement figure (Facebook's
# `page_post_engagements`), where it gives no reactions/comments/shares apart.
IMPORTED_COLUMNS = ("viewers", "platform_engagement")
SOURCE_COLUMNS = (*COUNT_COLUMNS, *IMPORTED_COLUMNS)


class Source(models.TextChoices):
    """Where a figure comes from: congdong's own pages, or a linked channel's platform."""

    SITE = "site", _("congdong")
    FACEBOOK = "facebook", _("Facebook")
    ZALO = "zalo", _("Zalo")


class Event(models.Model):
    # Made by the process that saw the event, before it is buffered: a batch written twice
    # (a replay, a worker killed between insert and acknowledgement) inserts nothing twice.
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    page_id = models.BigIntegerField(_("page"))
    post_id = models.BigIntegerField(_("post"), null=True, blank=True)
    user_id = models.BigIntegerField(_("account"), null=True, blank=True)
    # "u<account id>", or "v<hash>" of an anonymous visitor under that day's salt
    # (events/visitors.py).
    visitor = models.CharField(_("visitor"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"))
    # The local (Vietnam) date of `at`: the day the per-day figures count it in.
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["page_id", "at"], name="insights_event_page_at"),
            models.Index(fields=["at"], name="insights_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} page {self.page_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class Span(models.TextChoices):
    DAY = "d", _("day")
    MONTH = "m", _("month")
    QUARTER = "q", _("quarter")
    # Days 1–10, 11–20 and 21 to the month's end: reach sketches only, so the days at the ends
    # of a period are a few unions, not up to 30.
    TEN_DAYS = "t", _("ten days")


class DayCount(models.Model):
    """One day's (or one calendar month's) additive figures of the pages of one level inside
    one unit's subtree.

    Every event adds to the row of each unit from its page's unit up to the root, under the
    page's level, so a subtree's figures for a period are a sum over its own rows (never over
    its descendants') and Σ children = parent holds by construction. Levels only grow down the
    tree, so the row at a unit's own level holds exactly that unit's page: a page's figures
    are read from the same table. Month rows (`span` "m", `day` = the 1st) repeat the sum of
    their days and quarter rows (`span` "q", `day` = the quarter's 1st) the sum of their
    months, so a year is read as a few quarters and months plus the days at either end, not
    365 rows: ranking 11,000 pages over a year reads about 7 rows a page, not 12.

    `source` keeps figures imported from linked channels (Facebook, Zalo) apart from
    congdong's own (`site`, every row written from events): every reading of congdong's own
    figures asks for `site` rows, so imported ones never mix into them unasked.
    """

    unit_id = models.BigIntegerField(_("unit"))
    level = models.CharField(_("level"), max_length=10)
    span = models.CharField(max_length=1, choices=Span.choices, default=Span.DAY)
    day = models.DateField(_("day"))
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Source.choices,
        default=Source.SITE,
        db_default=Source.SITE,
    )
    followers_gained = models.BigIntegerField(default=0)
    followers_lost = models.BigIntegerField(default=0)
    posts = models.BigIntegerField(default=0)
    reshares = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    reactions = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    referrals = models.BigIntegerField(default=0)
    referral_follows = models.BigIntegerField(default=0)
    viewers = models.BigIntegerField(default=0, db_default=0)
    platform_engagement = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("day's figures")
        verbose_name_plural = _("day's figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "span", "day", "level", "source"], name="daycount_key"
            )
        ]
        # Ranking every page of a subtree reads one period's rows of all units: by span and day.
        indexes = [models.Index(fields=["span", "day"], name="daycount_span_day")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.level} {self.span} {self.day} {self.source}"


class ReachSketch(models.Model):
    """The distinct visitors (a HyperLogLog sketch, `insights.sketches`) who saw content of
    one page (`own`) or of any page in one unit's subtree, over one day or one calendar month.

    Ten-day, month and quarter sketches are kept beside day sketches so a year's reach is a
    union of about fifteen sketches, not 365. `estimate` is the sketch's own estimate, stored
    so a time series of daily reach needs no sketch to be read.
    """

    unit_id = models.BigIntegerField(_("unit"))
    own = models.BooleanField(_("the unit's own page only"))
    span = models.CharField(max_length=1, choices=Span.choices)
    start = models.DateField(_("first day"))
    sketch = models.BinaryField()
    estimate = models.FloatField(default=0)

    class Meta:
        verbose_name = _("reach sketch")
        verbose_name_plural = _("reach sketches")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "own", "span", "start"], name="reachsketch_key"
            )
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {'own' if self.own else 'subtree'} {self.span} {self.start}"


# --- Exports (insights.exports.jobs) ---------------------------------------------------------
# Kept here, after the figures, so the lead's models above stay untouched; the import belongs
# at the top of the file.


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# A person asks; the worker alone moves the row on: it claims a queued export (a conditional
# UPDATE, so two workers never run one), writes the file, or records why it failed. A run
# cut short (worker killed) is found by the sweep and marked failed. Each move is an
# ExportTransition row (the failure's reason kept in it too).
EXPORT_STATES = StateGraph(
    states=ExportState,
    moves={
        ExportState.QUEUED: frozenset({ExportState.RUNNING}),
        ExportState.RUNNING: frozenset({ExportState.DONE, ExportState.FAILED}),
    },
    automatic=frozenset(
        {
            (ExportState.QUEUED, ExportState.RUNNING),
            (ExportState.RUNNING, ExportState.DONE),
            (ExportState.RUNNING, ExportState.FAILED),
        }
    ),
)


def export_path(export: Export, filename: str) -> str:
    # A random folder per file: kept in the private storage (never served by its address),
    # and a name that is not guessable anyway should a folder ever be exposed by mistake.
    return f"exports/{uuid.uuid4().hex}/{filename}"


class Export(models.Model):
    """A report (`insights.reports.BUILDERS`) of one unit written as a file in the background."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="exports", verbose_name=_("user")
    )
    kind = models.CharField(_("report"), max_length=30)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    # The language the person used when asking: the worker writes the file in it.
    language = models.CharField(_("language"), max_length=10, default="vi")
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(
        _("file"), upload_to=export_path, max_length=200, blank=True, storage=private_storage
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # The sweep: queued exports, oldest first.
            models.Index(fields=["state", "created_at"], name="insights_export_state"),
            models.Index(fields=["user", "created_at"], name="insights_export_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} of unit {self.unit_id} ({self.state})"


class ExportTransition(Transition):
    """An export's history: asked for by its person, then the worker's moves."""

    graph = EXPORT_STATES
    subject = "export"
    export = subject_key(Export)

    Meta = transition_meta(_("export state change"), _("export state changes"))


class ImportedDay(models.Model):
    """What one linked channel's figures of one day added to `DayCount` (its source's rows).

    The import of a day again (Facebook revises its figures) adds only the difference, so
    importing twice counts once. `followers` is the platform's total at the end of the day;
    `DayCount` holds its change since the day before (in `followers_gained`, which for an
    imported source is the net change), so follower totals are read as congdong's are."""

    link = models.ForeignKey(
        "channels.ChannelLink", on_delete=models.CASCADE, related_name="+", verbose_name=_("link")
    )
    day = models.DateField(_("day"))
    followers = models.BigIntegerField(null=True, blank=True)
    posts = models.BigIntegerField(default=0)
    views = models.BigIntegerField(default=0)
    viewers = models.BigIntegerField(default=0)
    engagement = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("imported day")
        verbose_name_plural = _("imported days")
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="imported_day_key")]

    def __str__(self) -> str:
        return f"link {self.link_id} {self.day}"
