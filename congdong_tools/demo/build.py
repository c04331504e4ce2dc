"""The demo data set, built once: what `congdong demo` serves and `congdong bench staff-pages`
measures. `sample=True` builds the same kinds of data with fewer citizens and feedback items
(for the bench's test: a few seconds instead of a minute)."""

from __future__ import annotations

from collections.abc import Callable

from congdong import events
from congdong.accounts.models import User
from congdong.engagement.actions import notify
from congdong.engagement.models import Notification
from congdong.feedback.notices import notify_overdue as feedback_overdue
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.privacy.notices import notify_overdue as privacy_overdue
from congdong.units.actions import do_import_structure
from congdong_tools.demo.breaches import ensure_breaches
from congdong_tools.demo.campaigns import ensure_campaigns
from congdong_tools.demo.engagement import CITIZENS, ensure_engagement
from congdong_tools.demo.feedback import ITEMS, ensure_feedback
from congdong_tools.demo.handbook import ensure_handbook
from congdong_tools.demo.insights import DAYS, ensure_history
from congdong_tools.demo.moderation import ensure_moderation
from congdong_tools.demo.pages import ensure_pages
from congdong_tools.demo.personas import Persona, ensure_personas
from congdong_tools.demo.posts import ensure_posts
from congdong_tools.demo.privacy import ensure_privacy
from congdong_tools.demo.takedown import ensure_takedowns


def settle_notifications() -> int:
    """The weeks of history above told people in their bells (feedback received, answered,
    late …): the overdue sweeps run now, and none of it goes out by SMS or email when the demo
    starts — the console is for the sign-in codes. Returns how many notifications there are."""
    feedback_overdue()
    privacy_overdue()
    notify.settle()
    return Notification.objects.count()


SAMPLE_CITIZENS = 150
SAMPLE_ITEMS = 60
SAMPLE_DAYS = 7  # of page views replayed as events (the full demo: 45)


def build(
    say: Callable[[str], None],
    *,
    import_units: bool = True,
    sample: bool = False,
    citizens: int | None = None,
    days: int | None = None,
) -> list[tuple[Persona, User]]:
    """Import both unit structures (unless `import_units` is false: the caller did), then make
    the personas and everything they work on, once; returns the personas with their accounts.
    `days`: of page views replayed as events (default: the sample's or the full demo's)."""
    if import_units:
        for code in ("2022", "2025"):
            result = do_import_structure(code)
            say(f"  structure {code}: {result.created} units created")
    # The set-up's actions record events (publications, follows …); the history step replays
    # every row as an event afterwards, so those are dropped rather than counted twice — and
    # no flusher thread writes figures beside the set-up (which made the history step skip
    # itself, or fail with "database is locked"). The replay runs last.
    with events.muted():
        personas = ensure_personas()
        regulation = ensure_default_regulation()
        say(f"  information regulation: version {regulation.version}")
        for structure, count in ensure_pages().items():
            say(f"  {count} pages created in structure {structure}")
        say("  demo posts…")
        say(f"  {ensure_posts()} demo posts created (in every state)")
        say(f"  campaigns sent to {ensure_campaigns()} pages")
        if citizens is None:
            citizens = SAMPLE_CITIZENS if sample else CITIZENS
        say(f"  engagement: {ensure_engagement(citizens, progress=say)}")
        items = SAMPLE_ITEMS if sample else ITEMS
        say(f"  {ensure_feedback(progress=say, items=items)} feedback items")
        privacy = ensure_privacy()
        say(f"  personal data: {privacy['consents']} consents, {privacy['requests']} requests")
        handbook = ensure_handbook()
        say(f"  handbook: {handbook['pages']} pages, board: {handbook['posts']} posts created")
        say(f"  moderation: {ensure_moderation()}")
        say(f"  {ensure_takedowns()} takedown requests recorded")
        say(f"  {ensure_breaches()} personal data breaches, audit log rows")
        say(f"  {settle_notifications()} notifications in the bells")
    if days is None:
        days = SAMPLE_DAYS if sample else DAYS
    history = ensure_history(progress=say, days=days)
    say(f"  {history:,} events for insights")
    return personas
