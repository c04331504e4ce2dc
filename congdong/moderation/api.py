"""Moderation over the API: citizens report; moderators read their queue and decide; authors
appeal; moderators above decide appeals. Errors are the house JSON (`detail`, `field`)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.api import Id
from congdong.core.web import client_ip
from congdong.moderation import actions, queries
from congdong.moderation.models import (
    Appeal,
    AppealState,
    Case,
    CaseState,
    ModerationAccessKind,
    ReportReason,
)

router = Router(tags=["moderation"])


class ReportIn(Schema):
    kind: Literal["post", "comment"]
    id: int
    reason: ReportReason
    text: str = ""


class ReportOut(Schema):
    case_id: int
    reporters: int
    hidden: bool
    # Official content (a verified page's) is never hidden by reports: it is urgent instead.
    urgent: bool = False


class ReportLine(Schema):
    reason: ReportReason
    text: str
    created_at: datetime.datetime


class CaseOut(Schema):
    id: int
    item_key: str
    kind: str
    post_id: int | None
    comment_id: int | None
    unit_id: int
    unit_name: str
    state: CaseState
    reporters: int
    hidden_until_reviewed: bool
    urgent: bool = False
    opened_at: datetime.datetime
    decided_at: datetime.datetime | None
    reason: str
    reports: list[ReportLine] = []


def _case(case: Case) -> dict:
    return {
        "id": case.pk,
        "item_key": case.item_key,
        "kind": "comment" if case.is_comment else "post",
        "post_id": case.post_id,
        "comment_id": case.comment_id,
        "unit_id": case.unit_id,
        "unit_name": case.unit.full_name,
        "state": case.state,
        "reporters": case.reporters,
        "hidden_until_reviewed": case.auto_hidden_at is not None and case.state == CaseState.OPEN,
        "urgent": case.urgent_at is not None and case.state == CaseState.OPEN,
        "opened_at": case.opened_at,
        "decided_at": case.decided_at,
        "reason": case.reason,
        "reports": [
            {"reason": r.reason, "text": r.text, "created_at": r.created_at}
            for r in getattr(case, "report_list", [])
        ],
    }


class DecideIn(Schema):
    case_ids: list[Id]
    decision: Literal["keep", "remove"]
    reason: str = ""


class Refused(Schema):
    case_id: int
    detail: str


class DecideOut(Schema):
    decided: list[CaseOut]
    refused: list[Refused]


class AppealIn(Schema):
    text: str


class AppealOut(Schema):
    id: int
    case_id: int
    state: AppealState
    text: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    reason: str


class AppealDecisionIn(Schema):
    decision: Literal["upheld", "overturned"]
    reason: str


@router.post("/moderation/reports", response={201: ReportOut}, auth=TOKEN_OR_SESSION)
def report(request: HttpRequest, body: ReportIn):
    """Report a published post or a visible comment (once per item; rate-limited)."""
    made = actions.report(request.user, body.kind, body.id, body.reason, body.text)
    case = Case.objects.get(pk=made.case_id)
    return Status(
        201,
        {
            "case_id": case.pk,
            "reporters": case.reporters,
            "hidden": case.auto_hidden_at is not None,
            "urgent": case.urgent_at is not None,
        },
    )


@router.get("/moderation/queue", response=list[CaseOut], auth=TOKEN_OR_SESSION)
def queue(request: HttpRequest) -> list[dict]:
    """Cases waiting for review in the caller's subtrees (MODERATE): urgent ones (official
    content reported) first, then the most reported."""
    cases = queries.queue(request.user)
    actions.log_queue_shown(request.user, cases, client_ip(request))
    return [_case(c) for c in cases]


@router.post("/moderation/decisions", response=DecideOut, auth=TOKEN_OR_SESSION)
def decide(request: HttpRequest, body: DecideIn) -> dict:
    """Keep or remove one or many cases; each is decided on its own."""
    done, refused = actions.decide_many(request.user, body.case_ids, body.decision, body.reason)
    return {
        "decided": [_case(c) for c in done],
        "refused": [{"case_id": i, "detail": m} for i, m in refused],
    }


@router.get("/moderation/mine", response=list[CaseOut], auth=TOKEN_OR_SESSION)
def mine(request: HttpRequest) -> list[dict]:
    """Decisions about the caller's own content."""
    return [_case(c) for c in queries.cases_about(request.user)]


@router.post("/moderation/cases/{case_id}/appeal", response={201: AppealOut}, auth=TOKEN_OR_SESSION)
def appeal(request: HttpRequest, case_id: int, body: AppealIn):
    """The author appeals a removal, once."""
    return Status(201, actions.appeal(request.user, case_id, body.text))


@router.get("/moderation/appeals", response=list[AppealOut], auth=TOKEN_OR_SESSION)
def appeals(request: HttpRequest) -> list[Appeal]:
    rows = queries.appeals_to_decide(request.user)
    # Each appeal's text is returned: one access row per appeal (its case).
    actions.log_accesses(
        request.user, [a.case for a in rows], ModerationAccessKind.APPEAL, client_ip(request)
    )
    return rows


@router.post("/moderation/appeals/{appeal_id}/decision", response=AppealOut, auth=TOKEN_OR_SESSION)
def decide_appeal(request: HttpRequest, appeal_id: int, body: AppealDecisionIn) -> Appeal:
    made = actions.decide_appeal(
        request.user, appeal_id, body.decision == "overturned", body.reason
    )
    # The answer carries the appeal's text back to the moderator: read, so logged.
    actions.log_accesses(request.user, [made.case], ModerationAccessKind.APPEAL, client_ip(request))
    return made
