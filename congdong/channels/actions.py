"""The one write path of channels: link, connect, refresh, check, disconnect, fake reports.

`check_*` validates and authorises, `do_*` writes. Calls to the platforms go through the
clients in `clients/` (httpx, timeouts); no token is ever logged or returned.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.accounts.roles import Permission
from congdong.channels import backlinks, notices
from congdong.channels.clients import facebook, zalo
from congdong.channels.models import (
    BAD_STATES,
    FAKE_REPORT_STATES,
    TOKEN_STATES,
    ChannelKind,
    ChannelLink,
    ChannelToken,
    FakeReport,
    Feature,
    FigureImport,
    MetricStop,
    ReportState,
    TokenState,
)
from congdong.channels.queries import access_link, access_report
from congdong.core import public_cache
from congdong.core.errors import ActionError
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.pages.models import Page
from congdong.pages.queries import access_page

log = logging.getLogger("congdong.channels")

# Zalo: access token ~25 h, refresh token 3 months (CHANNELS.md).
ZALO_REFRESH_LIFETIME = datetime.timedelta(days=90)
# The worker refreshes a Zalo access token this long before it expires.
REFRESH_AHEAD = datetime.timedelta(hours=2)
# A refresh claimed longer ago than this was left by a worker that died: another may take it.
CLAIM_STALE = datetime.timedelta(minutes=5)


def _trim(exc: Exception) -> str:
    # The clients' messages come from the platform and never hold our tokens.
    return f"{type(exc).__name__}: {exc}"[:300]


# ------------------------------------------------------------------------------------ linking


@dataclass
class Linking:
    page: Page
    kind: ChannelKind
    external_id: str
    url: str
    name: str
    backlink_ok: bool
    admin_verified: bool
    tasks: list[str] = field(default_factory=list)
    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime.datetime | None = None
    refresh_expires_at: datetime.datetime | None = None


# The columns a new link row takes from its `Linking` as they are (the rest is set on every
# linking, of a new or a current link, below).
LINK_COLUMNS = ("page", "kind", "external_id", "url", "name")


def do_link(actor: User | None, linking: Linking) -> ChannelLink:
    """Link a channel to the page (or refresh the proof and token of the same channel linked
    again). A channel that is already another page's official channel is refused."""
    now = timezone.now()
    with transaction.atomic():
        current = None
        if linking.external_id:
            current = (
                ChannelLink.objects.current()
                .select_for_update()
                .filter(kind=linking.kind, external_id=linking.external_id)
                .select_related("page")
                .first()
            )
        else:
            current = (
                ChannelLink.objects.current()
                .select_for_update()
                .filter(page=linking.page, kind=linking.kind, url=linking.url)
                .first()
            )
        if current is not None and current.page_id != linking.page.pk:
            raise ActionError(
                _("This channel is already the official channel of %(page)s.")
                % {"page": current.page.name}
            )
        if current is None:
            try:
                with transaction.atomic():
                    link = ChannelLink.objects.create(
                        **{name: getattr(linking, name) for name in LINK_COLUMNS},
                        linked_at=now,
                        linked_by=actor,
                    )
            except IntegrityError:  # linked by someone else meanwhile
                raise ActionError(
                    _("This channel was just linked to another page; reload and check.")
                ) from None
        else:
            link = current
        link.url = linking.url
        link.name = linking.name
        link.tasks = linking.tasks
        link.backlink_ok = linking.backlink_ok
        link.backlink_checked_at = now
        link.admin_verified_at = now if linking.admin_verified else None
        link.save()
        if linking.access_token:
            token, created = ChannelToken.objects.update_or_create(
                link=link,
                defaults={
                    "access_token": linking.access_token,
                    "refresh_token": linking.refresh_token,
                    "expires_at": linking.expires_at,
                    "refresh_expires_at": linking.refresh_expires_at,
                    "missing": [],
                    "last_success_at": now,
                    "last_checked_at": now,
                    "last_error": "",
                    "notified_state": "",
                    "refreshing_since": None,
                },
            )
            if created:
                record_start(token, by=actor, at=now)
            elif token.state != TokenState.VALID:  # connected again: a new, working token
                workflow.move(token, TokenState.VALID, by=actor, at=now)
            ChannelToken.objects.filter(link=link).update(version=F("version") + 1)
        public_cache.page_changed(linking.page.pk)
    return link


def check_configured(kind: ChannelKind) -> None:
    """ActionError unless the operator configured what connecting `kind` needs: the platform's
    app id and secret, and the key that seals tokens at rest."""
    from django.conf import settings

    if not settings.CHANNEL_TOKEN_KEY:
        raise ActionError(
            _(
                "Channels cannot be connected yet: the key that protects their tokens "
                "(CONGDONG_CHANNEL_TOKEN_KEY) is not configured."
            )
        )
    needed = {
        ChannelKind.FACEBOOK: (settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET),
        ChannelKind.ZALO: (settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY),
    }.get(kind, ("-", "-"))
    if not all(needed):
        raise ActionError(
            _("%(channel)s cannot be connected yet: the site's app for it is not configured.")
            % {"channel": ChannelKind(kind).label}
        )


def check_manage(actor: AnyUser, page_id: int) -> Page:
    """The page, if `actor` may connect and disconnect its channels (its admins and those
    above, see `access_page`)."""
    return access_page(actor, page_id, Permission.MANAGE_PAGE)


# ----------------------------------------------------------------------------------- Facebook


def facebook_user_token(code: str, redirect_uri: str) -> str:
    """The long-lived user token for an OAuth callback's code (never stored: it lives, sealed,
    in the session until the person picks a Page)."""
    try:
        with facebook.GraphClient.from_settings() as client:
            short = client.exchange_code(code=code, redirect_uri=redirect_uri)
            return client.long_lived_user_token(short)
    except facebook.GraphError as exc:
        raise ActionError(
            _("Facebook refused the connection (%(why)s). Try again.") % {"why": exc.message}
        ) from exc


# The Facebook permission each feature needs (besides the Page task, FEATURE_TASKS).
FEATURE_PERMISSIONS: dict[Feature, str] = {
    Feature.PUBLISH: "pages_manage_posts",
    Feature.INSIGHTS: "read_insights",
    Feature.COMMENTS: "pages_manage_engagement",
}


def facebook_declined(user_token: str) -> list[tuple[Feature, str]]:
    """(feature, permission) for each permission the person did not grant the app."""
    try:
        with facebook.GraphClient.from_settings() as client:
            granted = client.permissions(user_token)
    except facebook.GraphError:
        return []  # said when the Page is used; not a reason to stop connecting
    return [
        (feature, permission)
        for feature, permission in FEATURE_PERMISSIONS.items()
        if granted.get(permission) != "granted"
    ]


def facebook_pages(user_token: str) -> list[facebook.PageGrant]:
    try:
        with facebook.GraphClient.from_settings() as client:
            return client.accounts(user_token)
    except facebook.GraphError as exc:
        raise ActionError(
            _("Facebook refused the connection (%(why)s). Try again.") % {"why": exc.message}
        ) from exc


def connect_facebook(actor: User, page_id: int, user_token: str, fb_page_id: str) -> ChannelLink:
    """Link the Facebook Page `fb_page_id`, which the person administers (it must be among
    their /me/accounts), to the page; its page token is kept sealed."""
    page = check_manage(actor, page_id)
    grant = next((g for g in facebook_pages(user_token) if g.id == fb_page_id), None)
    if grant is None:
        raise ActionError(
            _("You do not administer that Facebook Page (Facebook did not list it)."),
            field="fb_page",
        )
    try:
        with facebook.GraphClient.from_settings() as client:
            info = client.page(grant.id, grant.access_token)
    except facebook.GraphError as exc:
        raise ActionError(
            _("Facebook refused to show the Page (%(why)s).") % {"why": exc.message}
        ) from exc
    backlink = any(
        backlinks.mentions(str(info.get(f) or ""), page) for f in ("website", "about", "link")
    )
    return do_link(
        actor,
        Linking(
            page=page,
            kind=ChannelKind.FACEBOOK,
            external_id=grant.id,
            url=str(info.get("link") or f"https://www.facebook.com/{grant.id}"),
            name=grant.name,
            backlink_ok=backlink,
            admin_verified=True,
            tasks=list(grant.tasks),
            access_token=grant.access_token,
        ),
    )


# --------------------------------------------------------------------------------------- Zalo


def connect_zalo(actor: User, page_id: int, code: str, code_verifier: str) -> ChannelLink:
    """Exchange the OAuth code (PKCE) for the OA's tokens and link the OA to the page."""
    page = check_manage(actor, page_id)
    try:
        with zalo.ZaloClient.from_settings() as client:
            tokens = client.exchange_code(code=code, code_verifier=code_verifier)
            info = client.oa_info(tokens.access_token)
    except zalo.ZaloError as exc:
        raise ActionError(
            _("Zalo refused the connection (%(why)s). Try again.") % {"why": exc.message}
        ) from exc
    now = timezone.now()
    oa_id = str(info.get("oa_id") or "")
    if not oa_id:
        raise ActionError(_("Zalo did not say which Official Account was connected."))
    backlink = backlinks.mentions(str(info.get("description") or ""), page)
    return do_link(
        actor,
        Linking(
            page=page,
            kind=ChannelKind.ZALO,
            external_id=oa_id,
            url=f"https://zalo.me/{oa_id}",
            name=str(info.get("name") or ""),
            backlink_ok=backlink,
            admin_verified=True,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=now + datetime.timedelta(seconds=int(tokens.expires_in)),
            refresh_expires_at=now + ZALO_REFRESH_LIFETIME,
        ),
    )


def refresh_zalo(token_id: int) -> bool:
    """Trade the OA's refresh token for a new pair; True if this call did it.

    Zalo's refresh token is single-use: the pair it returns must be stored or the OA has to
    consent again. The call first claims the row (a conditional UPDATE setting
    `refreshing_since` and bumping `version`), so of two workers (or a worker and a person)
    refreshing at once exactly one calls Zalo; the other returns False and changes nothing.
    The new pair is stored under the claim's version. A claim left by a worker that died is
    taken over after CLAIM_STALE.
    """
    token = ChannelToken.objects.filter(pk=token_id).first()
    if token is None or not token.refresh_token:
        return False
    seen = token.version
    now = timezone.now()
    try:
        claimed = (
            ChannelToken.objects.filter(pk=token_id, version=seen)
            .filter(Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - CLAIM_STALE))
            .update(version=seen + 1, refreshing_since=now)
        )
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # SQLite refused the write while another writer holds the table: that writer is the
        # one claiming, so this call did not.
        return False
    if not claimed:
        return False
    mine = ChannelToken.objects.filter(pk=token_id, version=seen + 1)
    try:
        with zalo.ZaloClient.from_settings() as client:
            pair = client.refresh(token.refresh_token)
    except zalo.InvalidToken as exc:
        mine.update(refreshing_since=None)
        _go_bad(token_id, TokenState.EXPIRED, _trim(exc), [])
        return False
    except zalo.ZaloError as exc:
        # Timeout or server error: the stored pair stays; the next sweep tries again.
        mine.update(refreshing_since=None, last_error=_trim(exc), last_checked_at=now)
        return False
    now = timezone.now()
    stored = mine.update(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        version=seen + 2,
        refreshing_since=None,
        expires_at=now + datetime.timedelta(seconds=int(pair.expires_in)),
        refresh_expires_at=now + ZALO_REFRESH_LIFETIME,
        last_success_at=now,
        last_checked_at=now,
        last_error="",
        notified_state="",
    )
    if not stored:  # reconnected by a person meanwhile: their pair is the newer one
        log.warning("channel token %s changed during its refresh; kept the newer pair", token_id)
        return False
    _working_again(token_id, now)
    return True


def refresh_due_zalo_tokens(now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Refresh every Zalo access token expiring within REFRESH_AHEAD; returns how many."""
    now = now or timezone.now()
    ids = list(
        ChannelToken.objects.filter(
            link__kind=ChannelKind.ZALO,
            link__unlinked_at__isnull=True,
            state=TokenState.VALID,
            expires_at__lt=now + REFRESH_AHEAD,
        )
        .exclude(refresh_token="")
        .order_by("expires_at")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in ids if refresh_zalo(pk))


# -------------------------------------------------------------------------------------- health


def _working_again(token_id: int, now: datetime.datetime) -> None:
    """A token found working (refreshed, or checked): back to valid if it had gone bad."""
    with transaction.atomic():
        token = ChannelToken.objects.select_for_update().filter(pk=token_id).first()
        if token is not None and token.state != TokenState.VALID:
            workflow.move(token, TokenState.VALID, at=now)


def _go_bad(token_id: int, state: TokenState, error: str, missing: list[str]) -> bool:
    """Move the token to a bad state and tell the unit's admins once; True if it moved."""
    with transaction.atomic():
        token = ChannelToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            return False
        now = timezone.now()
        moved = token.state != state and TOKEN_STATES.allowed(token.state, state)
        found = {"last_error": error[:300], "last_checked_at": now}
        found["missing"] = missing or token.missing
        if moved:  # the row is locked: the move cannot be lost
            workflow.move(token, state, at=now, reason=error[:300], changes=found)
        else:
            ChannelToken.objects.filter(pk=token_id).update(**found)
        if (moved or token.state == state) and token.notified_state != state:
            told = ChannelToken.objects.filter(pk=token_id, notified_state=token.notified_state)
            if told.update(notified_state=state):
                notices.tell_admins(token.link_id, state, at=now)
    return moved


def mark_token_bad(token_id: int, state: TokenState, error: str, missing: list[str]) -> bool:
    """For apps using a token (syndication) that the platform refused: the same move and the
    same one notice as a check finding it."""
    return _go_bad(token_id, state, error, missing)


def mark_token_used(token_id: int, now: datetime.datetime) -> None:
    """For apps using a token (syndication): the platform took a call with it just now (the
    health view's "last success")."""
    ChannelToken.objects.filter(pk=token_id).update(last_success_at=now)


@dataclass
class CheckResult:
    link: ChannelLink
    ok: bool
    state: str
    backlink_ok: bool
    detail: str = ""


def check_link(link_id: int, *, refreshed: bool = False) -> CheckResult:
    """Verify the link now: does its token still work, does the channel point back? Writes
    what was found (state, backlink, last success) and tells the admins of a bad move. A Zalo
    access token that expired is refreshed once and checked again."""
    link = ChannelLink.objects.standard().get(pk=link_id)
    now = timezone.now()
    if link.kind == ChannelKind.WEBSITE:
        ok, why = backlinks.website_points_back(link.url, link.page)
        ChannelLink.objects.filter(pk=link.pk).update(backlink_ok=ok, backlink_checked_at=now)
        link.backlink_ok = ok
        return CheckResult(link, ok, "", ok, why)
    token = getattr(link, "token", None)
    if token is None:
        return CheckResult(link, False, TokenState.EXPIRED, link.backlink_ok, "no token")
    text = ""
    try:
        if link.kind == ChannelKind.FACEBOOK:
            with facebook.GraphClient.from_settings() as graph:
                info = graph.page(link.external_id, token.access_token)
            text = " ".join(str(info.get(f) or "") for f in ("website", "about", "link"))
        else:
            with zalo.ZaloClient.from_settings() as oa:
                info = oa.oa_info(token.access_token)
            text = str(info.get("description") or "")
    except (facebook.TokenExpired, zalo.InvalidToken) as exc:
        if link.kind == ChannelKind.ZALO and not refreshed and refresh_zalo(token.pk):
            return check_link(link_id, refreshed=True)
        _go_bad(token.pk, TokenState.EXPIRED, _trim(exc), [])
        return CheckResult(link, False, TokenState.EXPIRED, link.backlink_ok, _trim(exc))
    except (facebook.PermissionMissing, zalo.PermissionMissing) as exc:
        missing = [p for p in [getattr(exc, "permission", None)] if p]
        _go_bad(token.pk, TokenState.PERMISSION_LOST, _trim(exc), missing)
        return CheckResult(link, False, TokenState.PERMISSION_LOST, link.backlink_ok, _trim(exc))
    except (facebook.GraphError, zalo.ZaloError) as exc:
        # The platform is down or slow: nothing is known about the token; say so and go on.
        ChannelToken.objects.filter(pk=token.pk).update(last_error=_trim(exc), last_checked_at=now)
        return CheckResult(link, False, token.state, link.backlink_ok, _trim(exc))
    backlink = backlinks.mentions(text, link.page)
    with transaction.atomic():
        ChannelLink.objects.filter(pk=link.pk).update(backlink_ok=backlink, backlink_checked_at=now)
        ChannelToken.objects.filter(pk=token.pk).update(
            missing=[],
            last_success_at=now,
            last_checked_at=now,
            last_error="",
            notified_state="",
        )
        _working_again(token.pk, now)
        if backlink != link.backlink_ok:
            public_cache.page_changed(link.page_id)
    link.backlink_ok = backlink
    return CheckResult(link, True, TokenState.VALID, backlink)


def check_tokens(batch: int = 500) -> int:
    """The sweep: expire Facebook tokens past their date and check each current link whose
    last check is over a day old; returns how many were checked."""
    now = timezone.now()
    for pk in ChannelToken.objects.filter(
        expires_at__lt=now, state=TokenState.VALID, link__kind=ChannelKind.FACEBOOK
    ).values_list("pk", flat=True):
        _go_bad(pk, TokenState.EXPIRED, "expired", [])
    stale = now - datetime.timedelta(days=1)
    ids = list(
        ChannelLink.objects.current()
        .exclude(kind=ChannelKind.WEBSITE)
        .filter(token__last_checked_at__lt=stale)
        .exclude(token__state__in=list(BAD_STATES))
        .order_by("token__last_checked_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in ids:
        check_link(pk)
    return len(ids)


# --------------------------------------------------------------------------------- websites


def add_website(actor: User, page_id: int, url: str) -> ChannelLink:
    page = check_manage(actor, page_id)
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url:
        raise ActionError(_("Enter a web address starting with https://"), field="url")
    ok, _why = backlinks.website_points_back(url, page)
    return do_link(
        actor,
        Linking(
            page=page,
            kind=ChannelKind.WEBSITE,
            external_id="",
            url=url,
            name=url.split("://", 1)[1].split("/", 1)[0],
            backlink_ok=ok,
            admin_verified=False,
        ),
    )


# --------------------------------------------------------------------------------- disconnect


def disconnect(actor: User, link_id: int) -> ChannelLink:
    """End the link: revoke the token on the platform (best effort: a platform that cannot be
    reached does not keep our copy alive), delete it, and close the link's row."""
    link = access_link(actor, link_id)
    check_manage(actor, link.page_id)
    token = ChannelToken.objects.filter(link=link).first()
    if token is not None and token.access_token and link.kind == ChannelKind.FACEBOOK:
        try:
            with facebook.GraphClient.from_settings() as client:
                client.revoke(token.access_token)
        except facebook.GraphError as exc:
            log.warning("revoking the token of channel link %s failed: %s", link.pk, _trim(exc))
    with transaction.atomic():
        ChannelToken.objects.filter(link=link).delete()
        ChannelLink.objects.filter(pk=link.pk, unlinked_at__isnull=True).update(
            unlinked_at=timezone.now(), unlinked_by=actor
        )
        public_cache.page_changed(link.page_id)
    link.refresh_from_db()
    return link


# ------------------------------------------------------------------------------ fake reports


FAKE_REPORTS_PER_MINUTE = 3


def report_fake(reporter: AnyUser, who: str, page: Page, url: str, note: str = "") -> FakeReport:
    """A citizen (or an anonymous visitor, counted by network) reports a suspected fake page."""
    from congdong.core import ratelimit

    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url:
        raise ActionError(_("Enter the suspected page's address, starting with https://"), "url")
    note = (note or "").strip()[:1000]
    ratelimit.hit("fake-report", who, FAKE_REPORTS_PER_MINUTE, 60, _("reports"))
    with transaction.atomic():
        report = FakeReport.objects.create(
            page=page,
            url=url,
            note=note,
            reporter=reporter if reporter.is_authenticated else None,
            created_at=timezone.now(),
        )
        record_start(report, by=report.reporter, at=report.created_at)
    return report


def decide_report(actor: User, report_id: int, to: str) -> FakeReport:
    report = access_report(actor, report_id)
    check_manage(actor, report.page_id)
    if to not in ReportState.values or not FAKE_REPORT_STATES.allowed(report.state, to):
        raise ActionError(_("This report cannot be moved so."))
    now = timezone.now()
    with transaction.atomic():
        workflow.move(
            report,
            to,
            by=actor,
            at=now,
            changes={"decided_at": now, "decided_by": actor},
            changed=_("The report changed meanwhile; reload and try again."),
        )
        public_cache.page_changed(report.page_id)
    report.refresh_from_db()
    return report


# ------------------------------------------------------------------------- figures' import state
# The import of a linked channel's figures (congdong.insights.channel_import) keeps where it
# stands in this app's rows: its cursor, its claim, its last run, the metrics refused.


def figure_import(link_id: int) -> FigureImport:
    """The import state of the link's figures, made the first time."""
    state, _created = FigureImport.objects.get_or_create(link_id=link_id)
    return state


def claim_figure_import(
    state: FigureImport, now: datetime.datetime, stale: datetime.timedelta
) -> bool:
    """Claim the import of one link (a conditional UPDATE: two workers never import one link
    at once; a claim older than `stale` was a dead worker's). False if another holds it."""
    claim = FigureImport.objects.filter(pk=state.pk).filter(
        Q(running_since__isnull=True) | Q(running_since__lte=now - stale)
    )
    return bool(claim.update(running_since=now))


def release_figure_import(state: FigureImport) -> None:
    FigureImport.objects.filter(pk=state.pk).update(running_since=None)


def record_figure_run(state: FigureImport, error: str) -> None:
    """A run ended now, with `error` in words ("" when it went well)."""
    FigureImport.objects.filter(pk=state.pk).update(
        last_run_at=timezone.now(), last_error=error[:300]
    )


def advance_figure_import(
    link_id: int, first: datetime.date, last: datetime.date, seen: dict | None = None
) -> FigureImport:
    """Widen the imported range over [first, last] (and keep Zalo's `seen` totals), in the
    caller's transaction, with the chunk's days stored: the row locked, so two runs never move
    the cursor over each other."""
    state = FigureImport.objects.select_for_update().get(link_id=link_id)
    state.first_day = min(filter(None, [state.first_day, first]))
    state.last_day = max(filter(None, [state.last_day, last]))
    fields = ["first_day", "last_day"]
    if seen is not None:
        state.seen = seen
        fields.append("seen")
    state.save(update_fields=fields)
    return state


def record_metric_stop(
    kind: str, metric: str, version: str, *, ours: str, on: datetime.date, message: str
) -> None:
    """The platform stopped reporting `metric` (of API `version`): recorded once."""
    MetricStop.objects.get_or_create(
        kind=kind,
        metric=metric,
        version=version,
        defaults={"ours": ours, "stopped_on": on, "message": message[:300]},
    )
