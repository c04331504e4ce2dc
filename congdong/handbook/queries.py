"""Reads of the handbook and the experience board, and the `access_*` helpers deciding who
may read, edit, answer and decide.

The handbook is read by every staff member and edited only by the admins of the central unit
of the structure in force. A board post is seen by staff holding a role on its unit or on a
unit above it; staff of a sibling branch get Http404, so not even its existence leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.models import Membership
from congdong.accounts.queries import AnyUser, can, scope, within
from congdong.accounts.roles import Permission
from congdong.handbook.models import (
    BoardKind,
    BoardPost,
    BoardPostQuerySet,
    BoardReply,
    BoardState,
    BoardTransition,
    HandbookPage,
    HandbookRevision,
    HandbookTransition,
    RevisionState,
)
from congdong.units.models import Unit
from congdong.units.queries import current_structure


def require_staff(user: AnyUser) -> None:
    """Signed in with a staff account (views also check this with `staff_required`)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in with a staff account."))
    if user.is_citizen:
        raise PermissionDenied(_("The workspace is for staff of the Front and the Youth Union."))


# --- handbook -------------------------------------------------------------------------------


def central_unit() -> Unit | None:
    """The central unit (the root) of the structure in force."""
    structure = current_structure()
    if structure is None:
        return None
    return Unit.objects.standard().filter(structure=structure, depth=1).first()


def can_edit_handbook(user: AnyUser) -> bool:
    """Admins of the central unit (MANAGE_PAGE there, which only unit admins hold)."""
    if not user.is_authenticated or user.is_citizen:
        return False
    centre = central_unit()
    return centre is not None and can(user, centre, Permission.MANAGE_PAGE)


def access_handbook_editor(user: AnyUser) -> Unit:
    """The central unit, if `user` may edit the handbook; else PermissionDenied."""
    require_staff(user)
    centre = central_unit()
    if centre is None or not can(user, centre, Permission.MANAGE_PAGE):
        raise PermissionDenied(_("Only the admins of the central unit edit the handbook."))
    return centre


def handbook_pages(user: AnyUser) -> list[HandbookPage]:
    """Every page, in order, each with `revision_count` and `published_count`; a page with no
    published version yet is listed for the handbook's editors only."""
    require_staff(user)
    pages = HandbookPage.objects.annotate(
        revision_count=Count("revisions"),
        published_count=Count("revisions", filter=Q(revisions__state=RevisionState.PUBLISHED)),
    )
    if not can_edit_handbook(user):
        pages = pages.filter(published_count__gt=0)
    return list(pages)


def access_handbook_page(user: AnyUser, slug: str) -> HandbookPage:
    """The page; a page with no published version yet exists for its editors only."""
    require_staff(user)
    page = HandbookPage.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    if (
        not can_edit_handbook(user)
        and not page.revisions.filter(state=RevisionState.PUBLISHED).exists()
    ):
        raise Http404
    return page


def latest_revision(page: HandbookPage) -> HandbookRevision | None:
    """The newest saved version, whatever its state (what an editor starts from)."""
    return page.revisions.select_related("author").order_by("-number").first()


def published_revision(page: HandbookPage) -> HandbookRevision | None:
    """The version staff read: the newest published one (None before the first)."""
    return (
        page.revisions.select_related("author", "decided_by")
        .filter(state=RevisionState.PUBLISHED)
        .order_by("-number")
        .first()
    )


def revisions(user: AnyUser, page: HandbookPage) -> list[HandbookRevision]:
    """Newest first, with who wrote and who decided each; the published ones only for staff
    who do not edit the handbook."""
    qs = page.revisions.select_related("author", "decided_by").order_by("-number")
    if not can_edit_handbook(user):
        qs = qs.filter(state=RevisionState.PUBLISHED)
    return list(qs)


def revision_writers(revision: HandbookRevision) -> set[int]:
    """Ids of everyone who wrote the version's text: its author and the authors of the
    versions saved since the published one before it (each edit starts from the newest
    version, so an unpublished one's text is carried into the next)."""
    before = (
        HandbookRevision.objects.filter(
            page_id=revision.page_id, number__lt=revision.number, state=RevisionState.PUBLISHED
        )
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    authors = HandbookRevision.objects.filter(
        page_id=revision.page_id, number__gt=before, number__lte=revision.number
    ).values_list("author_id", flat=True)
    return set(authors) - {None}


def may_publish(user: AnyUser, revision: HandbookRevision) -> bool:
    """What `access_revision_to_decide` allows, as a yes or no (for showing the buttons)."""
    return (
        revision.state == RevisionState.PROPOSED
        and can_edit_handbook(user)
        and user.pk not in revision_writers(revision)
    )


def access_revision_to_decide(user: AnyUser, slug: str, number: int) -> HandbookRevision:
    """The version, if `user` may publish it or send it back: a central admin who wrote none
    of its text (four eyes: see `revision_writers`)."""
    access_handbook_editor(user)
    revision = access_revision(user, slug, number)
    if user.pk in revision_writers(revision):
        raise PermissionDenied(
            _(
                "You wrote or edited this version, so you cannot publish it or send it back: "
                "another admin of the central unit must decide on it."
            )
        )
    return revision


def decisions(page: HandbookPage) -> list[HandbookTransition]:
    """Every decision on the page's versions, oldest first."""
    return list(
        HandbookTransition.objects.filter(revision__page=page)
        .select_related("actor", "revision")
        .order_by("at", "pk")
    )


def access_revision(user: AnyUser, slug: str, number: int) -> HandbookRevision:
    page = access_handbook_page(user, slug)
    revision = (
        page.revisions.select_related("author", "decided_by", "page").filter(number=number).first()
    )
    # A version not published is the editors' work in progress: readers never see it.
    if revision is None or (
        revision.state != RevisionState.PUBLISHED and not can_edit_handbook(user)
    ):
        raise Http404
    return revision


# --- experience board -----------------------------------------------------------------------


def role_units(user: AnyUser) -> list[Unit]:
    """Units where `user` holds a role (the top of each subtree they work in), by path."""
    if not user.is_authenticated:
        return []
    ids = Membership.objects.filter(user=user).values("unit_id")
    return list(Unit.objects.standard().filter(pk__in=ids).order_by("path"))


@dataclass(frozen=True)
class BoardFilter:
    kind: str = ""
    unit_id: int | None = None  # this unit and the units below it
    state: str = ""


def visible_posts(user: AnyUser, filters: BoardFilter | None = None) -> BoardPostQuerySet:
    """Board posts `user` sees, newest first, each with `reply_count`."""
    require_staff(user)
    qs: BoardPostQuerySet = BoardPost.objects.standard().annotate(reply_count=Count("replies"))
    # Tagged with a unit where they hold a role (every role sees its units) or a unit below.
    qs = within(qs, scope(user, Permission.VIEW_UNIT))
    filters = filters or BoardFilter()
    if filters.kind in BoardKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.state in BoardState.values:
        qs = qs.filter(state=filters.state)
    if filters.unit_id:
        unit = Unit.objects.filter(pk=filters.unit_id).first()
        qs = qs.in_subtree(unit) if unit else qs.none()
    return qs


def filter_units(user: AnyUser) -> list[Unit]:
    """Units offered in the board's filter: where the user holds a role, and the units of the
    posts they see (at most 200, by path)."""
    posted = visible_posts(user).values("unit_id")
    ids = Membership.objects.filter(user=user).values("unit_id") if user.is_authenticated else []
    return list(
        Unit.objects.filter(Q(pk__in=posted) | Q(pk__in=ids)).distinct().order_by("path")[:200]
    )


def access_board_post(user: AnyUser, post_id: int) -> BoardPost:
    """The post, if `user` sees it; Http404 otherwise (also for other branches of the tree)."""
    require_staff(user)
    post = BoardPost.objects.standard().filter(pk=post_id).first()
    if post is None:
        raise Http404
    if not scope(user, Permission.VIEW_UNIT).covers(post.unit):
        raise Http404
    return post


def answering_unit(user: AnyUser, post: BoardPost) -> Unit | None:
    """The unit `user` answers `post` for: the closest unit strictly above the post's unit
    where they hold a role; None when they hold none (same unit, or not above it at all)."""
    if not user.is_authenticated or user.is_citizen:
        return None
    above = [
        unit
        for unit in role_units(user)
        if post.unit.path.startswith(unit.path) and unit.path != post.unit.path
    ]
    if above:
        return max(above, key=lambda unit: unit.depth)
    if user.is_superuser and post.unit.parent_id is not None:
        return post.unit.parent
    return None


def access_post_to_answer(user: AnyUser, post_id: int) -> tuple[BoardPost, Unit]:
    """The post and the unit `user` answers it for; PermissionDenied for staff of the post's
    own unit (they see it but do not answer it), Http404 for everyone else."""
    post = access_board_post(user, post_id)
    unit = answering_unit(user, post)
    if unit is None:
        raise PermissionDenied(_("Only staff of the units above answer and decide on a post."))
    return post, unit


def replies(post: BoardPost) -> list[BoardReply]:
    return list(post.replies.select_related("author", "unit"))


def transitions(post: BoardPost) -> list[BoardTransition]:
    return list(post.transitions.select_related("actor", "unit"))
