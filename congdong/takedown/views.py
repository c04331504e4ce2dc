"""Staff screens for takedown requests: the list (scoped, overdue first in view), the intake
form, and a request's screen with its timer, history and the act and refuse forms — the shared
deadline casework (`core.casework`) with the takedown's wording. Reads go through
`access_takedown` (others get 404); writes through `congdong.takedown.actions`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.accounts.views import staff_required
from congdong.core.casework import views as casework
from congdong.core.casework.cases import Timer  # noqa: F401  (the countdown, Decree 147/2024)
from congdong.core.casework.forms import RefuseForm
from congdong.core.numbers import format_datetime
from congdong.takedown import actions
from congdong.takedown.forms import ActForm, IntakeForm
from congdong.takedown.queries import CASES

SCREEN = casework.Screens(
    CASES,
    "takedown/detail.html",
    {"act": ActForm, "refuse": RefuseForm},
    guard=staff_required,
)


@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests the user handles, undecided first by deadline, then the decided ones."""
    return casework.case_list(request, CASES, "takedown/list.html", hours=settings.TAKEDOWN_HOURS)


@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    return casework.record(
        request,
        CASES,
        "takedown/intake.html",
        IntakeForm,
        create=lambda data: actions.intake(request.user, data),
        check=lambda data: actions.check_intake(request.user, data),
        done=lambda item: (
            _("The request was recorded; it must be decided by %(due)s.")
            % {"due": format_datetime(item.due_at)}
        ),
        initial={k: request.GET[k] for k in ("target_kind", "target_id") if k in request.GET},
    )


detail = SCREEN.detail_view()
act = SCREEN.move_view(
    "act", actions.act, "note", gettext_lazy("The content was removed and the action recorded.")
)
refuse = SCREEN.move_view(
    "refuse",
    actions.refuse,
    "reason",
    gettext_lazy("The refusal and its legal reason were recorded."),
)
