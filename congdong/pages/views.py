"""Staff screens of a unit's page: set it up, its profile and pictures, its state, its
co-admins. The public page and its preview put posts and engagement together, so they are
composed in congdong/site/views.py (under the same `pages:` names)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.queries import members_of
from congdong.accounts.roles import Permission
from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.web import act_and_tell, form_error, posted_form
from congdong.pages import actions, queries
from congdong.pages.forms import MoveForm, OperatorForm, PicturesForm, ProfileForm
from congdong.pages.models import PAGE_STATES, Page, PageStatus


@staff_required
@require_POST
def create(request: HttpRequest, unit_id: int) -> HttpResponse:
    page = act_and_tell(
        request,
        lambda: actions.create_page(request.user, unit_id),
        _("The page is set up. Check its profile, then open it."),
    )
    if page is None:
        return redirect("accounts:workspace-unit", unit_id=unit_id)
    return redirect("pages:settings", page_id=page.pk)


@staff_required
def settings(request: HttpRequest, page_id: int) -> HttpResponse:
    page = queries.access_page(request.user, page_id, Permission.MANAGE_PAGE)
    initial = {f: getattr(page, f) for f in ProfileForm.base_fields}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_profile(actions.check_profile(request.user, page_id, **form.cleaned_data))
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("pages:settings", page_id=page_id)
    return _settings_page(request, page, form, status=400 if form.errors else 200)


def _settings_page(
    request: HttpRequest,
    page: Page,
    form: ProfileForm | None = None,
    pictures: PicturesForm | None = None,
    operator_form: OperatorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = ProfileForm(initial={f: getattr(page, f) for f in ProfileForm.base_fields})
    moves = [PageStatus(s) for s in sorted(PAGE_STATES.next_states(page.status))]
    return render(
        request,
        "pages/settings.html",
        {
            "page": page,
            "form": form,
            "pictures": pictures or PicturesForm(),
            "operator_form": operator_form or OperatorForm(),
            "staff": members_of(page.unit),
            "operators": page.operators.select_related("user", "organisation"),
            "moves": moves,
            "needs_reason": {to for (frm, to) in PAGE_STATES.needs_reason if frm == page.status},
            "history": page.transitions.select_related("actor"),
        },
        status=status,
    )


@staff_required
@require_POST
def move(request: HttpRequest, page_id: int) -> HttpResponse:
    form = MoveForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    act_and_tell(
        request,
        lambda: actions.move_page(
            request.user, page_id, data.get("status", ""), data.get("reason", "")
        ),
        lambda page: _("The page is now %(status)s.") % {"status": PageStatus(page.status).label},
    )
    return redirect("pages:settings", page_id=page_id)


@staff_required
@require_POST
def pictures(request: HttpRequest, page_id: int) -> HttpResponse:
    form = PicturesForm(request.POST, request.FILES)
    files = form.cleaned_data if form.is_valid() else {}
    try:
        page, cleaned = actions.check_pictures(
            request.user, page_id, files.get("avatar"), files.get("cover")
        )
    except ActionError as exc:
        form_error(form, exc)
        page = queries.access_page(request.user, page_id, Permission.MANAGE_PAGE)
        return _settings_page(request, page, pictures=form, status=400)
    actions.do_pictures(page, cleaned)
    messages.success(request, _("Pictures saved."))
    return redirect("pages:settings", page_id=page_id)


@staff_required
@require_POST
def add_operator(request: HttpRequest, page_id: int) -> HttpResponse:
    form = OperatorForm(request.POST)
    done = posted_form(
        request,
        form,
        lambda data: actions.add_operator(
            request.user, page_id, data["username"], data["organisation"]
        ),
        lambda operator: _("%(user)s now co-runs this page.") % {"user": operator.user},
        ("pages:settings", page_id),
    )
    if done:
        return done
    page = queries.access_page(request.user, page_id, Permission.MANAGE_PAGE)
    return _settings_page(request, page, operator_form=form, status=400)


@staff_required
@require_POST
def remove_operator(request: HttpRequest, page_id: int, operator_id: int) -> HttpResponse:
    actions.remove_operator(request.user, page_id, operator_id)
    messages.success(request, _("Co-admin removed."))
    return redirect("pages:settings", page_id=page_id)
