"""Reads of posts, who approves them, and the `access_post_*` helpers for staff acting on one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser, Scope, can, scope, within
from congdong.accounts.roles import Permission
from congdong.pages.models import Page, PageOperator, PageQuerySet, PageStatus
from congdong.pages.queries import can_operate, require_page_scope
from congdong.posts.models.media import PostAttachment, PostImage
from congdong.posts.models.post import Post, PostState, PostTransition
from congdong.posts.models.regulation import ApprovalLevel, Regulation
from congdong.posts.models.revision import PostRevision, RevisionState
from congdong.units.models import Unit


def regulation_in_force() -> Regulation | None:
    return Regulation.objects.in_force()


def _post_or_404(post_id: int) -> Post:
    return get_object_or_404(Post.objects.standard(), pk=post_id)


def approving_depth(post: Post) -> int:
    """The tree depth of `approving_unit(post)`, an ancestor of (or) the posting unit."""
    unit = post.page.unit
    level = post.category.approval_level_for(unit.level)
    depth = {
        ApprovalLevel.SAME_UNIT: unit.depth,
        ApprovalLevel.UNIT_ABOVE: unit.depth - 1,
        ApprovalLevel.PROVINCE: 2,  # the root is the central unit, provinces are below it
        ApprovalLevel.CENTRAL: 1,
    }[level]
    return max(1, min(depth, unit.depth))


def approving_unit(post: Post) -> Unit:
    """The unit whose approvers (or any approver above it) decide on `post`.

    The regulation names a level relative to the posting unit; when the posting unit is itself
    at or above that level (a province posting a "province" category, the central unit posting
    a "unit above" one) its own approvers decide.
    """
    unit = post.page.unit
    depth = approving_depth(post)
    if depth == unit.depth:
        return unit
    if depth == unit.depth - 1 and unit.parent is not None:
        return unit.parent  # already joined by Post.objects.standard()
    return Unit.objects.standard().get(path=unit.path[: depth * Unit.steplen])


def _post_in_scope(user: AnyUser, post_id: int) -> Post:
    """The post, if its page is in `user`'s scope; Http404 otherwise (no title, no page)."""
    post = _post_or_404(post_id)
    require_page_scope(user, post.page)
    return post


def access_post_to_write(user: AnyUser, post_id: int) -> Post:
    """The post, if `user` operates its page (editors of the unit or above, co-admins)."""
    post = _post_in_scope(user, post_id)
    if not can_operate(user, post.page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": post.page.name}
        )
    return post


# --- four eyes: who wrote a text never approves it -------------------------------------------


def _draft_writers(post: Post) -> set[int]:
    """The author and everyone who edited the post as a draft: each such edit is a move into
    the draft state recorded with its editor (creation, a rejected post edited, an edit by
    someone other than the author). Reads `post.transitions.all()`, prefetched in queues."""
    moved = {t.actor_id for t in post.transitions.all() if t.to_state == PostState.DRAFT}
    return (moved | {post.author_id}) - {None}


def writers_of(post: Post) -> set[int]:
    """Ids of everyone who wrote any of the post's current text: its draft writers and the
    writers of every revision applied to it since it was published."""
    if post.published_at is None:  # never published: no revision was ever applied
        return _draft_writers(post)
    applied = PostRevision.objects.filter(post=post, state=RevisionState.APPROVED)
    revised = set(applied.values_list("author_id", flat=True))
    revised |= set(applied.values_list("editors", flat=True))
    return (_draft_writers(post) | revised) - {None}


def revision_writers(revision: PostRevision) -> set[int]:
    """Ids of everyone who wrote the revision's text (reads `revision.editors.all()`)."""
    return {revision.author_id} | {user.pk for user in revision.editors.all()}


def editors_of(post: Post) -> list[User]:
    """Everyone but the author who wrote some of the post's current text (see `writers_of`),
    by name: the staff post page says who wrote which version."""
    others = writers_of(post) - {post.author_id}
    return list(User.objects.filter(pk__in=others).order_by("full_name", "pk")) if others else []


def wrote(user: AnyUser, writers: set[int]) -> bool:
    return user.is_authenticated and user.pk in writers


def access_post_to_approve(user: AnyUser, post_id: int) -> Post:
    """The post, if `user` may approve or reject it: they hold APPROVE_POSTS on the unit the
    regulation names for its category and level (or above it), and neither wrote nor edited
    it (four eyes: see `writers_of`)."""
    post = _post_in_scope(user, post_id)
    if wrote(user, writers_of(post)):
        raise PermissionDenied(
            _(
                "You wrote or edited this post, so you cannot approve or reject it: another "
                "approver must decide on it."
            )
        )
    _check_approval_authority(user, post)
    return post


def _check_approval_authority(user: AnyUser, post: Post) -> None:
    """PermissionDenied unless `user` approves at the level the regulation names for `post`."""
    unit = approving_unit(post)
    if not can(user, unit, Permission.APPROVE_POSTS):
        raise PermissionDenied(
            _(
                "Posts in “%(category)s” from %(unit)s are approved by approvers of "
                "%(approver)s or above."
            )
            % {
                "category": post.category.name,
                "unit": post.page.unit.full_name,
                "approver": unit.full_name,
            }
        )


def access_revision_to_decide(user: AnyUser, revision_id: int) -> PostRevision:
    """The revision, if `user` may apply or reject it: the authority that approves its post
    (as `access_post_to_approve`), and not the revision's author."""
    revision = get_object_or_404(PostRevision.objects.standard(), pk=revision_id)
    require_page_scope(user, revision.post.page)
    if wrote(user, revision_writers(revision)):
        raise PermissionDenied(
            _(
                "You wrote or edited this revision, so you cannot approve or reject it: "
                "another approver must decide on it."
            )
        )
    post = revision.post
    _check_approval_authority(user, post)
    return revision


def may_decide_revision(user: AnyUser, revision: PostRevision) -> bool:
    """What `access_revision_to_decide` allows, as a yes or no (for showing the buttons)."""
    if not user.is_authenticated or wrote(user, revision_writers(revision)):
        return False
    return can(user, approving_unit(revision.post), Permission.APPROVE_POSTS)


def revisions_of(post: Post) -> list[PostRevision]:
    """The post's revisions, newest first, with who proposed and who decided them."""
    return list(
        post.revisions.select_related("author", "decided_by", "category").prefetch_related(
            "editors"
        )
    )


def pending_revision(post: Post) -> PostRevision | None:
    return post.revisions.filter(state=RevisionState.PENDING).first()


def history_of(post: Post) -> list[PostTransition]:
    """The post's moves, oldest first, with who made them."""
    return list(post.transitions.select_related("actor").order_by("at", "pk"))


def may_approve(user: AnyUser, post: Post) -> bool:
    """What `access_post_to_approve` allows, as a yes or no (for showing the buttons)."""
    if not user.is_authenticated or wrote(user, writers_of(post)):
        return False
    return can(user, approving_unit(post), Permission.APPROVE_POSTS)


def access_post_to_read(user: AnyUser, post_id: int) -> Post:
    """The post, if `user` operates its page or approves posts where it is decided."""
    post = _post_in_scope(user, post_id)
    if can_operate(user, post.page) or (
        user.is_authenticated and can(user, approving_unit(post), Permission.APPROVE_POSTS)
    ):
        return post
    raise PermissionDenied(
        _("You are not an operator of the page %(page)s.") % {"page": post.page.name}
    )


def is_public(post: Post) -> bool:
    """Anyone may read the post: published on an active page (as `public_post` serves it)."""
    return post.state == PostState.PUBLISHED and post.page.status == PageStatus.ACTIVE


def access_post_media(
    user: AnyUser, model: type[PostImage] | type[PostAttachment], media_id: int
) -> tuple[PostImage | PostAttachment, bool]:
    """A picture or document of a post, and whether the post is public. Media of a public post
    are for anyone; of any other post (draft, awaiting approval, hidden…) only for the staff
    who may read the post (`access_post_to_read`), and so is a picture of a public post's text
    that its published text does not show; a picture in no post yet only for whoever uploaded
    it. 404 for everyone else, so that nobody learns which drafts hold files."""
    item = model.objects.select_related("post__page").filter(pk=media_id).first()
    if item is None:
        raise Http404
    if item.post_id is None:
        # A picture uploaded in the editor and not yet saved with a post: its uploader's only.
        if not user.is_authenticated or getattr(item, "uploaded_by_id", None) != user.pk:
            raise Http404
        return item, False
    # A picture of the text is public only while the published text shows it: not one added
    # by a revision still waiting for approval, nor one a revision took out.
    shown = not getattr(item, "inline", False) or f'src="{item.url}"' in item.post.body
    if shown and is_public(item.post):
        return item, True
    try:
        access_post_to_read(user, item.post_id)
    except PermissionDenied:
        raise Http404 from None
    return item, False


# --- lists for the staff desk and the approver's queue -----------------------------------------


def _operable(user: AnyUser, page_field: str) -> Q | None:
    """The rule of `can_operate` as a filter on `page_field` (None: nothing; empty Q: all)."""
    if not user.is_authenticated:
        return None
    editing = scope(user, Permission.EDIT_POSTS)
    if editing.everywhere:
        return Q()
    operated = PageOperator.objects.filter(user=user).values("page_id")
    return Q(**{f"{page_field}pk__in": operated}) | editing.q(f"{page_field}unit")


def operable_pages(user: AnyUser) -> PageQuerySet:
    """Established pages `user` may write posts on (the rule of `can_operate`), tree order."""
    q = _operable(user, "")
    if q is None:
        return Page.objects.none()
    return (
        Page.objects.standard()
        .filter(q)
        .exclude(status=PageStatus.NOT_ESTABLISHED)
        .order_by("unit__path")
    )


def _last_reason(to: PostState) -> Subquery:
    moves = PostTransition.objects.filter(post=OuterRef("pk"), to_state=to)
    return Subquery(moves.order_by("-at", "-pk").values("reason")[:1])


@dataclass(frozen=True)
class Desk:
    drafts: list[Post]
    submitted: list[Post]
    rejected: list[Post]  # each with `.reason`, from its last rejection
    approved: list[Post]
    scheduled: list[Post]  # by publish time: the calendar
    published: list[Post]


def desk(user: AnyUser, limit: int = 50) -> Desk:
    """Posts on the pages `user` operates, grouped as the editor's desk shows them.

    A fixed number of queries whatever the number of pages or posts.
    """
    q = _operable(user, "page__")
    posts = Post.objects.standard().filter(q) if q is not None else Post.objects.none()
    S = PostState
    return Desk(
        drafts=list(posts.filter(state=S.DRAFT, author_id=user.pk)[:limit]),
        submitted=list(posts.filter(state=S.SUBMITTED).order_by("updated_at")[:limit]),
        rejected=list(
            posts.filter(state=S.REJECTED).annotate(reason=_last_reason(S.REJECTED))[:limit]
        ),
        approved=list(posts.filter(state=S.APPROVED)[:limit]),
        scheduled=list(posts.filter(state=S.SCHEDULED).order_by("publish_at", "pk")[:limit]),
        published=list(posts.filter(state=S.PUBLISHED).order_by("-published_at", "-pk")[:20]),
    )


def approval_queue(user: AnyUser, limit: int = 100) -> list[Post]:
    """Submitted posts `user` may approve or reject, oldest first, with their history.

    Candidates are the submitted posts in the subtrees where `user` approves; each is then
    kept by the rule of `access_post_to_approve` (not a writer; APPROVE_POSTS on the unit
    the regulation names), decided here from the membership paths and the prefetched history.
    A submitted post was never published, so its writers are its draft writers.
    """
    if not user.is_authenticated:
        return []
    history = PostTransition.objects.select_related("actor").order_by("at", "pk")
    candidates = (
        Post.objects.standard()
        .filter(state=PostState.SUBMITTED)
        .exclude(author_id=user.pk)
        .prefetch_related("category__rules", Prefetch("transitions", queryset=history))
        .order_by("updated_at", "pk")
    )
    approving = scope(user, Permission.APPROVE_POSTS)
    if not approving:
        return []
    queue = []
    for post in within(candidates, approving, field="page__unit"):
        if _approves(approving, post) and user.pk not in _draft_writers(post):
            queue.append(post)
            if len(queue) == limit:
                break
    return queue


def _approves(approving: Scope, post: Post) -> bool:
    """Whether approvers in `approving` (a user's APPROVE_POSTS scope) decide on `post`."""
    return approving.covers(post.page.unit.path[: approving_depth(post) * Unit.steplen])


def revision_queue(user: AnyUser, limit: int = 100) -> list[PostRevision]:
    """Pending revisions `user` may apply or reject, oldest first: the rule of
    `access_revision_to_decide`, decided from the membership paths read once."""
    if not user.is_authenticated:
        return []
    candidates = (
        PostRevision.objects.standard()
        .filter(state=RevisionState.PENDING)
        .exclude(author_id=user.pk)
        .prefetch_related("post__category__rules", "editors")
        .order_by("updated_at", "pk")
    )
    approving = scope(user, Permission.APPROVE_POSTS)
    if not approving:
        return []
    queue = []
    for revision in within(candidates, approving, field="post__page__unit"):
        decides = _approves(approving, revision.post)
        if decides and user.pk not in revision_writers(revision):
            queue.append(revision)
            if len(queue) == limit:
                break
    return queue


def published_posts(
    page: Page,
    limit: int = 10,
    before: tuple[datetime.datetime, int] | None = None,
    pictures: bool = True,
    reaction_totals: bool = False,
) -> list[Post]:
    """The page's published posts, newest first, older than `before` (published time, id) if
    given; none while the page is not active. `pictures=False` leaves the pictures unread (the
    cached cards of site/cards.py read them only for cards they render); `reaction_totals`
    counts each post's reactions in the same query."""
    if page.status != PageStatus.ACTIVE:
        return []
    posts = (
        Post.objects.filter(page=page, state=PostState.PUBLISHED)
        .select_related("category")
        .defer("search_text")  # up to 20,000 characters a post that a list never shows
    )
    if pictures:
        posts = posts.prefetch_related("images")  # the list shows each post's first picture
    if reaction_totals:
        posts = posts.annotate(reaction_total=Count("reactions"))
    if before is not None:
        at, pk = before
        posts = posts.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    return list(posts.order_by("-published_at", "-pk")[:limit])


def public_post(slug: str, post_id: int) -> Post:
    """A published post on an active page at that address; 404 otherwise."""
    return get_object_or_404(
        Post.objects.standard().prefetch_related("images", "attachments"),
        pk=post_id,
        page__slug=slug,
        page__status=PageStatus.ACTIVE,
        state=PostState.PUBLISHED,
    )
