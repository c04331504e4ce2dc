"""The handbook and the experience board in the JSON API (staff, signed in)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from congdong.core.api import MAX_OFFSET
from congdong.handbook import actions, queries
from congdong.handbook.models import (
    BoardKind,
    BoardPost,
    BoardState,
    HandbookPage,
    HandbookRevision,
    PageKind,
    RevisionState,
)
from congdong.handbook.text import render_markdown

router = Router(tags=["handbook"])


class HandbookPageOut(Schema):
    slug: str
    title: str
    kind: PageKind
    order: int
    updated_at: datetime.datetime


class RevisionOut(Schema):
    number: int
    title: str
    note: str
    author: str | None
    created_at: datetime.datetime
    state: RevisionState
    decided_by: str | None  # who published it or sent it back
    decided_at: datetime.datetime | None
    decision_note: str  # why it was sent back


class RevisionTextOut(RevisionOut):
    body: str  # Markdown, as typed
    html: str  # rendered and sanitised


class PageTextOut(HandbookPageOut):
    revision: RevisionTextOut | None  # the published version (None before the first)


class PageEditIn(Schema):
    title: str
    body: str
    note: str = ""
    base: int | None = None  # the revision the edit started from; refused if another is newer


class VersionDecisionIn(Schema):
    decision: RevisionState  # published or returned
    note: str = ""  # required to send back


def _revision(revision: HandbookRevision | None, text: bool = False) -> dict | None:
    if revision is None:
        return None
    out = {
        "number": revision.number,
        "title": revision.title,
        "note": revision.note,
        "author": str(revision.author) if revision.author else None,
        "created_at": revision.created_at,
        "state": revision.state,
        "decided_by": str(revision.decided_by) if revision.decided_by else None,
        "decided_at": revision.decided_at,
        "decision_note": revision.decision_note,
    }
    if text:
        out |= {"body": revision.body, "html": render_markdown(revision.body)}
    return out


def _page(page: HandbookPage) -> dict:
    return {
        "slug": page.slug,
        "title": page.title,
        "kind": page.kind,
        "order": page.order,
        "updated_at": page.updated_at,
        "revision": _revision(queries.published_revision(page), text=True),
    }


@router.get("/handbook/pages", response=list[HandbookPageOut], auth=django_auth)
def list_pages(request: HttpRequest) -> list[HandbookPage]:
    """Every handbook page, in order (any staff member)."""
    return queries.handbook_pages(request.user)


@router.get("/handbook/pages/{slug}", response=PageTextOut, auth=django_auth)
def read_page(request: HttpRequest, slug: str) -> dict:
    """A page with its newest revision, as Markdown and as sanitised HTML."""
    return _page(queries.access_handbook_page(request.user, slug))


@router.post("/handbook/pages/{slug}/revisions", response={201: RevisionTextOut}, auth=django_auth)
def edit_page(request: HttpRequest, slug: str, body: PageEditIn):
    """Save a new version, proposed (admins of the central unit only): the page keeps its
    published version until another central admin publishes this one."""
    revision = actions.edit_page(
        request.user, slug, body.title, body.body, note=body.note, base=body.base
    )
    return Status(201, _revision(revision, text=True))


@router.get("/handbook/pages/{slug}/revisions", response=list[RevisionOut], auth=django_auth)
def list_revisions(request: HttpRequest, slug: str) -> list[dict]:
    """The page's revisions, newest first."""
    page = queries.access_handbook_page(request.user, slug)
    return [_revision(r) for r in queries.revisions(request.user, page)]


@router.get("/handbook/pages/{slug}/revisions/{number}", response=RevisionTextOut, auth=django_auth)
def read_revision(request: HttpRequest, slug: str, number: int) -> dict | None:
    return _revision(queries.access_revision(request.user, slug, number), text=True)


@router.post(
    "/handbook/pages/{slug}/revisions/{number}/decision",
    response=RevisionTextOut,
    auth=django_auth,
)
def decide_version(request: HttpRequest, slug: str, number: int, body: VersionDecisionIn) -> dict:
    """Publish a proposed version or send it back with a reason (a central admin who wrote
    none of it; 403 for its writers)."""
    revision = actions.decide_version(request.user, slug, number, body.decision, body.note)
    return _revision(revision, text=True)


# --- experience board -----------------------------------------------------------------------


class BoardPostIn(Schema):
    unit_id: int
    kind: BoardKind
    title: str
    body: str


class ReplyIn(Schema):
    body: str


class DecisionIn(Schema):
    decision: BoardState  # accepted or declined
    note: str = ""


class BoardReplyOut(Schema):
    id: int
    author: str
    unit_id: int
    unit_name: str
    body: str
    created_at: datetime.datetime


class BoardTransitionOut(Schema):
    from_state: BoardState
    to_state: BoardState
    actor: str | None
    unit_id: int
    note: str
    at: datetime.datetime


class BoardPostOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    author: str
    kind: BoardKind
    title: str
    body: str
    state: BoardState
    decided_at: datetime.datetime | None
    decision_note: str
    created_at: datetime.datetime
    reply_count: int


class BoardPostDetailOut(BoardPostOut):
    may_answer: bool
    replies: list[BoardReplyOut]
    transitions: list[BoardTransitionOut]


def _post(post: BoardPost, reply_count: int | None = None) -> dict:
    return {
        "id": post.pk,
        "unit_id": post.unit_id,
        "unit_name": post.unit.full_name,
        "author": str(post.author),
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "state": post.state,
        "decided_at": post.decided_at,
        "decision_note": post.decision_note,
        "created_at": post.created_at,
        "reply_count": reply_count if reply_count is not None else post.reply_count,
    }


def _detail(request: HttpRequest, post_id: int) -> dict:
    post = queries.access_board_post(request.user, post_id)
    replies = queries.replies(post)
    return _post(post, len(replies)) | {
        "may_answer": queries.answering_unit(request.user, post) is not None,
        "replies": [
            {
                "id": r.pk,
                "author": str(r.author),
                "unit_id": r.unit_id,
                "unit_name": r.unit.full_name,
                "body": r.body,
                "created_at": r.created_at,
            }
            for r in replies
        ],
        "transitions": [
            {
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor": str(t.actor) if t.actor else None,
                "unit_id": t.unit_id,
                "note": t.reason,
                "at": t.at,
            }
            for t in queries.transitions(post)
        ],
    }


@router.get("/board/posts", response=list[BoardPostOut], auth=django_auth)
def list_posts(
    request: HttpRequest,
    kind: BoardKind | None = None,
    unit_id: int | None = None,
    state: BoardState | None = None,
    limit: int = 50,
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[dict]:
    """Posts the caller sees (their units and below), newest first; `unit_id` keeps that unit
    and the units below it."""
    filters = queries.BoardFilter(kind=kind or "", unit_id=unit_id, state=state or "")
    limit = max(1, min(limit, 200))
    posts = queries.visible_posts(request.user, filters)[offset : offset + limit]
    return [_post(p) for p in posts]


@router.post("/board/posts", response={201: BoardPostDetailOut}, auth=django_auth)
def create_post(request: HttpRequest, body: BoardPostIn):
    """Share an experience, a difficulty or a proposal, tagged with a unit where the caller
    holds a role."""
    post = actions.create_post(request.user, body.unit_id, body.kind, body.title, body.body)
    return Status(201, _detail(request, post.pk))


@router.get("/board/posts/{post_id}", response=BoardPostDetailOut, auth=django_auth)
def read_post(request: HttpRequest, post_id: int) -> dict:
    return _detail(request, post_id)


@router.post("/board/posts/{post_id}/replies", response={201: BoardPostDetailOut}, auth=django_auth)
def reply(request: HttpRequest, post_id: int, body: ReplyIn):
    """Answer a post (staff of a unit above its unit)."""
    actions.reply(request.user, post_id, body.body)
    return Status(201, _detail(request, post_id))


@router.post("/board/posts/{post_id}/decision", response=BoardPostDetailOut, auth=django_auth)
def decide(request: HttpRequest, post_id: int, body: DecisionIn) -> dict:
    """Mark a proposal accepted or declined (a note saying why is required to decline)."""
    actions.decide(request.user, post_id, body.decision, body.note)
    return _detail(request, post_id)
