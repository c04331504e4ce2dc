import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from congdong.core.api import Pages
from congdong.core.errors import ActionError
from congdong.pages.models import PageStatus
from congdong.posts import actions
from congdong.posts.models import Post, PostState, PostTransition
from congdong.posts.queries import (
    access_post_to_read,
    access_post_to_write,
    history_of,
    regulation_in_force,
)

router = Router(tags=["posts"])


class PostEditIn(Schema):
    category: str
    title: str
    body: str = ""
    source_url: str = ""
    tags: str = ""


# A new post: the fields of an edit, and the page it is written for.
class PostIn(PostEditIn):
    page_id: int


class PostOut(Schema):
    id: int
    page_id: int
    page_name: str = Field(..., alias="page.name")
    category: str = Field(..., alias="category.code")
    title: str
    body: str
    source_url: str
    tags: str
    state: PostState
    publish_at: datetime.datetime | None
    published_at: datetime.datetime | None


class PostMoveIn(Schema):
    to: PostState
    reason: str = ""
    publish_at: datetime.datetime | None = None


class PostTransitionOut(Schema):
    from_state: str
    to_state: str
    actor: str | None = Field(None, alias="actor.username")
    reason: str
    at: datetime.datetime


class CategoryOut(Schema):
    code: str
    name: str
    requires_source: bool


class RegulationOut(Schema):
    version: int
    title: str
    categories: list[CategoryOut]


@router.get("/regulation", response=RegulationOut)
def regulation(request: HttpRequest) -> dict:
    """The information regulation in force: its version and post categories."""
    found = regulation_in_force()
    if found is None:
        raise Http404
    return {
        "version": found.version,
        "title": found.title,
        "categories": list(found.categories.order_by("order")),
    }


@router.get("/posts", response=list[PostOut])
@paginate(Pages, page_size=20)
def list_published(request: HttpRequest, slug: str | None = None):
    """Published posts of open pages, newest first; `slug` is a page's address."""
    posts = Post.objects.standard().filter(
        state=PostState.PUBLISHED, page__status=PageStatus.ACTIVE
    )
    if slug:
        posts = posts.filter(page__slug=slug)
    return posts.order_by("-published_at", "-pk")


@router.post("/posts", response={201: PostOut}, auth=django_auth)
def create(request: HttpRequest, body: PostIn) -> Status[Post]:
    """A draft on a page the caller runs (editor of its unit or above, or page co-admin)."""
    fields = body.dict(exclude={"page_id"})
    return Status(201, actions.create_draft(request.user, body.page_id, fields))


@router.put("/posts/{post_id}", response=PostOut, auth=django_auth)
def edit(request: HttpRequest, post_id: int, body: PostEditIn) -> Post:
    return actions.edit_draft(request.user, post_id, body.dict())


@router.post("/posts/{post_id}/transitions", response=PostOut, auth=django_auth)
def move(request: HttpRequest, post_id: int, body: PostMoveIn) -> Post:
    """Move the post along its state graph: submitted, approved, rejected (reason), published
    or scheduled (`publish_at` in the future), hidden (reason), archived. Refusals by the
    regulation come back as 400 with every finding in `findings`."""
    user, to = request.user, body.to
    if to == PostState.SUBMITTED:
        return actions.submit(user, post_id)
    if to == PostState.APPROVED:
        return actions.approve(user, post_id)
    if to == PostState.REJECTED:
        return actions.reject(user, post_id, body.reason)
    if to in (PostState.PUBLISHED, PostState.SCHEDULED):
        post = access_post_to_write(user, post_id)
        if post.state == PostState.HIDDEN:
            return actions.unhide(user, post_id)
        return actions.publish_or_schedule(user, post_id, body.publish_at)
    if to == PostState.HIDDEN:
        return actions.hide(user, post_id, body.reason)
    if to == PostState.ARCHIVED:
        return actions.archive(user, post_id)
    raise ActionError(_("A post cannot be moved back to draft this way."), field="to")


@router.get("/posts/{post_id}/history", response=list[PostTransitionOut], auth=django_auth)
def history(request: HttpRequest, post_id: int) -> list[PostTransition]:
    """Every move of the post, for those who write on its page or approve where it is
    decided. A row from "draft" to "draft" is an edit by someone other than the author (its
    `actor`); a row into "draft" from elsewhere is an edit too (or the creation)."""
    return history_of(access_post_to_read(request.user, post_id))
