"""Staff screens for posts (the editor's desk, the approver's queue, one post) and a post's
files. Every write goes through `congdong.posts.actions`. The public reading of a published
post, with its reactions and comments, is composed in congdong/site/views.py (`posts:public`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from congdong.accounts.views import staff_required
from congdong.audit.record import record_read
from congdong.core.errors import ActionError
from congdong.core.private_files import serve_file
from congdong.core.web import act_and_tell, form_error, rule_errors
from congdong.pages.queries import can_operate
from congdong.posts import actions, queries
from congdong.posts.actions import RegulationError
from congdong.posts.forms import (
    VIETNAM,
    InlinePictureForm,
    MediaForm,
    NewPostForm,
    PostForm,
    PublishForm,
    ReasonForm,
)
from congdong.posts.models import (
    POST_STATES,
    Post,
    PostAttachment,
    PostImage,
    PostRevision,
    PostState,
    RevisionState,
)
from congdong.posts.text_diff import revision_changes

S = PostState
CONTENT = ("category", "title", "body", "source_url", "tags")


def _save(request: HttpRequest, data: dict, post_id: int | None = None) -> Post:
    """Create or edit the draft and, if asked, submit it: all or nothing, so a refusal by the
    regulation leaves no half-saved post behind."""
    fields = {name: data[name] for name in CONTENT}
    with transaction.atomic():
        if post_id is None:
            post = actions.create_draft(request.user, data["page"], fields)
        else:
            post = actions.edit_draft(request.user, post_id, fields)
        if "submit" in request.POST:
            post = actions.submit(request.user, post.pk)
    return post


def _saved(request: HttpRequest, post: Post) -> HttpResponse:
    if post.state == S.SUBMITTED:
        messages.success(request, _("Sent for approval."))
        for line in filter(None, post.transitions.order_by("-pk").first().reason.splitlines()):
            messages.warning(request, line)  # the regulation's warnings, for the author too
    else:
        messages.success(request, _("Draft saved."))
    return redirect("posts:detail", post_id=post.pk)


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    """The editor's desk: my drafts, what waits, what was sent back, the calendar; a new post."""
    regulation = queries.regulation_in_force()
    # (id, name) only: a central editor runs every page below, thousands of them.
    pages = list(queries.operable_pages(request.user).values_list("pk", "name"))
    form = NewPostForm(
        request.POST if request.method == "POST" else None, pages=pages, regulation=regulation
    )
    findings = []
    if request.method == "POST" and form.is_valid():
        try:
            return _saved(request, _save(request, form.cleaned_data))
        except RegulationError as exc:
            findings = exc.findings
        except ActionError as exc:
            form_error(form, exc)
    elif request.method == "POST":
        rule_errors(form, actions.clean_content)
    return render(
        request,
        "posts/desk.html",
        {"form": form, "findings": findings, "desk": queries.desk(request.user), "pages": pages},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post: its content, history and the moves the user may make; drafts are edited here."""
    post = queries.access_post_to_read(request.user, post_id)
    editable = post.state in (S.DRAFT, S.REJECTED) and can_operate(request.user, post.page)
    form = None
    findings = []
    if editable:
        initial = {name: getattr(post, name) for name in CONTENT} | {"category": post.category.code}
        form = PostForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            regulation=queries.regulation_in_force(),
            page_id=post.page_id,
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This post can no longer be edited."))
            return redirect("posts:detail", post_id=post_id)
        if form.is_valid():
            try:
                return _saved(request, _save(request, form.cleaned_data, post_id))
            except RegulationError as exc:
                findings = exc.findings
            except ActionError as exc:
                form_error(form, exc)
        else:
            rule_errors(form, actions.clean_content)
    return _detail_page(request, post, form, findings, status=400 if form and form.errors else 200)


def _detail_page(
    request: HttpRequest,
    post: Post,
    form: PostForm | None,
    findings: list,
    status: int = 200,
    media_form: MediaForm | None = None,
    revise_form: PostForm | None = None,
) -> HttpResponse:
    if findings:
        status = 400
    operator = can_operate(request.user, post.page)
    if revise_form is None and operator and post.state == S.PUBLISHED:
        revise_form = _revise_form(post)
    can_edit_media = operator and post.state in (S.DRAFT, S.REJECTED)
    next_states = POST_STATES.next_states(post.state) if operator else frozenset()
    return render(
        request,
        "posts/detail.html",
        {
            "post": post,
            "form": form,
            "findings": findings,
            "history": queries.history_of(post),
            "editors": queries.editors_of(post),
            "images": post.gallery,
            "attachments": list(post.attachments.all()),
            "can_edit_media": can_edit_media,
            "media_form": (media_form or MediaForm()) if can_edit_media else None,
            "operator": operator,
            "can_submit": operator and post.state == S.DRAFT,
            "can_publish": operator and post.state == S.APPROVED,
            "can_hide": S.HIDDEN in next_states,
            "can_archive": S.ARCHIVED in next_states,
            "can_unhide": post.state == S.HIDDEN and operator,
            "can_approve": post.state == S.SUBMITTED and queries.may_approve(request.user, post),
            "publish_form": PublishForm(),
            "reason_form": ReasonForm(),
            "revise_form": revise_form,
            "revisions": queries.revisions_of(post),
        },
        status=status,
    )


def _revise_form(post: Post, data: dict | None = None) -> PostForm:
    """The edit form of a published post, prefilled with the waiting revision if there is one
    (a second edit updates it), else with the published text."""
    pending = queries.pending_revision(post)
    shown = pending or post
    initial = {name: getattr(shown, name) for name in CONTENT} | {"category": shown.category.code}
    form = PostForm(
        data,
        initial=initial,
        regulation=queries.regulation_in_force(),
        prefix="revise",
        page_id=post.page_id,
    )
    form.pending = pending  # the template says which text the form holds
    return form


@staff_required
@require_POST
def revise(request: HttpRequest, post_id: int) -> HttpResponse:
    """Edit a published post: a revision for approval, or applied now where the category's
    revisions need none."""
    post = queries.access_post_to_write(request.user, post_id)
    form = _revise_form(post, request.POST)
    findings = []
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CONTENT}
        try:
            revision = actions.revise(request.user, post_id, fields)
        except RegulationError as exc:
            findings = exc.findings
        except ActionError as exc:
            form_error(form, exc)
        else:
            if revision.state == RevisionState.PENDING:
                messages.success(
                    request,
                    _("Revision sent for approval; the published text stays until it is approved."),
                )
            else:
                messages.success(request, _("The published post was changed."))
            return redirect("posts:detail", post_id=post_id)
    return _detail_page(request, post, None, findings, status=400, revise_form=form)


@staff_required
@require_POST
def move(request: HttpRequest, post_id: int) -> HttpResponse:
    """Hide (with a reason), show again, or archive a published post."""
    # Out of scope, the post does not exist: 404 before the form is even read.
    queries.access_post_to_write(request.user, post_id)
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "")
    try:
        if to == S.HIDDEN:
            post = actions.hide(request.user, post_id, reason)
        elif to == S.ARCHIVED:
            post = actions.archive(request.user, post_id)
        elif to == S.PUBLISHED:
            post = actions.unhide(request.user, post_id)
        else:
            raise ActionError(_("Choose what to do with the post."))
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The post is now %(state)s.") % {"state": S(post.state).label})
    return redirect("posts:detail", post_id=post_id)


@staff_required
@require_POST
def publish(request: HttpRequest, post_id: int) -> HttpResponse:
    """An approved post goes public now or is scheduled."""
    form = PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(" ".join(form.errors.get("publish_at", [])))
        post = actions.publish_or_schedule(request.user, post_id, form.cleaned_data["publish_at"])
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _published_message(post))
    return redirect("posts:detail", post_id=post_id)


def _published_message(post: Post) -> str:
    if post.state == S.SCHEDULED:
        when = timezone.localtime(post.publish_at, VIETNAM).strftime("%d/%m/%Y %H:%M")
        return _("Approved; it will be published at %(when)s.") % {"when": when}
    return _("Approved and published.")


@staff_required
@require_POST
def add_media(request: HttpRequest, post_id: int) -> HttpResponse:
    """Pictures and PDF documents for a draft: all stored, or none if one file is refused."""
    form = MediaForm(request.POST, request.FILES)
    if not form.is_valid():
        post = queries.access_post_to_write(request.user, post_id)
        return _detail_page(request, post, _edit_form(post), [], status=400, media_form=form)
    files = form.cleaned_data
    try:
        upload = actions.check_add_media(
            request.user,
            post_id,
            files.get("images") or [],
            files.get("attachments") or [],
            files.get("alt_text") or "",
        )
        actions.do_add_media(request.user, upload)
    except ActionError as exc:
        if exc.field not in form.fields:  # not about a file: the post cannot take any
            messages.error(request, str(exc.message))
            return redirect("posts:detail", post_id=post_id)
        form_error(form, exc)
        post = queries.access_post_to_read(request.user, post_id)
        return _detail_page(request, post, _edit_form(post), [], status=400, media_form=form)
    messages.success(
        request,
        _("%(images)d pictures and %(documents)d documents added.")
        % {"images": len(upload.pictures), "documents": len(upload.documents)},
    )
    return redirect("posts:detail", post_id=post_id)


@staff_required
@require_POST
def inline_picture(request: HttpRequest) -> JsonResponse:
    """The editor's upload of a picture into the text, before or after the post is saved: JSON
    with the picture's address and description, or the refusal with status 400 (404 for a
    page outside the user's scope, 403 for one they see but do not run)."""
    form = InlinePictureForm(request.POST, request.FILES)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": str(first)}, status=400)
    try:
        image = actions.upload_inline_picture(
            request.user,
            form.cleaned_data["page"],
            form.cleaned_data["image"],
            form.cleaned_data["alt_text"],
        )
    except ActionError as exc:
        return JsonResponse({"error": str(exc.message), "field": exc.field}, status=400)
    return JsonResponse({"id": image.pk, "src": image.url, "alt": image.alt_text}, status=201)


@staff_required
@require_POST
def remove_media(request: HttpRequest, post_id: int, kind: str, media_id: int) -> HttpResponse:
    act_and_tell(
        request,
        lambda: actions.remove_media(request.user, post_id, kind, media_id),
        _("Removed from the post."),
    )
    return redirect("posts:detail", post_id=post_id)


def _edit_form(post: Post) -> PostForm | None:
    if post.state not in (S.DRAFT, S.REJECTED):
        return None
    initial = {name: getattr(post, name) for name in CONTENT} | {"category": post.category.code}
    return PostForm(initial=initial, regulation=queries.regulation_in_force(), page_id=post.page_id)


# --- the approver's queue ---------------------------------------------------------------------


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Submitted posts the user may decide on, each with its content and history."""
    return render(
        request,
        "posts/queue.html",
        {
            "posts": queries.approval_queue(request.user),
            "revisions": [
                (revision, revision_changes(revision.post, revision))
                for revision in queries.revision_queue(request.user)
            ],
            "publish_form": PublishForm(),
            "reason_form": ReasonForm(),
        },
    )


def _decided(request: HttpRequest, post: Post, text: str, error: bool = False) -> HttpResponse:
    """After a decision: the queue item's fragment for htmx, else back to the queue."""
    if request.htmx:
        return render(
            request,
            "posts/_decided.html",
            {"post": post, "text": text, "error": error},
            # 200 even for a refusal: htmx swaps only 2xx answers, and the item says what failed.
        )
    (messages.error if error else messages.success)(request, text)
    return redirect("posts:queue")


Decided = TypeVar("Decided", Post, PostRevision)


def _decide(
    request: HttpRequest,
    item: Decided,
    act: Callable[[], Decided],
    done: str | Callable[[Decided], str],
    answer: Callable[..., HttpResponse],
) -> HttpResponse:
    """A decision taken from the queue: `act()`, then `answer(request, item, text, error)` —
    `_decided` or `_revision_decided` — with the action's refusal or `done` (or `done(item)`)."""
    try:
        item = act()
    except ActionError as exc:
        return answer(request, item, str(exc.message), error=True)
    return answer(request, item, done(item) if callable(done) else done)


@staff_required
@require_POST
def approve(request: HttpRequest, post_id: int) -> HttpResponse:
    """Approve, then publish now or schedule: one decision, so both happen or neither does."""
    post = queries.access_post_to_approve(request.user, post_id)
    form = PublishForm(request.POST)

    def approve_and_publish() -> Post:
        if not form.is_valid():
            raise ActionError(" ".join(form.errors.get("publish_at", [])))
        with transaction.atomic():
            actions.approve(request.user, post_id)
            return actions.publish_or_schedule(
                request.user, post_id, form.cleaned_data["publish_at"]
            )

    return _decide(request, post, approve_and_publish, _published_message, _decided)


def _reason(request: HttpRequest, missing: str) -> str:
    """The reason the approver wrote for sending something back; ActionError(`missing`) on the
    reason field when there is none."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise ActionError(missing, field="reason")
    return form.cleaned_data["reason"]


@staff_required
@require_POST
def reject(request: HttpRequest, post_id: int) -> HttpResponse:
    """Send the post back to its author with a reason they will see."""
    post = queries.access_post_to_approve(request.user, post_id)
    return _decide(
        request,
        post,
        lambda: actions.reject(
            request.user, post_id, _reason(request, _("Say why the post is sent back."))
        ),
        _("Sent back to the author with your reason."),
        _decided,
    )


def _revision_decided(
    request: HttpRequest, revision: PostRevision, text: str, error: bool = False
) -> HttpResponse:
    """After a decision on a revision: its queue item for htmx, else back to the queue."""
    if request.htmx:
        changes = revision_changes(revision.post, revision) if error else []
        return render(
            request,
            "posts/_revision_decided.html",
            {"revision": revision, "changes": changes, "text": text, "error": error},
        )
    (messages.error if error else messages.success)(request, text)
    return redirect("posts:queue")


@staff_required
@require_POST
def approve_revision(request: HttpRequest, revision_id: int) -> HttpResponse:
    """Apply the revision to the published post."""
    revision = queries.access_revision_to_decide(request.user, revision_id)
    return _decide(
        request,
        revision,
        lambda: actions.approve_revision(request.user, revision_id),
        _("Revision approved; the post now shows it."),
        _revision_decided,
    )


@staff_required
@require_POST
def reject_revision(request: HttpRequest, revision_id: int) -> HttpResponse:
    """Refuse the revision with a reason; the published text stays."""
    revision = queries.access_revision_to_decide(request.user, revision_id)
    return _decide(
        request,
        revision,
        lambda: actions.reject_revision(
            request.user, revision_id, _reason(request, _("Say why the revision is refused."))
        ),
        _("Revision refused with your reason."),
        _revision_decided,
    )


# --- a post's files ---------------------------------------------------------------------------


# Browsers and proxies may keep a public post's picture this long; a post hidden meanwhile
# stops being served at once by us, and by caches at most this late.
PUBLIC_MEDIA_SECONDS = 300


@require_safe
def image(request: HttpRequest, image_id: int) -> HttpResponse:
    """A post's picture (a re-encoded JPEG): to anyone once the post is public, before that to
    the staff who may read the post (each opening in the audit log); 404 to anyone else."""
    item, public = queries.access_post_media(request.user, PostImage, image_id)
    # A picture in no post yet is its uploader's own, opened while writing: nothing to audit.
    if not public and item.post_id is not None:
        record_read(request, request.user)
    return serve_file(
        item.file, "image/jpeg", shared_seconds=PUBLIC_MEDIA_SECONDS if public else None
    )


@require_safe
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A post's PDF document, always downloaded; who may have it as for `image`."""
    item, public = queries.access_post_media(request.user, PostAttachment, document_id)
    if not public:
        record_read(request, request.user)
    return serve_file(
        item.file,
        "application/pdf",
        download_name=item.original_name,
        shared_seconds=PUBLIC_MEDIA_SECONDS if public else None,
    )
