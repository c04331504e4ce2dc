"""Comments on a post's public page, and the operators' queue of held comments.

Every POST works without JavaScript (back to the post with a message; a refusal shows the form
again with the text kept) and with htmx (the comments section, or the queue item, in place).
Every write goes through `congdong.engagement.actions.comments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.queries import AnyUser
from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.ratelimit import RateLimited
from congdong.engagement import comments as reads
from congdong.engagement.actions import comments as actions
from congdong.engagement.models import Comment
from congdong.pages.models import CommentPolicy
from congdong.posts import queries as post_queries
from congdong.posts.models import Post

ANCHOR = "binh-luan"  # the section's id: "comments"


@dataclass
class Section:
    """Everything `engagement/comments/_section.html` shows."""

    post: Post
    comments: list[Comment]
    count: int
    operator: bool  # the reader operates the page: held/hidden comments, show/hide/answer
    can_write: bool  # the reader may comment (verified, active, page takes comments)
    verified: bool  # the reader may comment in their own name at all
    closed: bool
    review: bool
    sign_in: str
    max_length: int = actions.MAX_BODY
    notice: str = ""
    error: str = ""
    error_for: str = ""  # which form failed: "new", "reply-<id>", "edit-<id>", "hide-<id>"
    kept: dict[str, str] = field(default_factory=dict)  # the text sent with the failed form
    error_placed: bool = False  # the error is shown on the comment whose form failed

    def __post_init__(self) -> None:
        # A refused reply, edit or hide is shown next to its comment, with the text kept.
        kind, _sep, pk = self.error_for.partition("-")
        if not pk.isdigit():
            return
        for top in self.comments:
            for comment in [top, *top.shown_replies]:
                if comment.pk == int(pk):
                    comment.error, comment.error_kind = self.error, kind
                    comment.kept_body = self.kept.get("body", "")
                    comment.kept_reason = self.kept.get("reason", "")
                    self.error_placed = True


def _may_engage(user: AnyUser) -> bool:
    """`check_can_engage` without raising, and without a query."""
    return bool(user.is_authenticated and user.is_active and user.phone_verified_at)


def post_url(post: Post) -> str:
    return reverse("posts:public", args=[post.page.slug, post.pk])


def _section(request: HttpRequest, post: Post, **extra: object) -> Section:
    thread = reads.read_thread(post, request.user)
    verified = _may_engage(request.user)
    policy = post.page.comment_policy
    back = f"{post_url(post)}#{ANCHOR}"
    return Section(
        post=post,
        comments=thread.comments,
        count=thread.count,
        operator=thread.operator,
        can_write=verified and policy != CommentPolicy.CLOSED,
        verified=verified,
        closed=policy == CommentPolicy.CLOSED,
        review=policy == CommentPolicy.REVIEW,
        sign_in=f"{reverse('accounts:phone-start')}?{urlencode({'next': back})}",
        **extra,
    )


def section_context(request: HttpRequest, post: Post) -> dict[str, Section]:
    """The context `engagement/comments/_section.html` needs on the post page (≤ 2 queries)."""
    return {"comment_section": _section(request, post)}


# --- answers -----------------------------------------------------------------------------------


def _done(request: HttpRequest, post: Post, notice: str, comment: Comment | None) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "engagement/comments/_body.html",
            {"comment_section": _section(request, post, notice=notice), "oob_status": True},
        )
    messages.success(request, notice)
    anchor = f"c{comment.pk}" if comment is not None and comment.pk else ANCHOR
    return redirect(f"{post_url(post)}#{anchor}")


def _refused(
    request: HttpRequest,
    post: Post,
    exc: ActionError,
    form: str,
    action: str | None = None,
    kept: dict[str, str] | None = None,
) -> HttpResponse:
    """Nothing was changed: say why, keeping the text the person wrote."""
    status = exc.status
    kept = kept or {}
    section = _section(request, post, error=str(exc.message), error_for=form, kept=kept)
    context = {"comment_section": section, "oob_status": True, "action": action, "kept": kept}
    template = "_body.html" if request.htmx else "again.html"
    response = render(request, f"engagement/comments/{template}", context, status=status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _body(request: HttpRequest) -> str:
    return request.POST.get("body", "")


# --- citizens and authors ----------------------------------------------------------------------


@require_POST
def new_comment(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    post = post_queries.public_post(slug, post_id)
    body = _body(request)
    try:
        made = actions.comment(request.user, post.pk, body)
    except ActionError as exc:
        action = reverse("engagement:comment", args=[slug, post_id])
        return _refused(request, post, exc, "new", action, {"body": body})
    return _done(request, post, _created_notice(made), made)


def _created_notice(made: Comment) -> str:
    if made.as_page:
        return _("Your answer is published in the name of the page.")
    if made.state == actions.S.HELD:
        return _("Thank you. Your comment will appear once the page has reviewed it.")
    return _("Your comment is published.")


@require_POST
def reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Reply to a comment; operators may answer in the page's name (`as_page`)."""
    parent = reads.access_comment(comment_id)
    body = _body(request)
    try:
        if request.POST.get("as_page"):
            made = actions.answer(request.user, comment_id, body)
        else:
            made = actions.reply(request.user, comment_id, body)
    except ActionError as exc:
        action = reverse("engagement:comment-reply", args=[comment_id])
        return _refused(request, parent.post, exc, f"reply-{comment_id}", action, {"body": body})
    return _done(request, parent.post, _created_notice(made), made)


@require_POST
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = reads.access_own_comment(request.user, comment_id)
    body = _body(request)
    try:
        comment = actions.edit(request.user, comment_id, body)
    except ActionError as exc:
        action = reverse("engagement:comment-edit", args=[comment_id])
        return _refused(request, comment.post, exc, f"edit-{comment_id}", action, {"body": body})
    return _done(request, comment.post, _("Your comment is saved."), comment)


@require_POST
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = reads.access_own_comment(request.user, comment_id)
    try:
        actions.delete(request.user, comment_id)
    except ActionError as exc:
        return _refused(request, comment.post, exc, f"delete-{comment_id}")
    return _done(request, comment.post, _("Your comment is deleted."), None)


# --- operators ---------------------------------------------------------------------------------


def _operated(request: HttpRequest, comment: Comment, notice: str) -> HttpResponse:
    """After show or hide: the queue item (from the queue), else the post's section."""
    if request.POST.get("back") != "queue":
        return _done(request, comment.post, notice, comment)
    if request.htmx:
        return render(
            request, "engagement/comments/_queue_done.html", {"comment": comment, "text": notice}
        )
    messages.success(request, notice)
    return redirect("engagement:comment-queue")


def _operation_refused(
    request: HttpRequest, comment: Comment, exc: ActionError, form: str, action: str
) -> HttpResponse:
    kept = {"reason": request.POST.get("reason", "")}
    if request.POST.get("back") != "queue":
        return _refused(request, comment.post, exc, form, action, kept)
    if request.htmx:
        return render(
            request,
            "engagement/comments/_queue_item.html",
            {"comment": comment, "error": str(exc.message), "kept": kept},
            status=exc.status,
        )
    messages.error(request, str(exc.message))
    return redirect("engagement:comment-queue")


@require_POST
def show(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = reads.access_comment_to_operate(request.user, comment_id)
    try:
        comment = actions.show(request.user, comment_id)
    except ActionError as exc:
        action = reverse("engagement:comment-show", args=[comment_id])
        return _operation_refused(request, comment, exc, f"show-{comment_id}", action)
    return _operated(request, comment, _("The comment is shown."))


@require_POST
def hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = reads.access_comment_to_operate(request.user, comment_id)
    try:
        comment = actions.hide(request.user, comment_id, request.POST.get("reason", ""))
    except ActionError as exc:
        action = reverse("engagement:comment-hide", args=[comment_id])
        return _operation_refused(request, comment, exc, f"hide-{comment_id}", action)
    return _operated(request, comment, _("The comment is hidden."))


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Held comments on the pages the user operates, oldest first, to show or hide."""
    return render(request, "engagement/comments/queue.html", {"held": reads.held_for(request.user)})


urls: list[URLPattern] = [
    path("trang/<slug:slug>/tin/<int:post_id>/binh-luan/", new_comment, name="comment"),
    path("binh-luan/<int:comment_id>/tra-loi/", reply, name="comment-reply"),
    path("binh-luan/<int:comment_id>/sua/", edit, name="comment-edit"),
    path("binh-luan/<int:comment_id>/xoa/", delete, name="comment-delete"),
    path("binh-luan/<int:comment_id>/hien/", show, name="comment-show"),
    path("binh-luan/<int:comment_id>/an/", hide, name="comment-hide"),
    path("lam-viec/binh-luan/", queue, name="comment-queue"),
]
