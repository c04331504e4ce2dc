"""The public site and citizens' actions, for the mobile apps and the web's scripts.

Reads under /public/ need no sign-in; actions take a bearer token (`/auth/phone/verify`) or the
web session. Every write goes through `congdong.engagement.actions`; refusals come back as 400,
403 or 429 (with Retry-After) with `{"detail", "field"}` in the caller's language.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from congdong import events
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.accounts.tokens import TOKEN_OR_SESSION, caller
from congdong.core.api import Id
from congdong.core.errors import ActionError
from congdong.core.links import absolute_url
from congdong.engagement import feeds, queries, search
from congdong.engagement import notifications as inbox
from congdong.engagement.actions import comments, follows, notify, reactions, referrals
from congdong.engagement.actions import notifications as notices
from congdong.engagement.comments import access_comment, read_thread
from congdong.engagement.models import (
    Comment,
    CommentState,
    Notification,
    PageCounter,
    ReferralOpen,
)
from congdong.engagement.web import PARAM, take_referral
from congdong.events import EventKind
from congdong.pages.models import Page, PageStatus
from congdong.pages.queries import public_page_ref
from congdong.posts.models import Post, PostState

router = Router(tags=["engagement"])

MAX_LIMIT = 50
# The app gets this signed id of the referral its anonymous visitor opened and hands it back
# with the follow after signing in: the API's version of the web's signed cookie.
REFERRAL_SALT = "congdong.engagement.api.referral"


# ---------------------------------------------------------------- schemas


class PublicPageOut(Schema):
    id: int
    slug: str
    name: str
    url: str
    unit_id: int
    unit_name: str
    level: str
    verified: bool
    description: str
    contact_email: str
    contact_phone: str
    address: str
    avatar: str | None
    cover: str | None
    comment_policy: str
    followers: int
    posts: int
    referrals: int
    following: bool
    referral: str | None = None  # present when this request counted a referral (`?gt=`)


class PostCardOut(Schema):
    id: int
    page_id: int
    page_slug: str
    page_name: str
    title: str
    category: str
    published_at: datetime.datetime
    url: str
    image: str | None
    reactions: int
    comments: int


class PostsOut(Schema):
    items: list[PostCardOut]
    next_cursor: str | None  # pass as `before` for the next, older posts


class ImageOut(Schema):
    url: str
    alt_text: str


class ReactionOut(Schema):
    kind: str
    label: str
    emoji: str
    count: int
    mine: bool


class PublicPostOut(PostCardOut):
    body: str  # HTML, sanitised when written
    source_url: str
    tags: str
    images: list[ImageOut]
    reaction_counts: list[ReactionOut]
    referral: str | None = None


class CommentReplyOut(Schema):
    id: int
    author: str
    as_page: bool
    mine: bool
    state: CommentState
    body: str
    created_at: datetime.datetime
    edited_at: datetime.datetime | None


class CommentOut(CommentReplyOut):
    placeholder: bool  # deleted or hidden, kept only so its replies have context
    replies: list[CommentReplyOut]


class PageCardOut(Schema):
    id: int
    slug: str
    name: str
    url: str
    unit_name: str
    level: str
    verified: bool
    avatar: str | None
    followers: int


class SearchOut(Schema):
    query: str
    pages: list[PageCardOut]
    posts: list[PostCardOut]


class FollowOut(Schema):
    following: bool
    followers: int


class ReactIn(Schema):
    kind: str  # one of ReactionKind; the action explains a wrong one in the caller's language


class ReactedOut(Schema):
    mine: str | None
    reactions: list[ReactionOut]


class CommentIn(Schema):
    body: str
    parent_id: int | None = None  # a reply (one level: a reply to a reply goes under its top)
    as_page: bool = False  # an operator answering in the page's name


class CommentEditIn(Schema):
    body: str


class NotificationOut(Schema):
    id: int
    kind: str
    created_at: datetime.datetime
    read: bool
    text: str  # what the bell says, in the request's language
    post_id: int | None
    post_title: str | None
    page_name: str | None
    comment_id: int | None
    url: str | None


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[Id] | None = None  # none: all of them


class ReadOut(Schema):
    changed: int


class ShareIn(Schema):
    page_id: int
    post_id: int | None = None
    channel: str


class LinkOut(Schema):
    url: str
    code: str


class ShareOut(LinkOut):
    channel: str


# ---------------------------------------------------------------- shaping


def _reactions(counts: list[queries.ReactionCount]) -> list[dict]:
    return [
        {"kind": c.kind, "label": str(c.label), "emoji": c.emoji, "count": c.count, "mine": c.mine}
        for c in counts
    ]


def _file_url(request: HttpRequest, field: FieldFile) -> str | None:
    return absolute_url(field) if field else None


def _page_url(request: HttpRequest, page: Page, post: Post | None = None) -> str:
    if post is not None:
        return absolute_url(reverse("posts:public", args=[page.slug, post.pk]))
    return absolute_url(reverse("pages:public", args=[page.slug]))


def _page_out(request: HttpRequest, page: Page, counts: dict | None = None) -> dict:
    counts = counts or {}
    return {
        "id": page.pk,
        "slug": page.slug,
        "name": page.name,
        "url": _page_url(request, page),
        "unit_id": page.unit_id,
        "unit_name": page.unit.full_name,
        "level": page.unit.level,
        "verified": page.verified,
        "description": page.description,
        "contact_email": page.contact_email,
        "contact_phone": page.contact_phone,
        "address": page.address,
        "avatar": _file_url(request, page.avatar),
        "cover": _file_url(request, page.cover),
        "comment_policy": page.comment_policy,
        "followers": getattr(page, "followers", counts.get("followers", 0)),
        "posts": getattr(page, "posts_count", counts.get("posts", 0)),
        "referrals": getattr(page, "referrals", counts.get("referrals", 0)),
        "following": bool(getattr(page, "following", False)),
    }


def _comment_counts(post_ids: list[int]) -> dict[int, int]:
    rows = (
        Comment.objects.filter(post_id__in=post_ids, state=CommentState.VISIBLE)
        .values_list("post_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _cards(request: HttpRequest, posts: list[Post]) -> list[dict]:
    """Posts for a list, with their totals (two queries for the whole list)."""
    prefetch_related_objects(posts, "images")  # no query when the caller prefetched them
    queries.with_reaction_totals(posts)
    commented = _comment_counts([post.pk for post in posts])
    return [_card(request, post, post.reaction_total, commented.get(post.pk, 0)) for post in posts]


def _card(request: HttpRequest, post: Post, reactions_total: int, comments: int) -> dict:
    images = list(post.images.all())
    return {
        "id": post.pk,
        "page_id": post.page_id,
        "page_slug": post.page.slug,
        "page_name": post.page.name,
        "title": post.title,
        "category": post.category.code,
        "published_at": post.published_at,
        "url": _page_url(request, post.page, post),
        "image": absolute_url(images[0].url) if images else None,
        "reactions": reactions_total,
        "comments": comments,
    }


def _signed_referral(opened: ReferralOpen | None) -> str | None:
    return signing.dumps(opened.pk, salt=REFERRAL_SALT) if opened is not None else None


def _referral_open_id(value: str | None) -> int | None:
    if not value:
        return None
    max_age = datetime.timedelta(days=settings.REFERRAL_FOLLOW_DAYS)
    try:
        found = signing.loads(value, salt=REFERRAL_SALT, max_age=max_age)
    except signing.BadSignature:
        return None  # a stale or forged value only loses the attribution
    return found if isinstance(found, int) else None


def _active_page(slug: str, user: AnyUser) -> Page:
    page = queries.public_page_with_counts(slug, user)
    if page.status != PageStatus.ACTIVE:
        raise Http404  # suspended pages are not served to apps
    return page


def _published(page: Page) -> QuerySet[Post]:
    return (
        Post.objects.filter(page=page, state=PostState.PUBLISHED)
        .select_related("page", "category")
        .prefetch_related("images")
        .order_by("-published_at", "-pk")
    )


def _cursor_page(
    posts: QuerySet[Post], before: str | None, limit: int
) -> tuple[list[Post], str | None]:
    """Newest first after the (time, id) cursor `before`, as the feed pages."""
    cursor = feeds.parse_cursor(before)
    if cursor is not None:
        at, pk = cursor
        posts = posts.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    found = list(posts[: limit + 1])
    more, found = len(found) > limit, found[:limit]
    last = found[-1] if found else None
    return found, (f"{last.published_at.isoformat()}_{last.pk}" if more and last else None)


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


# ---------------------------------------------------------------- public reads


@router.get("/public/pages/{slug}", response=PublicPageOut)
def public_page(request: HttpRequest, slug: str, gt: str | None = None) -> dict:
    """An open page with its counts; `following` for a signed-in caller. With `gt=CODE` (a
    shared link) a referral is counted, once per person, as on the web."""
    user = caller(request)
    page = _active_page(slug, user)
    opened = take_referral(request, page) if gt else None
    events.record(request, EventKind.PAGE_VIEW, page_id=page.pk)
    return _page_out(request, page) | {"referral": _signed_referral(opened)}


@router.get("/public/pages/{slug}/posts", response=PostsOut)
def public_page_posts(
    request: HttpRequest, slug: str, before: str | None = None, limit: int = 20
) -> dict:
    """The page's published posts, newest first; `before` is the previous answer's cursor."""
    page_id, status = public_page_ref(slug)  # the list needs no counts
    if status != PageStatus.ACTIVE:
        raise Http404
    page = queries.public_page_header(page_id)
    found, cursor = _cursor_page(_published(page), before, _limit(limit))
    return {"items": _cards(request, found), "next_cursor": cursor}


@router.get("/public/posts/{post_id}", response=PublicPostOut)
def public_post(request: HttpRequest, post_id: int, gt: str | None = None) -> dict:
    """A published post of an open page: its HTML, pictures, reactions by kind and how many
    visible comments it has. `gt=CODE` counts a referral as on the web."""
    user = caller(request)
    post = queries.access_public_post(post_id)
    opened = take_referral(request, post.page, post) if gt else None
    events.record(request, EventKind.POST_VIEW, page_id=post.page_id, post_id=post.pk)
    counts = queries.reaction_counts(post, user)
    comments = _comment_counts([post.pk]).get(post.pk, 0)
    images = list(post.images.all())
    return _card(request, post, sum(c.count for c in counts), comments) | {
        "body": post.body,
        "source_url": post.source_url,
        "tags": post.tags,
        "images": [{"url": absolute_url(i.url), "alt_text": i.alt_text} for i in images],
        "reaction_counts": _reactions(counts),
        "referral": _signed_referral(opened),
    }


def _comment_out(comment: Comment, user: AnyUser) -> dict:
    shown = not getattr(comment, "placeholder", False)
    return {
        "id": comment.pk,
        "author": comment.speaker,
        "as_page": comment.as_page,
        "mine": user.is_authenticated and comment.author_id == user.pk,
        "state": comment.state,
        "body": comment.body if shown else "",
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


@router.get("/public/posts/{post_id}/comments", response=list[CommentOut])
def public_comments(request: HttpRequest, post_id: int) -> list[dict]:
    """The comments the caller may see, oldest first, each with its replies: visible ones, and
    the caller's own held or hidden ones (their `state` says so)."""
    user = caller(request)
    post = queries.access_public_post(post_id)
    return [
        _comment_out(top, user)
        | {
            "placeholder": top.placeholder,
            "replies": [_comment_out(reply, user) for reply in top.shown_replies],
        }
        for top in read_thread(post, user).comments
    ]


@router.get("/public/search", response=SearchOut)
def public_search(request: HttpRequest, q: str = "") -> dict:
    """Pages and posts matching every word of `q`, accents optional ("bac ninh")."""
    found = search.search(q.strip()[:200])
    followers = dict(
        PageCounter.objects.filter(page__in=found.pages).values_list("page_id", "followers")
    )
    return {
        "query": found.query,
        "pages": [
            _page_out(request, page, {"followers": followers.get(page.pk, 0)})
            for page in found.pages
        ],
        "posts": _cards(request, found.posts),
    }


# ---------------------------------------------------------------- citizens' actions


def _followers(page_id: int) -> int:
    found = PageCounter.objects.filter(page_id=page_id).values_list("followers", flat=True)
    return found.first() or 0


@router.post("/pages/{page_id}/follow", response=FollowOut, auth=TOKEN_OR_SESSION)
def follow(request: HttpRequest, page_id: int, referral: str | None = None) -> dict:
    """Follow an open page (again: nothing changes). `referral` is the value a public read
    with `gt=` returned before the caller signed in, to credit whoever shared the link."""
    follows.follow(request.user, page_id, _referral_open_id(referral))
    return {"following": True, "followers": _followers(page_id)}


@router.delete("/pages/{page_id}/follow", response=FollowOut, auth=TOKEN_OR_SESSION)
def unfollow(request: HttpRequest, page_id: int) -> dict:
    follows.unfollow(request.user, page_id)
    return {"following": False, "followers": _followers(page_id)}


@router.post("/posts/{post_id}/reactions", response=ReactedOut, auth=TOKEN_OR_SESSION)
def react(request: HttpRequest, post_id: int, body: ReactIn) -> dict:
    """Set the caller's reaction; sending the one they already have removes it (`mine` null)."""
    made = reactions.react(request.user, post_id, body.kind)
    post = queries.access_public_post(post_id)
    return {
        "mine": made.kind if made else None,
        "reactions": _reactions(queries.reaction_counts(post, request.user)),
    }


def _link(request: HttpRequest, user: User, page: Page, post: Post | None) -> dict:
    code = referrals.code_for(user)
    return {"url": f"{_page_url(request, page, post)}?{PARAM}={code}", "code": code}


def _target(page_id: int, post_id: int | None) -> tuple[Page, Post | None]:
    page = queries.access_public_page(page_id)
    post = queries.access_public_post(post_id) if post_id is not None else None
    if post is not None and post.page_id != page.pk:
        raise Http404
    return page, post


@router.post("/shares", response={201: ShareOut}, auth=TOKEN_OR_SESSION)
def share(request: HttpRequest, body: ShareIn) -> Status[dict]:
    """Record a share (`channel`: copy, facebook, zalo, email, sms, other) and get the link to
    send: it carries the caller's referral code."""
    page, post = _target(body.page_id, body.post_id)
    referrals.share(request.user, page, post, body.channel)
    return Status(201, _link(request, request.user, page, post) | {"channel": body.channel})


@router.get("/me/referral-link", response=LinkOut, auth=TOKEN_OR_SESSION)
def referral_link(request: HttpRequest, page_id: int, post_id: int | None = None) -> dict:
    """The caller's link to a page or post, with their referral code (`?gt=CODE`)."""
    page, post = _target(page_id, post_id)
    return _link(request, request.user, page, post)


@router.get("/me/feed", response=PostsOut, auth=TOKEN_OR_SESSION)
def my_feed(request: HttpRequest, before: str | None = None, limit: int = 20) -> dict:
    """Newest posts of the pages the caller follows; `before` is the previous answer's cursor."""
    found = feeds.feed_for(request.user, before=before, limit=_limit(limit))
    return {"items": _cards(request, found.posts), "next_cursor": found.next_cursor}


# ---------------------------------------------------------------- comments


@router.post("/posts/{post_id}/comments", response={201: CommentReplyOut}, auth=TOKEN_OR_SESSION)
def write_comment(request: HttpRequest, post_id: int, body: CommentIn) -> Status[dict]:
    """Comment on a post, or reply (`parent_id`). On a page that reviews comments the answer's
    `state` is `held` until an operator shows it."""
    user = request.user
    if body.parent_id is None:
        made = comments.comment(user, post_id, body.body)
    else:
        if access_comment(body.parent_id).post_id != post_id:
            raise ActionError(_("That comment is on another post."), field="parent_id")
        write = comments.answer if body.as_page else comments.reply
        made = write(user, body.parent_id, body.body)
    return Status(201, _comment_out(made, user))


@router.patch("/comments/{comment_id}", response=CommentReplyOut, auth=TOKEN_OR_SESSION)
def edit_comment(request: HttpRequest, comment_id: int, body: CommentEditIn) -> dict:
    """The author edits their comment (visible or waiting for review)."""
    return _comment_out(comments.edit(request.user, comment_id, body.body), request.user)


@router.delete("/comments/{comment_id}", response={204: None}, auth=TOKEN_OR_SESSION)
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    """The author deletes their comment; nobody sees its text any more."""
    comments.delete(request.user, comment_id)
    return Status(204, None)


# ---------------------------------------------------------------- notifications


def _notification_out(request: HttpRequest, item: Notification) -> dict:
    post = item.post
    if post:
        url = _page_url(request, post.page, post)
    elif item.feedback_id or item.data_request_id or item.takedown_id:
        url = absolute_url(notify.link(item))  # the item, for its sender or its handlers
    else:
        url = None
    text = render_to_string("engagement/notifications/instant_text.txt", {"item": item}, request)
    return {
        "id": item.pk,
        "kind": item.kind,
        "created_at": item.created_at,
        "read": item.read_at is not None,
        "text": " ".join(text.split()),
        "post_id": item.post_id,
        "post_title": post.title if post else None,
        "page_name": post.page.name if post else None,
        "comment_id": item.comment_id,
        "url": url,
    }


@router.get("/me/notifications", response=NotificationsOut, auth=TOKEN_OR_SESSION)
def my_notifications(request: HttpRequest, limit: int = 50) -> dict:
    """The newest notifications: new posts of followed pages, replies to my comments, each step
    of my feedback and personal data requests, work landing in my queue (staff)."""
    items = inbox.recent(request.user, limit=_limit(limit))
    return {
        "unread": inbox.unread_count(request.user),
        "items": [_notification_out(request, item) for item in items],
    }


@router.post("/me/notifications/read", response=ReadOut, auth=TOKEN_OR_SESSION)
def read_notifications(request: HttpRequest, body: ReadIn) -> dict:
    """Mark notifications read: those in `ids`, or all of them when `ids` is left out."""
    ids = body.ids if body.ids is not None else "all"
    return {"changed": notices.mark_read(request.user, ids)}
