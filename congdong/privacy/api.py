"""Personal data in the JSON API. Citizens: their consents (list, withdraw), a copy of their data
(ZIP), correction, account deletion, requests (send, list). Data protection officers of the
central unit: the requests (list, read, take, answer, refuse). Every call goes through
`congdong.privacy.actions`; `access_data_request` answers 404 to everyone else. And the mobile
apps' phone sign-in, which signs a new number up with its consent (`signup.phone_login`)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from congdong.accounts.api import TokenOut, account_summary
from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.api import MAX_OFFSET
from congdong.core.casework.api import CaseTransitionOut, case_list
from congdong.core.web import client_ip
from congdong.privacy import actions, export, queries, signup
from congdong.privacy.models import (
    Channel,
    ConsentPurpose,
    DataRequest,
    RequestKind,
    RequestState,
)

router = Router(tags=["privacy"])
API = Channel.API


class ConsentOut(Schema):
    id: int
    purpose: ConsentPurpose
    purpose_label: str
    policy_version: str
    reference: str
    given_at: datetime.datetime
    how: str
    withdrawn_at: datetime.datetime | None
    withdrawable: bool

    @staticmethod
    def resolve_purpose_label(item) -> str:
        return str(ConsentPurpose(item.purpose).label)


class RequestOut(Schema):
    id: int
    code: str
    kind: RequestKind
    text: str
    state: RequestState
    answer: str
    self_service: bool
    received_at: datetime.datetime
    due_at: datetime.datetime
    answered_at: datetime.datetime | None
    overdue: bool

    resolve_overdue = staticmethod(queries.CASES.is_late)


class RequestTransitionOut(CaseTransitionOut):
    pass


class StaffRequestOut(RequestOut):
    citizen_id: int
    citizen_name: str
    handled_by_id: int | None

    @staticmethod
    def resolve_citizen_name(item: DataRequest) -> str:
        return item.citizen.full_name


class StaffRequestDetailOut(StaffRequestOut):
    history: list[RequestTransitionOut]

    resolve_history = staticmethod(queries.history)


class StaffRequestListItemOut(Schema):
    """A request in the officers' list: no text (open the request to read it, which is logged
    in the audit log)."""

    id: int
    code: str
    kind: RequestKind
    state: RequestState
    self_service: bool
    received_at: datetime.datetime
    due_at: datetime.datetime
    answered_at: datetime.datetime | None
    overdue: bool
    citizen_id: int
    citizen_name: str
    handled_by_id: int | None

    resolve_overdue = staticmethod(queries.CASES.is_late)

    @staticmethod
    def resolve_citizen_name(item: DataRequest) -> str:
        return item.citizen.full_name


class StaffListOut(Schema):
    count: int
    items: list[StaffRequestListItemOut]


class ProfileOut(Schema):
    full_name: str
    date_of_birth: datetime.date | None
    phone: str | None


class CorrectIn(Schema):
    full_name: str
    date_of_birth: datetime.date | None = None


class DeleteIn(Schema):
    understood: bool = False
    word: str = ""


class RequestIn(Schema):
    kind: str
    text: str


class AnswerIn(Schema):
    answer: str


class RefuseIn(Schema):
    reason: str


class PhoneVerifyIn(Schema):
    phone: str
    code: str
    # Only for a number without an account yet (the web's third step asks for these).
    full_name: str = ""
    date_of_birth: datetime.date | None = None
    # A new number: true when the citizen agreed to the privacy policy in force (required), and
    # to the optional daily SMS digest.
    consent: bool = False
    digest: bool = False
    device: str = Field("", max_length=100, description="A name for the token, e.g. the phone")


@router.get("/privacy/consents", response=list[ConsentOut], auth=TOKEN_OR_SESSION)
def consent_list(request: HttpRequest):
    """The caller's consents, newest first, withdrawn ones included."""
    actions.check_citizen(request.user)
    return queries.consents_of(request.user)


@router.post("/privacy/consents/{consent_id}/withdraw", response=ConsentOut, auth=TOKEN_OR_SESSION)
def consent_withdraw(request: HttpRequest, consent_id: int):
    """Withdraw an optional consent (the digest); the account's is withdrawn by deleting it."""
    return actions.withdraw(request.user, consent_id, how=API)


@router.post(
    "/privacy/export",
    auth=TOKEN_OR_SESSION,
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "A ZIP of JSON files and a README.txt",
                "content": {"application/zip": {}},
            }
        }
    },
)
def export_zip(request: HttpRequest) -> HttpResponse:
    """A copy of the caller's data: a ZIP of JSON files with a README in Vietnamese."""
    now = timezone.now()
    content = actions.download(request.user, how=API, now=now)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(now)}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/privacy/profile", response=ProfileOut, auth=TOKEN_OR_SESSION)
def correct(request: HttpRequest, body: CorrectIn):
    """Correct full name and date of birth (the phone number is changed by no one here)."""
    return actions.correct(request.user, body.full_name, body.date_of_birth, how=API)


@router.post("/privacy/account/delete", response={204: None}, auth=TOKEN_OR_SESSION)
def delete_account(request: HttpRequest, body: DeleteIn) -> Status[None]:
    """Delete the caller's account: `understood` true and `word` "XÓA". What is erased and what
    the law requires to keep is on /cong-dan/du-lieu-ca-nhan/xoa-tai-khoan/."""
    actions.delete_account(request.user, body.understood, body.word, how=API)
    return Status(204, None)


@router.get("/privacy/requests", response=list[RequestOut], auth=TOKEN_OR_SESSION)
def request_list(request: HttpRequest):
    """The caller's requests (their self-service acts included), newest first."""
    actions.check_citizen(request.user)
    return list(queries.requests_of(request.user)[:200])


@router.post("/privacy/requests", response={201: RequestOut}, auth=TOKEN_OR_SESSION)
def request_create(request: HttpRequest, body: RequestIn):
    """Send a request about one's data; answered within 2 working days."""
    return Status(201, actions.submit(request.user, body.kind, body.text, how=API))


@router.get("/privacy/staff/requests", response=StaffListOut, auth=TOKEN_OR_SESSION)
def staff_list(
    request: HttpRequest,
    open_only: bool = Query(False, description="only requests still to answer"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """All citizens' requests, for data protection officers of the central unit (others: an
    empty list). Nearest deadline first."""
    return case_list(queries.CASES, request.user, limit, offset, open_only=open_only)


@router.get(
    "/privacy/staff/requests/{request_id}", response=StaffRequestDetailOut, auth=TOKEN_OR_SESSION
)
def staff_detail(request: HttpRequest, request_id: int):
    """One request with the citizen's text; every call is a reading, in the audit log."""
    item = queries.access_data_request(request.user, request_id)
    actions.log_read(request.user, item, client_ip(request), api=True)
    return item


@router.post(
    "/privacy/staff/requests/{request_id}/take", response=StaffRequestOut, auth=TOKEN_OR_SESSION
)
def staff_take(request: HttpRequest, request_id: int):
    return actions.take(request.user, request_id)


@router.post(
    "/privacy/staff/requests/{request_id}/answer", response=StaffRequestOut, auth=TOKEN_OR_SESSION
)
def staff_answer(request: HttpRequest, request_id: int, body: AnswerIn):
    return actions.answer(request.user, request_id, body.answer)


@router.post(
    "/privacy/staff/requests/{request_id}/refuse", response=StaffRequestOut, auth=TOKEN_OR_SESSION
)
def staff_refuse(request: HttpRequest, request_id: int, body: RefuseIn):
    return actions.refuse(request.user, request_id, body.reason)


# The other steps of the apps' sign-in (`/auth/phone/start`, `/auth/logout`) are congdong.accounts'.
# The operation id is the one this endpoint had there, so the OpenAPI document did not change.
@router.post(
    "/auth/phone/verify",
    response=TokenOut,
    tags=["auth"],
    operation_id="congdong_accounts_api_phone_verify",
)
def phone_verify(request: HttpRequest, body: PhoneVerifyIn) -> dict:
    """Exchange the code for a bearer token (`Authorization: Bearer <token>`), shown only now.
    A new number also needs `full_name`, `date_of_birth` and `consent: true` (the privacy policy
    at /chinh-sach-bao-ve-du-lieu/): without them the answer is 400 on `full_name` or `consent`
    and the code stays valid, to be sent again with them."""
    user, issued = signup.phone_login(
        body.phone,
        body.code,
        body.full_name,
        body.date_of_birth,
        body.device,
        consent=body.consent,
        digest=body.digest,
        ip=client_ip(request),
    )
    return {"token": issued.key, "user": account_summary(user)}
