"""Feedback in the API for citizens: send, follow, reopen or close their items; anyone reads
a unit's public answers."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.api import Pages
from congdong.core.links import absolute_url
from congdong.core.private_files import serve_file
from congdong.core.web import client_ip
from congdong.feedback import actions as feedback_actions
from congdong.feedback import queries as feedback_queries
from congdong.feedback.models import (
    AccessKind,
    Feedback,
    FeedbackState,
)
from congdong.privacy.models import Channel
from congdong.units.queries import get_unit

router = Router(tags=["feedback"])
# Sending is one multipart request (the fields as form fields, up to five files as `files`), so
# an item never exists without the files its sender meant to attach. Every value is taken as
# given and checked by `actions.submit`, which answers bad input with a 400 and a message in
# the caller's language (`{"detail", "field"}`), never with a bare validation error.


class CitizenCategoryOut(Schema):
    id: int
    slug: str
    name: str


class CitizenSendIn(Schema):
    unit_id: int | None = None
    category_id: int | None = None
    text: str = ""
    public: bool = False
    urgent: bool = False
    consent: bool = False  # the consent text of settings.FEEDBACK_CONSENT_VERSION
    place: str = ""
    latitude: str = ""
    longitude: str = ""

    @field_validator("unit_id", "category_id", mode="before")
    @classmethod
    def _id_or_none(cls, value: Any) -> Any:
        # An empty or non-numeric choice is "not chosen", which the action refuses with its
        # own message (a 400 naming the field), rather than a bare validation error.
        text = str(value).strip() if value is not None else ""
        return int(text) if text.isdigit() else None

    @field_validator("public", "urgent", "consent", mode="before")
    @classmethod
    def _yes_or_no(cls, value: Any) -> bool:
        # Anything but a clear yes is no: a consent not clearly given is refused by the action.
        return str(value).strip().lower() in {"true", "1", "on", "yes"}


class CitizenFileOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    url: str  # streamed to the sender and to officers handling the item only


class CitizenStepOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    from_unit: str
    to_unit: str
    reason: str
    at: datetime.datetime


class CitizenFeedbackOut(Schema):
    id: int
    code: str
    state: str
    state_label: str
    unit_id: int
    unit_name: str
    category_id: int
    category: str
    text: str
    public: bool
    urgent: bool
    place: str
    latitude: float | None
    longitude: float | None
    created_at: datetime.datetime
    accept_due: datetime.datetime
    answer_due: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None
    reject_reason: str
    closed_at: datetime.datetime | None
    reopen_until: datetime.datetime | None  # set once answered
    url: str


class CitizenFeedbackDetailOut(CitizenFeedbackOut):
    files: list[CitizenFileOut]
    history: list[CitizenStepOut]


class CitizenReopenIn(Schema):
    reason: str = ""


class PublicAnswerOut(Schema):
    """An answered public item: what was asked and the answer, never who asked."""

    category: str
    text: str
    answer: str
    answered_at: datetime.datetime
    unit_name: str


class _Mapped:
    """A queryset that `paginate` counts and slices, turning only the page it keeps into dicts."""

    def __init__(self, rows: Any, out: Callable[[Any], dict]) -> None:
        self.rows, self.out = rows, out

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, part: slice) -> list[dict]:
        return [self.out(row) for row in self.rows[part]]


def _citizen_item(request: HttpRequest, item: Feedback) -> dict:
    until = None
    if item.answered_at is not None:
        until = item.answered_at + datetime.timedelta(days=settings.FEEDBACK_REOPEN_DAYS)
    return {
        "id": item.pk,
        "code": item.code,
        "state": item.state,
        "state_label": str(FeedbackState(item.state).label),
        "unit_id": item.unit_id,
        "unit_name": item.unit.full_name,
        "category_id": item.category_id,
        "category": item.category.name,
        "text": item.text,
        "public": item.public,
        "urgent": item.urgent,
        "place": item.place,
        "latitude": float(item.latitude) if item.latitude is not None else None,
        "longitude": float(item.longitude) if item.longitude is not None else None,
        "created_at": item.created_at,
        "accept_due": item.accept_due,
        "answer_due": item.answer_due,
        "answer": item.answer,
        "answered_at": item.answered_at,
        "reject_reason": item.reject_reason,
        "closed_at": item.closed_at,
        "reopen_until": until,
        "url": absolute_url(reverse("feedback:item", args=[item.pk])),
    }


def _citizen_detail(request: HttpRequest, item: Feedback) -> dict:
    files = [
        {
            "id": f.pk,
            "kind": f.kind,
            "name": f.original_name,
            "size": f.size,
            "url": absolute_url(reverse("api:feedback_attachment", kwargs={"attachment_id": f.pk})),
        }
        for f in item.attachments.all()
    ]
    history = [
        {
            "action": t.action,
            "label": str(t.get_action_display()),
            "from_state": t.from_state,
            "to_state": t.to_state,
            "from_unit": t.from_unit.full_name,
            "to_unit": t.to_unit.full_name,
            "reason": t.reason,
            "at": t.at,
        }
        for t in feedback_queries.history(item)
    ]
    return _citizen_item(request, item) | {"files": files, "history": history}


@router.get("/feedback/categories", response=list[CitizenCategoryOut])
def feedback_categories(request: HttpRequest) -> list:
    """The categories a citizen chooses from when sending feedback, in order."""
    return feedback_queries.categories()


@router.post("/feedback", response={201: CitizenFeedbackDetailOut}, auth=TOKEN_OR_SESSION)
def send_feedback(
    request: HttpRequest,
    data: Form[CitizenSendIn],
    files: File[list[UploadedFile]] = None,
) -> Status[dict]:
    """Send feedback (multipart/form-data) to a unit of the structure in force, as a
    phone-verified citizen under the daily limit (429 past it). `consent` must be true: the
    sender agrees to the processing of their personal data (Law 91/2025/QH15). `files`: up to
    five pictures or PDF documents. The answer carries the tracking `code`."""
    item = feedback_actions.submit(
        request.user,
        data.unit_id or 0,
        data.category_id or 0,
        data.text,
        public=data.public,
        consent=data.consent,
        urgent=data.urgent,
        location={"lat": data.latitude, "lng": data.longitude, "place": data.place},
        files=files or [],
        channel=Channel.API,
        ip=client_ip(request),
    )
    item = feedback_queries.access_own_feedback(request.user, item.pk)
    return Status(201, _citizen_detail(request, item))


@router.get("/me/feedback", response=list[CitizenFeedbackOut], auth=TOKEN_OR_SESSION)
@paginate(Pages, page_size=20)
def my_feedback(request: HttpRequest) -> _Mapped:
    """The caller's feedback, newest first."""
    return _Mapped(feedback_queries.sent_by(request.user), lambda i: _citizen_item(request, i))


@router.get("/me/feedback/{feedback_id}", response=CitizenFeedbackDetailOut, auth=TOKEN_OR_SESSION)
def my_feedback_item(request: HttpRequest, feedback_id: int) -> dict:
    """One of the caller's items with its files and history; 404 for anyone else's."""
    item = feedback_queries.access_own_feedback(request.user, feedback_id)
    return _citizen_detail(request, item)


@router.post(
    "/me/feedback/{feedback_id}/reopen", response=CitizenFeedbackDetailOut, auth=TOKEN_OR_SESSION
)
def reopen_feedback(request: HttpRequest, feedback_id: int, body: CitizenReopenIn) -> dict:
    """Not satisfied with the answer: reopen within FEEDBACK_REOPEN_DAYS days of it, saying
    why (at least 5 characters)."""
    feedback_actions.reopen(request.user, feedback_id, body.reason)
    return _citizen_detail(request, feedback_queries.access_own_feedback(request.user, feedback_id))


@router.post(
    "/me/feedback/{feedback_id}/close", response=CitizenFeedbackDetailOut, auth=TOKEN_OR_SESSION
)
def close_feedback(request: HttpRequest, feedback_id: int) -> dict:
    """Satisfied with the answer: close the item now."""
    feedback_actions.close(request.user, feedback_id)
    return _citizen_detail(request, feedback_queries.access_own_feedback(request.user, feedback_id))


@router.get("/feedback/track", response=CitizenFeedbackDetailOut, auth=TOKEN_OR_SESSION)
def track_feedback(request: HttpRequest, code: str = "") -> dict:
    """The item with this tracking code, for its sender or an officer handling it (whose
    reading is logged); 404 for anyone else, exactly as for a code that does not exist."""
    item = feedback_queries.find_by_code(request.user, code)
    feedback_actions.log_access(request.user, item, AccessKind.API, client_ip(request))
    return _citizen_detail(request, item)


@router.get(
    "/feedback/attachments/{attachment_id}",
    auth=TOKEN_OR_SESSION,
    url_name="feedback_attachment",
    response={200: None},
)
def feedback_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file sent with an item, for its sender or an officer handling it (logged); 404 for
    anyone else."""
    found, item = feedback_queries.access_attachment(request.user, attachment_id)
    feedback_actions.log_access(request.user, item, AccessKind.ATTACHMENT, client_ip(request))
    # From the private storage; documents are downloaded, never opened here.
    return serve_file(found.file, found.content_type, download_name=found.download_name)


@router.get("/public/units/{unit_id}/feedback-answers", response=list[PublicAnswerOut])
@paginate(Pages, page_size=20)
def public_feedback_answers(request: HttpRequest, unit_id: int) -> _Mapped:
    """Answers the unit published, newest first, without anything about who asked."""
    answers = feedback_queries.public_answers(get_unit(unit_id))
    return _Mapped(
        answers,
        lambda item: {
            "category": item.category.name,
            "text": item.text,
            "answer": item.answer,
            "answered_at": item.answered_at,
            "unit_name": item.unit.full_name,
        },
    )
