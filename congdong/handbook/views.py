"""Staff screens: the handbook (read, edit, history, compare) and the experience board
(list and filter, post, answer, decide). Every write goes through `congdong.handbook.actions`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.web import form_error, posted_form, posted_move
from congdong.handbook import actions, queries
from congdong.handbook.forms import (
    BoardFilterForm,
    BoardPostForm,
    DecideForm,
    NewPageForm,
    PageEditForm,
    ReplyForm,
    VersionDecisionForm,
)
from congdong.handbook.models import BoardKind, BoardState, RevisionState
from congdong.handbook.text import line_diff, render_markdown

# --- handbook -------------------------------------------------------------------------------


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Every page of the handbook; central admins also start a new one here."""
    editor = queries.can_edit_handbook(request.user)
    form = NewPageForm(request.POST if request.method == "POST" else None) if editor else None
    if request.method == "POST":
        if form is None:
            queries.access_handbook_editor(request.user)  # raises: only central admins
        elif done := posted_form(
            request,
            form,
            lambda data: actions.create_page(
                request.user,
                data["slug"],
                data["title"],
                data["body"],
                kind=data["kind"],
                order=data["order"],
            ),
            _(
                "The page is created as a proposal: staff read it once another admin "
                "of the central unit publishes it."
            ),
            lambda page: ("handbook:page", page.slug),
        ):
            return done
    return render(
        request,
        "handbook/index.html",
        {"pages": queries.handbook_pages(request.user), "form": form, "editor": editor},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """The published version; editors also see that a newer one waits for a decision."""
    handbook_page = queries.access_handbook_page(request.user, slug)
    revision = queries.published_revision(handbook_page)
    editor = queries.can_edit_handbook(request.user)
    latest = queries.latest_revision(handbook_page) if editor else None
    return render(
        request,
        "handbook/page.html",
        {
            "page": handbook_page,
            "revision": revision,
            "html": render_markdown(revision.body if revision else ""),
            "editor": editor,
            "proposed": latest if latest and latest.state == RevisionState.PROPOSED else None,
        },
    )


@staff_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """A new revision of the page: central admins only (403 for everyone else)."""
    queries.access_handbook_editor(request.user)
    handbook_page = queries.access_handbook_page(request.user, slug)
    latest = queries.latest_revision(handbook_page)
    initial = {
        "title": handbook_page.title,
        "body": latest.body if latest else "",
        "base": latest.number if latest else 0,
    }
    form = PageEditForm(request.POST if request.method == "POST" else None, initial=initial)
    done = posted_form(  # None on GET: the form is unbound
        request,
        form,
        lambda data: actions.edit_page(
            request.user, slug, data["title"], data["body"], note=data["note"], base=data["base"]
        ),
        lambda revision: (
            _(
                "Saved as revision %(number)d, proposed: staff keep reading the published "
                "text until another admin of the central unit publishes it."
            )
            % {"number": revision.number}
        ),
        ("handbook:page", slug),
    )
    if done:
        return done
    return render(
        request,
        "handbook/edit.html",
        {"page": handbook_page, "form": form, "latest": latest},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    handbook_page = queries.access_handbook_page(request.user, slug)
    return render(
        request,
        "handbook/history.html",
        {"page": handbook_page, "revisions": queries.revisions(request.user, handbook_page)},
    )


def _revision(
    request: HttpRequest,
    slug: str,
    number: int,
    form: VersionDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    old = queries.access_revision(request.user, slug, number)
    latest = queries.published_revision(old.page)
    may_decide = queries.may_publish(request.user, old)
    return render(
        request,
        "handbook/revision.html",
        {
            "page": old.page,
            "revision": old,
            "latest": latest,
            "html": render_markdown(old.body),
            "decide_form": (form or VersionDecisionForm()) if may_decide else None,
            "wrote_it": request.user.pk in queries.revision_writers(old),
        },
        status=status,
    )


@staff_required
def revision(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A version as readers saw it (or, proposed, as they will): with the publish and send
    back buttons for a central admin who wrote none of it."""
    return _revision(request, slug, number)


@staff_required
@require_POST
def revision_decide(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Publish a proposed version or send it back (403 for whoever wrote it)."""
    queries.access_revision_to_decide(request.user, slug, number)
    form = VersionDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.decide_version(
                request.user, slug, number, data["decision"], data["note"]
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            if done.state == RevisionState.PUBLISHED:
                messages.success(
                    request, _("Version %(number)d is published.") % {"number": number}
                )
                return redirect("handbook:page", slug=slug)
            messages.success(request, _("Version %(number)d is sent back.") % {"number": number})
            return redirect("handbook:history", slug=slug)
    return _revision(request, slug, number, form=form, status=400)


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


@staff_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed from revision `a` to revision `b` (?a=2&b=5), line by line."""
    a = queries.access_revision(request.user, slug, _number(request.GET.get("a")))
    b = queries.access_revision(request.user, slug, _number(request.GET.get("b")))
    if a.number > b.number:
        a, b = b, a  # always older → newer
    return render(
        request,
        "handbook/compare.html",
        {
            "page": a.page,
            "a": a,
            "b": b,
            "title_changed": a.title != b.title,
            "lines": line_diff(a.body, b.body),
        },
    )


# --- experience board -----------------------------------------------------------------------


@staff_required
def board(request: HttpRequest) -> HttpResponse:
    """Posts the user sees (their units and below), filtered; and a new post of their own."""
    units = queries.role_units(request.user)
    filters = BoardFilterForm(request.GET or None, units=queries.filter_units(request.user))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    form = BoardPostForm(request.POST if request.method == "POST" else None, units=units)
    done = posted_form(  # None on GET: the form is unbound
        request,
        form,
        lambda data: actions.create_post(
            request.user, data["unit"], data["kind"], data["title"], data["body"]
        ),
        _("Posted. Staff of the units above can now answer it."),
        lambda post: ("handbook:board-post", post.pk),
    )
    if done:
        return done
    posts = queries.visible_posts(
        request.user,
        queries.BoardFilter(
            kind=chosen.get("kind") or "",
            unit_id=chosen.get("unit"),
            state=chosen.get("state") or "",
        ),
    )
    return render(
        request,
        "handbook/board.html",
        {"posts": list(posts[:100]), "filters": filters, "form": form, "units": units},
        status=400 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest,
    post_id: int,
    reply_form: ReplyForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    post = queries.access_board_post(request.user, post_id)
    answering = queries.answering_unit(request.user, post)
    can_decide = (
        answering is not None
        and post.kind == BoardKind.PROPOSAL
        and post.state == BoardState.OPEN
        and post.author_id != request.user.pk
    )
    return render(
        request,
        "handbook/board_post.html",
        {
            "post": post,
            "replies": queries.replies(post),
            "transitions": queries.transitions(post),
            "answering": answering,
            "reply_form": (reply_form or ReplyForm()) if answering else None,
            "decide_form": (decide_form or DecideForm()) if can_decide else None,
        },
        status=status,
    )


@staff_required
def board_post(request: HttpRequest, post_id: int) -> HttpResponse:
    return _detail(request, post_id)


@staff_required
@require_POST
def board_reply(request: HttpRequest, post_id: int) -> HttpResponse:
    queries.access_post_to_answer(request.user, post_id)  # 404 / 403 before reading the form
    form = ReplyForm(request.POST)
    return posted_move(
        request,
        form,
        lambda data: actions.reply(request.user, post_id, data["body"]),
        _("Your answer is posted."),
        ("handbook:board-post", post_id),
        lambda: _detail(request, post_id, reply_form=form, status=400),
    )


@staff_required
@require_POST
def board_decide(request: HttpRequest, post_id: int) -> HttpResponse:
    queries.access_post_to_answer(request.user, post_id)
    form = DecideForm(request.POST)
    return posted_form(
        request,
        form,
        lambda data: actions.decide(request.user, post_id, data["decision"], data["note"]),
        lambda post: _("The proposal is marked %(state)s.") % {"state": post.get_state_display()},
        ("handbook:board-post", post_id),
    ) or _detail(request, post_id, decide_form=form, status=400)
