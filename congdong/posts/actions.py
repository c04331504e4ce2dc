"""Writes to posts: drafting, submitting under the regulation, approval, publishing.

check_* validates and authorises and changes nothing; do_* writes and records the transition.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import public_cache
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import line, plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start, record_starts
from congdong.events import EventKind
from congdong.pages.models import Page, PageStatus
from congdong.pages.queries import access_page_to_operate
from congdong.posts.media import CleanDocument, CleanPicture, clean_pdf, clean_picture, image_limit
from congdong.posts.models import (
    POST_STATES,
    REVISION_STATES,
    Category,
    Post,
    PostAttachment,
    PostImage,
    PostRevision,
    PostState,
    PostTransition,
    RevisionState,
)
from congdong.posts.queries import (
    access_post_to_approve,
    access_post_to_write,
    access_revision_to_decide,
    regulation_in_force,
)
from congdong.posts.rich_text import clean_html, inline_pictures
from congdong.posts.rules import Finding, check_against_regulation
from congdong.posts.search import searchable

S = PostState
MIN_REASON = 5


class RegulationError(ActionError):
    """Submitting was refused by the regulation; `findings` has every finding, for the form."""

    def __init__(self, findings: list[Finding]) -> None:
        blocking = [f for f in findings if f.blocking]
        super().__init__("\n".join(f.message for f in findings), field=blocking[0].field)
        self.findings = findings


@dataclass(frozen=True)
class Content:
    """A post's editable fields, cleaned: body sanitised, tags normalised."""

    category: Category
    title: str
    body: str
    source_url: str
    tags: str
    search_text: str = field(default="", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "search_text", searchable(self.title, self.body, self.tags))


def clean_content(fields: Mapping[str, Any]) -> Content:
    """`fields` (category code, title, body, source_url, tags) cleaned for storage.

    Only what storage needs is enforced here; the regulation's limits are checked on submit
    so that a draft can be saved half-written.
    """
    regulation = regulation_in_force()
    if regulation is None:
        raise ActionError(_("No information regulation is in force; ask an administrator."))
    refusals = Refusals()  # every field's problem told at once (issue 16.9)
    category = regulation.categories.filter(code=fields.get("category") or "").first()
    with refusals:
        if category is None:
            raise ActionError(_("Choose a category from the list."), field="category")
    title = line(fields.get("title"))
    with refusals:
        if not title:
            raise ActionError(_("Give the post a title."), field="title")
        if len(title) > Post._meta.get_field("title").max_length:
            raise ActionError(_("The title is far too long."), field="title")
    source_url = (fields.get("source_url") or "").strip()
    with refusals:
        if source_url:
            try:
                URLValidator(schemes=["http", "https"])(source_url)
            except ValidationError:
                raise ActionError(
                    _("The source must be a web address (https://…)."), field="source_url"
                ) from None
    words = (line(tag) for tag in plain(fields.get("tags")).split(","))
    tags = ", ".join(tag for tag in words if tag)
    with refusals:
        if len(tags) > Post._meta.get_field("tags").max_length:
            raise ActionError(_("Too many tags."), field="tags")
    body = clean_html(plain(fields.get("body")))
    with refusals:
        if any(not picture.alt.strip() for picture in inline_pictures(body)):
            raise ActionError(
                _(
                    "Describe every picture in the text (what it shows), for people who "
                    "cannot see it."
                ),
                field="body",
            )
    refusals.raise_any()
    return Content(category, title, body, source_url, tags)


def _shown_changed(page_id: int, central: bool) -> None:
    """Anonymous visitors' cached copies of the page (and of the home page, which lists the
    central page's posts) are rebuilt on their next visit."""
    public_cache.page_changed(page_id)
    if central:
        public_cache.all_changed()


def _published(
    post_id: int,
    page_id: int,
    actor_id: int | None,
    at: datetime.datetime,
    kind: EventKind = EventKind.PUBLISH,
) -> None:
    """Count the post for its page in the insights figures, once the move is committed: a
    PUBLISH (or, taken off the page, an UNPUBLISH) at `at`, the post's publication time, so
    a dashboard's posts of a day are the posts its public page lists for that day."""
    transaction.on_commit(
        lambda: events.record(None, kind, page_id=page_id, post_id=post_id, user_id=actor_id, at=at)
    )


def _is_central(page: Page) -> bool:
    return page.unit.depth == 1


# --- drafting -------------------------------------------------------------------------------


def check_create_draft(
    actor: AnyUser, page_id: int, fields: Mapping[str, Any]
) -> tuple[Page, Content]:
    """`actor` operates the page and the fields are storable."""
    return access_page_to_operate(actor, page_id), clean_content(fields)


def do_create_draft(actor: User, page: Page, content: Content) -> Post:
    with transaction.atomic():
        post = Post.objects.create(page=page, author=actor, **content.__dict__)
        record_start(post, by=actor)
        _attach_inline_pictures(actor, post, content.body)
    return post


def create_draft(actor: AnyUser, page_id: int, fields: Mapping[str, Any]) -> Post:
    """A new draft on the page by `actor`, who must operate the page."""
    return do_create_draft(actor, *check_create_draft(actor, page_id, fields))


def check_edit_draft(
    actor: AnyUser, post_id: int, fields: Mapping[str, Any]
) -> tuple[Post, Content]:
    post = access_post_to_write(actor, post_id)
    if post.state not in (S.DRAFT, S.REJECTED):
        raise ActionError(
            _("Only drafts and rejected posts can be edited; this post is %(state)s.")
            % {"state": PostState(post.state).label}
        )
    return post, clean_content(fields)


def _save_draft(
    post: Post, actor: User, at: datetime.datetime, changes: Mapping[str, Any] | None = None
) -> None:
    """An edit of a draft or rejected post (its text, its pictures) if nobody moved it
    meanwhile: a rejected post becomes a draft again (the move rejected → draft); a draft
    edited by someone other than its author keeps a draft → draft row naming them. These rows
    are how the history shows who wrote which version, and how `writers_of` knows who may not
    approve the text (four eyes)."""
    values = {"updated_at": at, **(changes or {})}
    changed = _("The post changed meanwhile; reload and try again.")
    if post.state == S.REJECTED:
        workflow.move(post, S.DRAFT, by=actor, at=at, changes=values, changed=changed)
        return
    # An edit, not a move: the draft stays a draft.
    if not Post.objects.filter(pk=post.pk, state=post.state).update(state=S.DRAFT, **values):
        raise ActionError(changed)
    if actor.pk != post.author_id:
        PostTransition.objects.create(
            post=post, from_state=S.DRAFT, to_state=S.DRAFT, actor=actor, at=at
        )


def do_edit_draft(actor: User, post: Post, content: Content) -> Post:
    """Save the new content; a rejected post becomes a draft again (rejected → draft)."""
    now = timezone.now()
    with transaction.atomic():
        _save_draft(post, actor, now, content.__dict__)
        _attach_inline_pictures(actor, post, content.body, drop_unused=True)
    post.refresh_from_db()
    return post


def edit_draft(actor: AnyUser, post_id: int, fields: Mapping[str, Any]) -> Post:
    return do_edit_draft(actor, *check_edit_draft(actor, post_id, fields))


# --- moves ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    post: Post
    to: PostState
    reason: str = ""
    changes: dict[str, Any] = field(default_factory=dict)  # other columns set with the move


def check_move(post: Post, to: PostState, reason: str = "") -> Move:
    """The move is in the graph, is one a person may make, and has its reason if one is needed."""
    if not POST_STATES.allowed_for_person(post.state, to):
        raise ActionError(
            _("A post that is %(current)s cannot become %(target)s.")
            % {"current": PostState(post.state).label, "target": to.label},
            field="state",
        )
    reason = line(reason)
    if (post.state, to) in POST_STATES.needs_reason and len(reason) < MIN_REASON:
        raise ActionError(_("Say why (at least 5 characters)."), field="reason")
    return Move(post, to, reason)


def do_move(actor: User | None, move: Move) -> Post:
    """Make the move if nobody moved the post meanwhile, and record it."""
    now = timezone.now()
    post = move.post
    was = post.state
    with transaction.atomic():
        # Conditional update: two approvers clicking at once cannot both move the post.
        # The row then holds exactly these values: no need to read it back.
        workflow.move(
            post,
            move.to,
            by=actor,
            reason=move.reason,
            at=now,
            changes={"updated_at": now, **move.changes},
            changed=_("The post changed meanwhile; reload and try again."),
        )
        if S.PUBLISHED in (was, move.to):
            _shown_changed(post.page_id, _is_central(post.page))
        actor_id = actor.pk if actor else None
        if move.to == S.PUBLISHED and was != S.HIDDEN:
            _published(post.pk, post.page_id, actor_id, move.changes.get("published_at", now))
        elif move.to == S.PUBLISHED:  # shown again: counted again on its publication day
            _published(post.pk, post.page_id, actor_id, post.published_at or now)
        elif was == S.PUBLISHED:  # hidden or archived: off the public page
            at = post.published_at or now
            _published(post.pk, post.page_id, actor_id, at, EventKind.UNPUBLISH)
    return post


def check_submit(actor: AnyUser, post_id: int) -> Move:
    """Operators submit drafts that pass the regulation in force; warnings go in the reason."""
    post = access_post_to_write(actor, post_id)
    check_move(post, S.SUBMITTED)
    regulation = regulation_in_force()
    if regulation is None:
        raise ActionError(_("No information regulation is in force; ask an administrator."))
    fields = {f: getattr(post, f) for f in ("title", "body", "source_url", "category")}
    fields["image_count"] = post.images.count()
    findings = check_against_regulation(fields, post.page, regulation)
    if any(f.blocking for f in findings):
        raise RegulationError(findings)
    reason = "\n".join(f.message for f in findings)
    return Move(post, S.SUBMITTED, reason, {"regulation": regulation})


def submit(actor: AnyUser, post_id: int) -> Post:
    return do_move(actor, check_submit(actor, post_id))


def approve(actor: AnyUser, post_id: int) -> Post:
    """Approved by someone with authority at the level the regulation names (not the author)."""
    return do_move(actor, check_move(access_post_to_approve(actor, post_id), S.APPROVED))


def reject(actor: AnyUser, post_id: int, reason: str) -> Post:
    """Sent back with a reason (≥ 5 characters) the author sees; they revise it as a draft."""
    return do_move(actor, check_move(access_post_to_approve(actor, post_id), S.REJECTED, reason))


def check_publish_or_schedule(
    actor: AnyUser, post_id: int, publish_at: datetime.datetime | None = None
) -> Move:
    post = access_post_to_write(actor, post_id)
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ActionError(_("Give the publishing time with its time zone."), field="publish_at")
    now = timezone.now()
    if publish_at is not None and publish_at > now:
        check_move(post, S.SCHEDULED)
        return Move(post, S.SCHEDULED, changes={"publish_at": publish_at})
    check_move(post, S.PUBLISHED)
    if post.page.status != PageStatus.ACTIVE:
        raise ActionError(
            _("The page %(page)s is not open; posts cannot be published on it.")
            % {"page": post.page.name}
        )
    return Move(post, S.PUBLISHED, changes={"published_at": now, "publish_at": publish_at or now})


def publish_or_schedule(
    actor: AnyUser, post_id: int, publish_at: datetime.datetime | None = None
) -> Post:
    """An approved post goes public now, or at `publish_at` if that is in the future."""
    return do_move(actor, check_publish_or_schedule(actor, post_id, publish_at))


def hide(actor: AnyUser, post_id: int, reason: str) -> Post:
    """Take a published post off the page for now, saying why."""
    return do_move(actor, check_move(access_post_to_write(actor, post_id), S.HIDDEN, reason))


def unhide(actor: AnyUser, post_id: int) -> Post:
    """Show a hidden post again."""
    return do_move(actor, check_move(access_post_to_write(actor, post_id), S.PUBLISHED))


def archive(actor: AnyUser, post_id: int) -> Post:
    return do_move(actor, check_move(access_post_to_write(actor, post_id), S.ARCHIVED))


# --- revisions of published posts -----------------------------------------------------------

R = RevisionState
REVISED_FIELDS = ("category", "title", "body", "source_url", "tags")


@dataclass(frozen=True)
class Revise:
    post: Post
    content: Content
    needs_approval: bool
    warnings: str  # the regulation's non-blocking findings, one a line, for the approver


def check_revise(actor: AnyUser, post_id: int, fields: Mapping[str, Any]) -> Revise:
    """`actor` writes on the published post's page and the new text passes the regulation in
    force (blocking findings raise `RegulationError`, changing nothing)."""
    post = access_post_to_write(actor, post_id)
    if post.state != S.PUBLISHED:
        raise ActionError(
            _("Only published posts are revised; this post is %(state)s.")
            % {"state": PostState(post.state).label}
        )
    content = clean_content(fields)
    regulation = regulation_in_force()  # not None: clean_content found a category in it
    proposed = {f: getattr(content, f) for f in ("title", "body", "source_url", "category")}
    proposed["image_count"] = post.images.count()
    findings = check_against_regulation(proposed, post.page, regulation)
    if any(f.blocking for f in findings):
        raise RegulationError(findings)
    # Moving a post into a category whose revisions are checked is itself checked.
    needs_approval = (
        post.category.revision_needs_approval or content.category.revision_needs_approval
    )
    return Revise(post, content, needs_approval, "\n".join(f.message for f in findings))


def do_revise(actor: User, plan: Revise) -> PostRevision:
    """A pending revision (created, or the waiting one updated) while the published text stays
    live; or, where the category needs no approval, the post changed now and the change
    recorded as a revision approved by its editor."""
    post, content, now = plan.post, plan.content, timezone.now()
    values = {name: getattr(content, name) for name in REVISED_FIELDS}
    # The revision's new pictures belong to the post from now on (the published text, which
    # does not name them yet, keeps its own); they are kept even if the revision is refused.
    _attach_inline_pictures(actor, post, content.body)
    if not plan.needs_approval:
        with transaction.atomic():
            changed = Post.objects.filter(pk=post.pk, state=S.PUBLISHED).update(
                updated_at=now, search_text=content.search_text, **values
            )
            if not changed:
                raise ActionError(_("The post changed meanwhile; reload and try again."))
            revision = PostRevision.objects.create(
                post=post,
                author=actor,
                state=R.APPROVED,
                reason=plan.warnings,
                decided_by=actor,
                decided_at=now,
                **values,
            )
            record_start(revision, by=actor, at=now)
            revision.editors.add(actor)
            _shown_changed(post.page_id, _is_central(post.page))
        for name, value in values.items():
            setattr(post, name, value)
        post.updated_at = now
        return revision
    try:
        with transaction.atomic():
            pending = (
                PostRevision.objects.select_for_update().filter(post=post, state=R.PENDING).first()
            )
            if pending is None:
                created = PostRevision.objects.create(
                    post=post, author=actor, reason=plan.warnings, **values
                )
                record_start(created, by=actor, at=created.created_at)
                created.editors.add(actor)
                return created
            # The latest editor answers for the whole text the approver will read; every
            # earlier writer stays in `editors`, so none of them approves it (four eyes).
            PostRevision.objects.filter(pk=pending.pk, state=R.PENDING).update(
                author=actor, reason=plan.warnings, updated_at=now, **values
            )
            pending.editors.add(actor, pending.author_id)
    except IntegrityError:  # another edit created the pending revision at the same moment
        raise ActionError(_("The post changed meanwhile; reload and try again.")) from None
    pending.refresh_from_db()
    return pending


def revise(actor: AnyUser, post_id: int, fields: Mapping[str, Any]) -> PostRevision:
    """Edit a published post: pending approval, or applied now (see `do_revise`)."""
    return do_revise(actor, check_revise(actor, post_id, fields))


def check_decide_revision(
    actor: AnyUser, revision_id: int, to: RevisionState, reason: str = ""
) -> tuple[PostRevision, str]:
    """`actor` approves the revision's post (not its author); the move is in the graph; a
    rejection says why (≥ 5 characters)."""
    revision = access_revision_to_decide(actor, revision_id)
    if not REVISION_STATES.allowed_for_person(revision.state, to):
        raise ActionError(
            _("This revision is already %(state)s.") % {"state": R(revision.state).label}
        )
    reason = line(reason)
    if (revision.state, to) in REVISION_STATES.needs_reason and len(reason) < MIN_REASON:
        raise ActionError(_("Say why (at least 5 characters)."), field="reason")
    if to == R.APPROVED and revision.post.state not in (S.PUBLISHED, S.HIDDEN):
        raise ActionError(
            _("The post is %(state)s now; the revision can only be rejected.")
            % {"state": PostState(revision.post.state).label}
        )
    return revision, reason


def do_decide_revision(
    actor: User, revision: PostRevision, to: RevisionState, reason: str = ""
) -> PostRevision:
    """Record the decision if nobody decided meanwhile; an approval copies the text into the
    post in the same transaction."""
    now = timezone.now()
    with transaction.atomic():
        # Conditional update: two approvers clicking at once cannot both decide.
        # An approval keeps the regulation's warnings in `reason`; a rejection replaces them.
        said = {"reason": reason} if to == R.REJECTED else {}
        workflow.move(
            revision,
            to,
            by=actor,
            reason=reason,
            at=now,
            expected_from=R.PENDING,
            changes={"decided_by": actor, "decided_at": now, "updated_at": now, **said},
            changed=_("The revision changed meanwhile; reload and try again."),
        )
        if to == R.APPROVED:
            values = {name: getattr(revision, name) for name in REVISED_FIELDS}
            words = searchable(values["title"], values["body"], values["tags"])
            Post.objects.filter(pk=revision.post_id).update(
                updated_at=now, search_text=words, **values
            )
            _shown_changed(revision.post.page_id, _is_central(revision.post.page))
    return revision


def approve_revision(actor: AnyUser, revision_id: int) -> PostRevision:
    """Apply the revision to its post: by an approver of the post, never its author."""
    revision, _reason = check_decide_revision(actor, revision_id, R.APPROVED)
    return do_decide_revision(actor, revision, R.APPROVED)


def reject_revision(actor: AnyUser, revision_id: int, reason: str) -> PostRevision:
    """Refuse the revision with a reason its author sees; the published text is unchanged."""
    revision, reason = check_decide_revision(actor, revision_id, R.REJECTED, reason)
    return do_decide_revision(actor, revision, R.REJECTED, reason)


# --- the worker -----------------------------------------------------------------------------


def publish_due(now: datetime.datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; returns how many this call published.

    Safe to run from several workers at once and again after a crash: each post is claimed by
    a conditional UPDATE (scheduled → published), so only one worker publishes it and records
    the transition (actor None: nobody decided it at that moment).
    """
    now = now or timezone.now()
    due = (
        Post.objects.filter(state=S.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", "page_id", "page__unit__depth")
    )
    published = 0
    for post_id, page_id, depth in list(due):
        with transaction.atomic():
            try:
                workflow.move(
                    Post(pk=post_id, state=S.SCHEDULED),
                    S.PUBLISHED,
                    at=now,
                    automatic=True,
                    changes={"published_at": now, "updated_at": now},
                )
            except ActionError:  # another worker published it
                continue
            _shown_changed(page_id, central=depth == 1)
            _published(post_id, page_id, None, now)
            published += 1
    return published


# --- pictures and documents -----------------------------------------------------------------


@dataclass(frozen=True)
class MediaUpload:
    post: Post
    pictures: list[CleanPicture]
    documents: list[CleanDocument]


def _access_draft_media(actor: AnyUser, post_id: int) -> Post:
    post = access_post_to_write(actor, post_id)
    if post.state not in (S.DRAFT, S.REJECTED):
        raise ActionError(
            _(
                "Pictures and documents can only be changed on drafts and rejected posts; "
                "this post is %(state)s."
            )
            % {"state": PostState(post.state).label}
        )
    return post


def check_add_media(
    actor: AnyUser,
    post_id: int,
    images: Sequence[UploadedFile] = (),
    documents: Sequence[UploadedFile] = (),
    alt_text: str = "",
) -> MediaUpload:
    """Every file is checked (and pictures re-encoded) before any is stored: one bad file
    refuses the whole upload, naming it."""
    post = _access_draft_media(actor, post_id)
    if not images and not documents:
        raise ActionError(_("Choose pictures or PDF documents to upload."), field="images")
    limit = image_limit(regulation_in_force())
    have = post.images.count()
    if have + len(images) > limit:
        raise ActionError(
            _(
                "A post may have at most %(limit)d pictures; this one has %(have)d and you "
                "chose %(count)d."
            )
            % {"limit": limit, "have": have, "count": len(images)},
            field="images",
        )
    pictures = [clean_picture(upload, alt_text) for upload in images]
    return MediaUpload(post, pictures, [clean_pdf(upload) for upload in documents])


def do_add_media(actor: User, upload: MediaUpload) -> Post:
    """Store the files; a rejected post becomes a draft again, as when its text is edited."""
    post = upload.post
    stored: list[FieldFile] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            _save_draft(post, actor, now)
            last = post.images.aggregate(last=Max("order"))["last"]
            first = 0 if last is None else last + 1
            for order, picture in enumerate(upload.pictures, start=first):
                image = PostImage(post=post, order=order, alt_text=picture.alt_text)
                image.file.save(picture.content.name, picture.content, save=False)
                stored.append(image.file)
                image.save()
            for document in upload.documents:
                attachment = PostAttachment(
                    post=post, original_name=document.original_name, size=document.size
                )
                attachment.file.save(document.content.name, document.content, save=False)
                stored.append(attachment.file)
                attachment.save()
    except BaseException:
        for file in stored:  # rolled back: the rows are gone, so are their files
            file.storage.delete(file.name)
        raise
    post.state, post.updated_at = S.DRAFT, now
    return post


def add_media(
    actor: AnyUser,
    post_id: int,
    images: Sequence[UploadedFile] = (),
    documents: Sequence[UploadedFile] = (),
    alt_text: str = "",
) -> Post:
    """Attach pictures (re-encoded JPEGs) and PDF documents to a draft or rejected post."""
    return do_add_media(actor, check_add_media(actor, post_id, images, documents, alt_text))


def check_remove_media(
    actor: AnyUser, post_id: int, kind: str, media_id: int
) -> PostImage | PostAttachment:
    """The picture (`kind` "image") or document ("attachment") of a post `actor` may edit."""
    post = _access_draft_media(actor, post_id)
    model = {"image": PostImage, "attachment": PostAttachment}.get(kind)
    item = model.objects.filter(post=post, pk=media_id).first() if model else None
    if item is None:
        raise ActionError(_("That file is no longer attached to the post."))
    return item


def do_remove_media(actor: User, item: PostImage | PostAttachment) -> None:
    """Remove the file; a rejected post becomes a draft again, as when its text is edited."""
    storage, name, post = item.file.storage, item.file.name, item.post
    with transaction.atomic():
        now = timezone.now()
        _save_draft(post, actor, now)
        item.delete()
        # The file goes once the row is surely gone.
        transaction.on_commit(lambda: storage.delete(name))


def remove_media(actor: AnyUser, post_id: int, kind: str, media_id: int) -> None:
    do_remove_media(actor, check_remove_media(actor, post_id, kind, media_id))


# --- pictures in the text ----------------------------------------------------------------------

# Uploaded in the editor and never saved with a post: deleted after this long.
STALE_INLINE_PICTURE = datetime.timedelta(days=1)
# Pictures a person may have uploaded and not yet saved with a post, against a full disk.
MAX_PENDING_INLINE_PICTURES = 30


def check_upload_inline_picture(
    actor: AnyUser, page_id: int, upload: UploadedFile | None, alt_text: str
) -> tuple[Page, CleanPicture]:
    """A picture to put in the text of a post on the page, before the post exists: `actor`
    operates the page, describes the picture, and it is a picture of at most 5 MB (re-encoded
    as JPEG). Changes nothing."""
    page = access_page_to_operate(actor, page_id)
    refusals = Refusals()
    with refusals:
        if upload is None:
            raise ActionError(_("Choose a picture to upload."), field="image")
    with refusals:
        if not " ".join((alt_text or "").split()):
            raise ActionError(
                _("Describe the picture (what it shows), for people who cannot see it."),
                field="alt_text",
            )
    refusals.raise_any()
    pending = PostImage.objects.filter(
        post__isnull=True,
        uploaded_by=actor,
        created_at__gte=timezone.now() - STALE_INLINE_PICTURE,
    ).count()
    if pending >= MAX_PENDING_INLINE_PICTURES:
        raise ActionError(
            _(
                "You have uploaded %(count)d pictures not yet saved with a post; "
                "save the post first."
            )
            % {"count": pending},
            field="image",
        )
    try:
        picture = clean_picture(upload, alt_text)
    except ActionError as exc:
        raise ActionError(exc.message, field="image") from exc
    return page, picture


def do_upload_inline_picture(actor: User, page: Page, picture: CleanPicture) -> PostImage:
    """Store the picture, attached to no post yet; the save of the post that names it in its
    text attaches it (`_attach_inline_pictures`)."""
    image = PostImage(page=page, uploaded_by=actor, inline=True, alt_text=picture.alt_text)
    image.file.save(picture.content.name, picture.content, save=False)
    try:
        image.save()
    except BaseException:
        image.file.storage.delete(image.file.name)
        raise
    return image


def upload_inline_picture(
    actor: AnyUser, page_id: int, upload: UploadedFile | None, alt_text: str
) -> PostImage:
    return do_upload_inline_picture(
        actor, *check_upload_inline_picture(actor, page_id, upload, alt_text)
    )


def _attach_inline_pictures(actor: User, post: Post, body: str, drop_unused: bool = False) -> None:
    """Attach to `post` the pictures its text names that `actor` uploaded and no post holds
    yet (somebody else's upload, or another post's picture, is never taken over). With
    `drop_unused` (a draft's text replaced), the post's pictures in the text that the text no
    longer names are deleted, so that they stop counting against the regulation's limit."""
    named = [picture.image_id for picture in inline_pictures(body)]
    if named:
        last = post.images.aggregate(last=Max("order"))["last"]
        first = 0 if last is None else last + 1
        free = PostImage.objects.filter(pk__in=named, post__isnull=True, uploaded_by=actor)
        for order, image_id in enumerate(free.order_by("pk").values_list("pk", flat=True)):
            PostImage.objects.filter(pk=image_id, post__isnull=True).update(
                post=post, page=post.page, order=first + order
            )
    if drop_unused:
        _delete_pictures(post.images.filter(inline=True).exclude(pk__in=named))


def _delete_pictures(images: Any) -> int:
    """Delete the rows; their files once the deletion is committed."""
    names = [(image.file.storage, image.file.name) for image in images]
    deleted = images.filter(pk__in=[image.pk for image in images]).delete()[0] if names else 0

    def remove_files() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return deleted


def delete_stale_inline_pictures(now: datetime.datetime | None = None) -> int:
    """Delete pictures uploaded in the editor that no saved post took within a day; returns
    how many. A sweep: it reads the rows each time."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            PostImage.objects.filter(post__isnull=True, created_at__lt=now - STALE_INLINE_PICTURE)
        )
        if not stale:
            return 0
        return _delete_pictures(PostImage.objects.filter(pk__in=[image.pk for image in stale]))


# --- published copies on other pages (campaigns) ------------------------------------------------


def do_publish_copies(
    source: Post,
    page_ids: Sequence[int],
    *,
    actor: User,
    reason: str,
    at: datetime.datetime,
) -> list[Post]:
    """A published copy of `source` on each page of `page_ids` (author: `actor`), each with its
    birth transition (`reason` says where it came from), in two INSERTs however many pages;
    returns the copies, in the order of `page_ids`, with their ids. The caller has checked the
    pages and the right to publish on them (a campaign's launch or a page's reshare), holds the
    transaction, and changes the public cache and the figures."""
    copies = Post.objects.bulk_create(
        [
            Post(
                page_id=page_id,
                author=actor,
                category_id=source.category_id,
                title=source.title,
                body=source.body,
                search_text=source.search_text,
                source_url=source.source_url,
                tags=source.tags,
                state=S.PUBLISHED,
                publish_at=at,
                published_at=at,
                regulation_id=source.regulation_id,
            )
            for page_id in page_ids
        ]
    )
    record_starts(copies, by=actor, reason=reason, at=at)
    return copies
