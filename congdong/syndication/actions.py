"""The one write path of syndication: queue deliveries (a post to its page's channels, a
campaign's copies to every target page's channels), send them (the worker), send again, set a
page's defaults, and complete reshare tasks from the external post's address.

Exactly once: a try claims its row with a conditional UPDATE (queued/retrying → sending); a try
that ends without knowing whether the platform acted (timeout, or a worker that died mid-call:
its claim goes stale) leaves `outcome_unknown`, and the next try on Facebook first reads the
Page's feed for the post carrying the delivery's marker. Zalo has no list of broadcasts: a
broadcast whose outcome is unknown is never sent again by the worker; it fails with a reason
and a person decides (see `_zalo`).
"""

from __future__ import annotations

import datetime
import logging
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import (
    Campaign,
    CampaignMode,
    CampaignStatus,
    CampaignTarget,
    TargetStatus,
)
from congdong.channels.actions import mark_token_bad, mark_token_used, refresh_zalo
from congdong.channels.clients import facebook, zalo
from congdong.channels.models import ChannelKind, ChannelLink, ChannelToken, TokenState
from congdong.core.errors import ActionError
from congdong.core.links import absolute_url
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start, record_starts
from congdong.posts.models import Post, PostImage, PostState
from congdong.posts.queries import access_post_to_write
from congdong.syndication import pacing
from congdong.syndication.models import (
    DELIVERY_STATES,
    ChannelDefault,
    Delivery,
    DeliveryState,
    Step,
)
from congdong.syndication.queries import access_delivery, sending_links
from congdong.syndication.texts import (
    Text,
    article_body,
    compose,
    cover_url,
    picture_url,
    pictures,
)

log = logging.getLogger("congdong.syndication")

D = DeliveryState
KINDS = (ChannelKind.FACEBOOK, ChannelKind.ZALO)
SENDABLE_POSTS = frozenset({PostState.PUBLISHED, PostState.SCHEDULED})
BATCH = 2000
NOT_READY_WAIT = 3.0  # seconds before verifying a Zalo article again
BACKOFF_CAP = 600.0
SUCCESS_EVERY = datetime.timedelta(minutes=1)
CLAIM_AHEAD = 1.0  # seconds: a platform sender claims its next delivery this early at most
FAN_OUT_WITHIN = datetime.timedelta(days=1)


def _move(delivery: Delivery, to: str, at: datetime.datetime, reason: str = "", **kwargs) -> bool:
    """The worker's move of a delivery (`move()`); False when someone moved it first."""
    try:
        workflow.move(delivery, to, at=at, reason=reason[:300], automatic=True, **kwargs)
    except ActionError:
        return False
    return True


# ------------------------------------------------------------------------------ queueing


@dataclass(frozen=True)
class Sending:
    post: Post
    links: list[ChannelLink]


def check_send(actor: AnyUser, post_id: int, link_ids: Iterable[int]) -> Sending:
    """`actor` operates the post's page, the post is published or scheduled, and each link is
    a current Facebook/Zalo channel of that page not yet sent this post."""
    post = access_post_to_write(actor, post_id)
    if post.state not in SENDABLE_POSTS:
        raise ActionError(
            _("Only a published or scheduled post goes to the channels; this one is %(state)s.")
            % {"state": PostState(post.state).label},
            field="links",
        )
    wanted = {int(pk) for pk in link_ids}
    if not wanted:
        raise ActionError(_("Choose at least one channel."), field="links")
    links = list(sending_links(post.page).filter(pk__in=wanted))
    if len(links) != len(wanted):
        raise ActionError(_("Choose among this page's connected channels."), field="links")
    done = set(Delivery.objects.filter(post=post, link__in=links).values_list("link_id", flat=True))
    if done and done == {link.pk for link in links}:
        raise ActionError(_("This post already went to these channels."), field="links")
    return Sending(post, [link for link in links if link.pk not in done])


def do_send(actor: User | None, sending: Sending) -> list[Delivery]:
    """Queue one delivery per link; a scheduled post's wait until it is published."""
    now = timezone.now()
    post = sending.post
    start = max(now, post.publish_at) if post.publish_at else now
    with transaction.atomic():
        rows = Delivery.objects.bulk_create(
            Delivery(
                post=post,
                link=link,
                kind=link.kind,
                not_before=start,
                created_at=now,
                created_by=actor,
            )
            for link in sending.links
        )
        record_starts(rows, by=actor, at=now)
    return rows


def send(actor: AnyUser, post_id: int, link_ids: Iterable[int]) -> list[Delivery]:
    return do_send(actor, check_send(actor, post_id, link_ids))


def check_defaults(actor: AnyUser, page_id: int) -> list[ChannelLink]:
    from congdong.syndication.queries import access_page_to_operate

    page = access_page_to_operate(actor, page_id)
    return list(sending_links(page))


def set_defaults(actor: AnyUser, page_id: int, publish_ids: Iterable[int]) -> list[ChannelLink]:
    """The page's channels where its posts go by default (ticked in the send form, and reached
    by publish-down campaigns): those in `publish_ids`, not the others."""
    links = check_defaults(actor, page_id)
    chosen = {int(pk) for pk in publish_ids}
    with transaction.atomic():
        for link in links:
            ChannelDefault.objects.update_or_create(
                link=link, defaults={"publish": link.pk in chosen}
            )
    return links


def fan_out(now: datetime.datetime | None = None) -> int:
    """The sweep queuing publish-down campaigns: every launched campaign (mode publish) not yet
    fanned out gets one delivery per target page's Facebook/Zalo channel (unless the page
    turned that channel off by default), each at a random moment within the jitter so no two
    thousand pages post in lockstep. Returns how many deliveries were queued.

    A campaign is fanned out once, in one transaction: the unique (post, link) makes a second
    worker's attempt fail and roll back whole."""
    now = now or timezone.now()
    queued = 0
    campaigns = (
        Campaign.objects.filter(status=CampaignStatus.LAUNCHED, mode=CampaignMode.PUBLISH)
        # A campaign whose pages have no channel never gets a delivery: looked at for a day.
        .filter(launched_at__gte=now - FAN_OUT_WITHIN)
        .filter(targets__copy__isnull=False)
        .exclude(targets__deliveries__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    for campaign_id in list(campaigns):
        try:
            queued += _fan_out_one(campaign_id, now)
        except IntegrityError:
            log.info("campaign %s was fanned out by another worker", campaign_id)
    return queued


def _fan_out_one(campaign_id: int, now: datetime.datetime) -> int:
    off = ChannelDefault.objects.filter(publish=False).values("link_id")
    pairs = list(
        ChannelLink.objects.current()
        .filter(kind__in=KINDS, token__isnull=False)
        .exclude(pk__in=off)
        .filter(page__campaign_targets__campaign_id=campaign_id)
        .filter(page__campaign_targets__copy__isnull=False)
        .values_list("pk", "kind", "page__campaign_targets__pk", "page__campaign_targets__copy_id")
    )
    random.shuffle(pairs)
    jitter = settings.CHANNEL_JITTER
    count = 0
    with transaction.atomic():
        for start in range(0, len(pairs), BATCH):
            rows = Delivery.objects.bulk_create(
                Delivery(
                    post_id=copy_id,
                    link_id=link_id,
                    kind=kind,
                    target_id=target_id,
                    not_before=now + datetime.timedelta(seconds=random.uniform(0, jitter)),
                    created_at=now,
                )
                for link_id, kind, target_id, copy_id in pairs[start : start + BATCH]
            )
            record_starts(rows, reason=_("Published down the tree"), at=now)
            count += len(rows)
    return count


def check_again(actor: AnyUser, delivery_id: int) -> Delivery:
    delivery = access_delivery(actor, delivery_id, to_write=True)
    if not DELIVERY_STATES.allowed_for_person(delivery.state, D.QUEUED):
        raise ActionError(_("Only a failed or given-up delivery can be sent again."))
    return delivery


def do_again(actor: User, delivery: Delivery) -> Delivery:
    """Queue it again from where it stood (a Zalo article already made is not made twice);
    the person asking has checked the channel when its outcome was unknown."""
    now = timezone.now()
    workflow.move(
        delivery,
        D.QUEUED,
        by=actor,
        reason=_("Sent again"),
        at=now,
        changes={
            "not_before": now,
            "attempts": 0,
            "reason": "",
            "outcome_unknown": False,
            "step": Step.VERIFIED if delivery.step == Step.BROADCASTING else delivery.step,
        },
        changed=_("The delivery changed meanwhile; reload and try again."),
    )
    delivery.refresh_from_db()
    return delivery


def again(actor: AnyUser, delivery_id: int) -> Delivery:
    return do_again(actor, check_again(actor, delivery_id))


# ------------------------------------------------------------------------------ sending


@dataclass
class Clients:
    """One client per platform for a run of the worker, made when first needed."""

    graph: facebook.GraphClient | None = None
    oa: zalo.ZaloClient | None = None

    def facebook(self) -> facebook.GraphClient:
        if self.graph is None:
            self.graph = facebook.GraphClient.from_settings()
        return self.graph

    def zalo(self) -> zalo.ZaloClient:
        if self.oa is None:
            self.oa = zalo.ZaloClient.from_settings()
        return self.oa

    def close(self) -> None:
        for client in (self.graph, self.oa):
            if client is not None:
                client.close()


def claim_ttl() -> datetime.timedelta:
    """A claim older than this was left by a worker that died: the longest a try can take
    (three calls, each bounded by the timeout) and a margin."""
    return datetime.timedelta(seconds=3 * settings.CHANNEL_TIMEOUT + 3)


def reclaim_stale(now: datetime.datetime | None = None) -> int:
    """Deliveries left `sending` by a worker that died: retry them, outcome unknown."""
    now = now or timezone.now()
    stale = list(
        Delivery.objects.filter(state=D.SENDING, claimed_at__lt=now - claim_ttl()).values_list(
            "pk", flat=True
        )
    )
    count = 0
    for pk in stale:
        count += _move(
            Delivery(pk=pk, state=D.SENDING),
            D.RETRYING,
            now,
            _("The worker stopped mid-delivery"),
            changes={"outcome_unknown": True, "not_before": now},
        )
    return count


def claim(
    kinds: list[str],
    now: datetime.datetime | None = None,
    due_by: datetime.datetime | None = None,
) -> Delivery | None:
    """The next delivery on one of `kinds` due by `due_by` (default: now), claimed (→ sending),
    or None."""
    now = now or timezone.now()
    due_by = due_by or now
    for _round in range(5):
        row = (
            Delivery.objects.filter(
                state__in=(D.QUEUED, D.RETRYING), kind__in=kinds, not_before__lte=due_by
            )
            .order_by("not_before", "pk")
            .values_list("pk", "state")
            .first()
        )
        if row is None:
            return None
        pk, state = row
        # The conditional UPDATE is the claim: of two workers, one moves the row.
        if _move(
            Delivery(pk=pk, state=state),
            D.SENDING,
            now,
            changes={"claimed_at": now, "attempts": F("attempts") + 1},
        ):
            return Delivery.objects.standard().get(pk=pk)
    return None


class Outcome(Exception):
    """How a try ended when it did not end sent: the state to move to and the reason."""

    def __init__(
        self,
        state: DeliveryState,
        reason: str,
        *,
        wait: float | datetime.datetime = 0.0,
        unknown: bool | None = None,
        counts: bool = True,
        step: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason
        self.wait = wait
        self.unknown = unknown
        self.counts = counts
        self.step = step


@dataclass
class Sent:
    external_id: str
    external_url: str
    fields: dict = field(default_factory=dict)


def _backoff(attempts: int) -> float:
    return min(BACKOFF_CAP, 2.0 ** max(attempts, 1)) * random.uniform(0.8, 1.2)


def _finish(delivery: Delivery, result: Sent | Outcome) -> str:
    """Write how the try ended (from sending); returns the new state."""
    now = timezone.now()
    # Only from sending: a claim reclaimed meanwhile (the worker thought dead) is not moved.
    sending = Delivery(pk=delivery.pk, state=D.SENDING)
    if isinstance(result, Sent):
        _move(
            sending,
            D.SENT,
            now,
            changes={
                "external_id": result.external_id,
                "external_url": result.external_url,
                "sent_at": now,
                "outcome_unknown": False,
                "reason": "",
                **result.fields,
            },
        )
        return D.SENT
    state = result.state
    values: dict = {"reason": result.reason[:300]}
    if result.unknown is not None:
        values["outcome_unknown"] = result.unknown
    if result.step is not None:
        values["step"] = result.step
    if not result.counts:
        values["attempts"] = F("attempts") - 1
    if state == D.RETRYING:
        if result.counts and delivery.attempts >= settings.CHANNEL_MAX_ATTEMPTS:
            state = D.GIVEN_UP
        elif isinstance(result.wait, datetime.datetime):
            values["not_before"] = result.wait
        else:
            values["not_before"] = now + datetime.timedelta(seconds=result.wait)
    if state == D.GIVEN_UP:
        # sending → retrying → given up: both moves recorded, as the graph has them.
        with transaction.atomic():
            if _move(sending, D.RETRYING, now, result.reason, changes=values):
                _move(sending, D.GIVEN_UP, now, _("Too many failed tries"))
        return D.GIVEN_UP
    _move(sending, state, now, result.reason, changes=values)
    return state


def _token_refused(delivery: Delivery, token: ChannelToken, exc: Exception) -> Outcome:
    mark_token_bad(token.pk, TokenState.EXPIRED, f"{type(exc).__name__}: {exc}", [])
    return Outcome(
        D.FAILED,
        _(
            "The platform refused the page's access token (expired or revoked): an admin of "
            "the page must connect %(channel)s again."
        )
        % {"channel": delivery.link.name or delivery.link.url},
    )


def _permission_refused(token: ChannelToken, exc: Exception) -> Outcome:
    permission = getattr(exc, "permission", None)
    mark_token_bad(
        token.pk, TokenState.PERMISSION_LOST, f"{type(exc).__name__}: {exc}", [permission or ""]
    )
    if permission:
        reason = _("Permission %(permission)s is missing: connect the channel again granting it.")
        return Outcome(D.FAILED, reason % {"permission": permission})
    return Outcome(D.FAILED, _("A permission to publish is missing: connect the channel again."))


def _facebook(delivery: Delivery, token: ChannelToken, clients: Clients) -> Sent:
    graph = clients.facebook()
    page_id = delivery.link.external_id
    text = compose(delivery.post, delivery.marker)
    try:
        if delivery.outcome_unknown:
            # A try went out and its answer was lost: did it post? Look before posting again.
            for item in graph.feed(page_id, token.access_token):
                if delivery.marker in str(item.get("message") or ""):
                    return Sent(str(item["id"]), _facebook_url(str(item["id"])))
        shown = pictures(delivery.post)
        media_ids = _upload_pictures(delivery, graph, page_id, token, shown)
        if not media_ids:
            post_id = graph.publish(
                page_id, token.access_token, message=text.message, link=text.url
            )
        else:
            try:
                # The address travels in the message: a link would show instead of the photos.
                post_id = graph.publish(
                    page_id, token.access_token, message=text.message, media_ids=media_ids
                )
            except facebook.GraphError as exc:
                if exc.code != 100 or "attached_media" not in exc.message:
                    raise
                # Facebook no longer has a photo uploaded by an earlier try: upload them again.
                Delivery.objects.filter(pk=delivery.pk, state=D.SENDING).update(media_ids={})
                raise Outcome(
                    D.RETRYING,
                    _("Facebook no longer had the photos; uploading them again."),
                    wait=_backoff(delivery.attempts),
                ) from None
    except facebook.RateLimited as exc:
        # A Page's own limit (80001, 32) pauses that Page; the app's (4, 17, 613) the platform.
        if exc.retry_after and (exc.code == 32 or (exc.code or 0) in range(80001, 80015)):
            wait: float | datetime.datetime = exc.retry_after
        else:
            wait = pacing.rate_limited(ChannelKind.FACEBOOK, exc.retry_after)
        raise Outcome(
            D.RETRYING, _("Facebook's rate limit: waiting."), wait=wait, counts=False
        ) from None
    finally:
        pacing.after_answer(ChannelKind.FACEBOOK, graph.last_usage)
    return Sent(post_id, _facebook_url(post_id))


def _upload_pictures(
    delivery: Delivery,
    graph: facebook.GraphClient,
    page_id: str,
    token: ChannelToken,
    shown: list[PostImage],
) -> list[str]:
    """Each picture uploaded to the Page unpublished, once: an id kept by an earlier try is
    used again. Each new id is written at once, so a try cut short keeps what it uploaded (an
    upload whose answer was lost is made again: an unpublished photo is seen by no one)."""
    ids = {str(key): str(value) for key, value in (delivery.media_ids or {}).items()}
    rows = Delivery.objects.filter(pk=delivery.pk, state=D.SENDING)
    for picture in shown:
        key = str(picture.pk)
        if key in ids:
            continue
        try:
            with picture.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            log.warning("delivery %s: picture %s has no file; left out", delivery.pk, picture.pk)
            continue
        ids[key] = graph.upload_photo(
            page_id, token.access_token, image=content, alt_text=picture.alt_text
        )
        rows.update(media_ids=ids)
    delivery.media_ids = ids
    return [ids[str(picture.pk)] for picture in shown if str(picture.pk) in ids]


def _facebook_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def _zalo(delivery: Delivery, token: ChannelToken, clients: Clients) -> Sent:
    """Create the article, verify it, broadcast it; each step is written as it is done, so a
    retry goes on from there."""
    oa = clients.zalo()
    step = delivery.step
    if step == Step.BROADCASTING and delivery.outcome_unknown:
        raise Outcome(
            D.FAILED,
            _(
                "Zalo did not say whether the broadcast went out, and it keeps no list to check: "
                "look at the OA's sent messages, then send again only if it is not there."
            ),
        )
    text: Text = compose(delivery.post, delivery.marker)
    rows = Delivery.objects.filter(pk=delivery.pk, state=D.SENDING)
    try:
        if step in (Step.START, "") or not delivery.article_token:
            # An article never broadcast is not seen by followers: if a lost answer left one
            # behind, making another is harmless.
            # The first picture is the cover, the others follow the text.
            shown = pictures(delivery.post)
            article_token = oa.create_article(
                token.access_token,
                title=text.title,
                author=delivery.post.page.name,
                description=text.summary,
                cover_url=picture_url(shown[0]) if shown else cover_url(),
                body_html=article_body(text),
                photos=[(picture_url(image), image.alt_text) for image in shown[1:]],
            )
            rows.update(step=Step.CREATED, article_token=article_token, outcome_unknown=False)
            delivery.article_token, step = article_token, Step.CREATED
        if step == Step.CREATED:
            article_id = oa.verify_article(token.access_token, delivery.article_token)
            rows.update(step=Step.VERIFIED, article_id=article_id)
            delivery.article_id, step = article_id, Step.VERIFIED
        rows.update(step=Step.BROADCASTING)
        step = Step.BROADCASTING
        message_id = oa.broadcast(token.access_token, article_id=delivery.article_id)
    except zalo.NotReady:
        raise Outcome(
            D.RETRYING,
            _("Zalo is still processing the article."),
            wait=NOT_READY_WAIT,
            counts=False,
        ) from None
    except zalo.RateLimited:
        until = pacing.rate_limited(ChannelKind.ZALO, None)
        back = Step.VERIFIED if step == Step.BROADCASTING else step
        raise Outcome(
            D.RETRYING, _("Zalo's rate limit: waiting."), wait=until, counts=False, step=back
        ) from None
    except zalo.Timeout:
        raise Outcome(
            D.RETRYING,
            _("Zalo did not answer in time."),
            wait=_backoff(delivery.attempts),
            unknown=True,
            step=step,
        ) from None
    except (zalo.InvalidToken, zalo.PermissionMissing):
        raise
    except zalo.ZaloError:
        # A clear refusal: the broadcast was not made.
        if step == Step.BROADCASTING:
            rows.update(step=Step.VERIFIED)
        raise
    pacing.after_success(ChannelKind.ZALO)
    return Sent(message_id, delivery.link.url)


def deliver(delivery: Delivery, clients: Clients) -> str:
    """One try of a claimed delivery; returns its new state. Never raises for the platform's
    answers: each ends in a state with a reason a person can read."""
    token = ChannelToken.objects.filter(link_id=delivery.link_id).first()
    if delivery.link.unlinked_at is not None or token is None:
        return _finish(delivery, Outcome(D.FAILED, _("The channel was disconnected.")))
    if delivery.post.state != PostState.PUBLISHED:
        return _finish(
            delivery,
            Outcome(D.RETRYING, _("The post is not published yet."), wait=60.0, counts=False),
        )
    try:
        if delivery.kind == ChannelKind.FACEBOOK:
            result: Sent | Outcome = _facebook(delivery, token, clients)
        else:
            result = _zalo(delivery, token, clients)
    except Outcome as outcome:
        result = outcome
    except zalo.InvalidToken as exc:
        if exc.expired and refresh_zalo(token.pk):
            # A fresh token: go on at once, as the same try.
            result = Outcome(D.RETRYING, _("The Zalo token was refreshed."), counts=False)
        else:
            result = _token_refused(delivery, token, exc)
    except facebook.TokenExpired as exc:
        result = _token_refused(delivery, token, exc)
    except (facebook.PermissionMissing, zalo.PermissionMissing) as exc:
        result = _permission_refused(token, exc)
    except facebook.Timeout as exc:
        result = Outcome(
            D.RETRYING,
            _("Facebook did not answer in time (%(error)s).") % {"error": exc.message},
            wait=_backoff(delivery.attempts),
            unknown=True,
        )
    except (facebook.ServerError, zalo.ServerError) as exc:
        result = Outcome(
            D.RETRYING,
            _("The platform failed (%(error)s); trying again later.") % {"error": exc.message},
            wait=_backoff(delivery.attempts),
        )
    except (facebook.GraphError, zalo.ZaloError) as exc:
        result = Outcome(
            D.FAILED, _("The platform refused the post: %(error)s") % {"error": str(exc)}
        )
    state = _finish(delivery, result)
    if isinstance(result, Sent) and delivery.kind == ChannelKind.FACEBOOK:
        pacing.after_success(ChannelKind.FACEBOOK)
    now = timezone.now()
    # The health view's "last success": once a minute is precise enough, and spares a write
    # per delivery when a campaign goes out.
    if isinstance(result, Sent) and (
        token.last_success_at is None or now - token.last_success_at > SUCCESS_EVERY
    ):
        mark_token_used(token.pk, now)
    return state


def run(budget: float = 10.0, limit: int | None = None) -> int:
    """The worker's job: claim and send due deliveries for up to `budget` seconds (waiting out
    a platform's pause while the other has nothing due); returns how many ended sent.

    One delivery at a time, in this thread; `send_due` runs one such sender per platform side
    by side (what the worker's job runs)."""
    reclaim_stale()
    return _send(list(KINDS), budget, limit)


def send_due(budget: float = 10.0) -> int:
    """The worker's job: one sender per platform, side by side (threads), each paced by its
    own platform, for up to `budget` seconds; returns how many ended sent.

    Facebook's limit is the app's own, shared by every Page, and a campaign's time is bound by
    it; under its sliding window each call sent late pushes every later one back. A single
    sender busy with a Zalo delivery (three calls) when Facebook's window frees a place left
    that place unused — with 3,355 pages, a tenth of the run. Side by side, Facebook's sender
    only ever waits for Facebook. Each thread has its own database connection (closed when it
    ends) and its own HTTP clients; claims stay conditional UPDATEs, so any number of senders,
    in any number of processes, never send one delivery twice.

    An in-memory SQLite database (the test suite's) refuses a second writer at once instead of
    waiting its turn as the file database does: there, one sender serves both platforms."""
    reclaim_stale()
    if connection.vendor == "sqlite" and getattr(connection, "is_in_memory_db", bool)():
        return _send(list(KINDS), budget, None)
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def sender(kind: str) -> None:
        try:
            results[kind] = _send([kind], budget, None)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sender, args=(kind,), name=f"send-{kind}", daemon=True)
        for kind in KINDS
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(results.values())


def _send(kinds: list[str], budget: float, limit: int | None) -> int:
    clients = Clients()
    stop = time.monotonic() + budget
    done = 0
    tries = 0
    try:
        while time.monotonic() < stop and (limit is None or tries < limit):
            delivery = None
            # Facebook first while its window has room: its limit is the app's, shared by
            # every Page, so it bounds a campaign; a Zalo delivery taken while Facebook could
            # send would leave that room unused. Zalo goes while Facebook waits.
            for kind in pacing.open_kinds(kinds):
                delivery = claim([kind])
                if delivery is not None:
                    break
            if delivery is None:
                wait = _next_due(kinds)
                if wait is None or time.monotonic() + wait >= stop:
                    break
                if len(kinds) == 1 and 0 < wait <= CLAIM_AHEAD:
                    # A sender of one platform: claim what is due when the platform's window
                    # frees a place, and send at that moment — not a claim's queries later
                    # (under a sliding window each late call pushes every later one back).
                    at = timezone.now() + datetime.timedelta(seconds=wait)
                    delivery = claim(kinds, due_by=at)
                time.sleep(max(wait, 0.01))
                if delivery is None:
                    continue
            tries += 1
            if deliver(delivery, clients) == D.SENT:
                done += 1
    finally:
        clients.close()
    return done


def _next_due(kinds: Iterable[str] = KINDS) -> float | None:
    """Seconds until a delivery is due on an open platform among `kinds` (None: nothing left
    to do)."""
    now = timezone.now()
    waits = []
    for kind in kinds:
        first = (
            Delivery.objects.filter(state__in=(D.QUEUED, D.RETRYING), kind=kind)
            .order_by("not_before")
            .values_list("not_before", flat=True)
            .first()
        )
        if first is None:
            continue
        paused = pacing.paused_until(kind)
        at = max(first, paused) if paused else first
        waits.append((at - now).total_seconds())
    return min(waits) if waits else None


# ------------------------------------------------------------------------------ reshare tasks


def check_reshare_by_address(actor: AnyUser, target_id: int, address: str) -> CampaignTarget:
    """The task is open for `actor` (as `campaigns.actions.check_reshare`) and `address` is a
    post on one of the page's linked channels: a Facebook address naming the linked Page (its
    id or its address's name)."""
    target = campaign_actions.check_reshare(actor, target_id)
    link = _link_of_address(target.page_id, address)
    if link is None:
        raise ActionError(
            _("This address is not a post of one of the page's linked channels."), field="address"
        )
    return target


def _link_of_address(page_id: int, address: str) -> ChannelLink | None:
    address = address.strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = [p for p in parts.path.split("/") if p]
    for link in ChannelLink.objects.current().filter(page_id=page_id, kind__in=KINDS):
        if link.kind == ChannelKind.FACEBOOK and host == "facebook.com" and path:
            # facebook.com/<page id>_<post id>, or /<page id or name>/posts/<post id>
            own = [p for p in urlsplit(link.url).path.split("/") if p]
            names = {link.external_id, *own[:1]}
            head, _sep, post = path[0].partition("_")
            if (head in names and post) or (path[0] in names and len(path) >= 3):
                return link
        zalo_hosts = ("zalo.me", "oa.zalo.me")
        if link.kind == ChannelKind.ZALO and host in zalo_hosts and link.external_id in path:
            return link
    return None


def do_reshare_by_address(actor: User, target: CampaignTarget, address: str) -> Delivery:
    """The task done (the page's copy on congdong, as a reshare) and the external post kept as
    a sent delivery of that copy."""
    link = _link_of_address(target.page_id, address)
    assert link is not None  # checked
    now = timezone.now()
    with transaction.atomic():
        target = campaign_actions.do_reshare(actor, target)
        delivery = Delivery.objects.create(
            post=target.copy,
            link=link,
            kind=link.kind,
            target=target,
            state=D.SENT,
            not_before=now,
            external_url=address.strip()[:500],
            sent_at=now,
            created_at=now,
            created_by=actor,
        )
        record_start(delivery, by=actor, reason=_("Address of the external post given"), at=now)
    return delivery


def reshare_by_address(actor: AnyUser, target_id: int, address: str) -> Delivery:
    return do_reshare_by_address(
        actor, check_reshare_by_address(actor, target_id, address), address
    )


def detect_reshares(batch: int = 200) -> int:
    """The sweep completing reshare tasks done on Facebook: for each open task of a launched
    reshare campaign whose page has a Facebook Page, read the Page's latest posts for one
    quoting the campaign post's address; found, the task is done as if its address had been
    given, in the name of the person who connected the Page (no one connected it: left for a
    person). Returns how many tasks were completed."""
    targets = (
        CampaignTarget.objects.filter(
            status__in=(TargetStatus.PENDING, TargetStatus.OVERDUE),
            campaign__status=CampaignStatus.LAUNCHED,
            campaign__mode=CampaignMode.RESHARE_TASK,
            page__channel_links__kind=ChannelKind.FACEBOOK,
            page__channel_links__unlinked_at__isnull=True,
            page__channel_links__linked_by__isnull=False,
        )
        .select_related("campaign__source_post__page", "page")
        .order_by("pk")[:batch]
    )
    done = 0
    clients = Clients()
    try:
        for target in list(targets):
            link = (
                ChannelLink.objects.current()
                .filter(page_id=target.page_id, kind=ChannelKind.FACEBOOK, token__isnull=False)
                .select_related("linked_by", "token")
                .first()
            )
            if link is None or link.linked_by is None:
                continue
            source = target.campaign.source_post
            wanted = absolute_url(reverse("posts:public", args=[source.page.slug, source.pk]))
            try:
                feed = clients.facebook().feed(link.external_id, link.token.access_token)
            except facebook.GraphError as exc:
                log.info("reshare detection: %s unreadable (%s)", link.external_id, exc)
                continue
            for item in feed:
                if wanted in str(item.get("message") or ""):
                    address = _facebook_url(str(item["id"]))
                    try:
                        do_reshare_by_address(link.linked_by, target, address)
                    except ActionError:
                        break  # done meanwhile by a person
                    done += 1
                    break
    finally:
        clients.close()
    return done
