import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from congdong.accounts import actions, queries, tokens
from congdong.accounts.models import Membership, User
from congdong.accounts.roles import Role
from congdong.core.web import client_ip

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    username: str = Field(..., alias="user.username")
    organisation: str = Field(..., alias="organisation.code")
    unit_id: int
    unit_name: str = Field(..., alias="unit.full_name")
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    kind: str
    memberships: list[MembershipOut]


class GrantIn(Schema):
    unit_id: int
    username: str
    role: Role
    organisation: str = "mttq"


class NewStaffIn(Schema):
    unit_id: int
    username: str
    full_name: str
    password: str
    role: Role
    organisation: str = "mttq"


class PhoneIn(Schema):
    phone: str


class PhoneSentOut(Schema):
    phone: str  # normalised, to send back with the code


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


class TokenOut(Schema):
    token: str
    user: MeOut


def _me(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "kind": user.kind,
        "memberships": list(queries.memberships_of(user)),
    }


@router.get("/me", response=MeOut, auth=tokens.TOKEN_OR_SESSION)
def me(request: HttpRequest) -> dict:
    return _me(request.user)


@router.post("/auth/phone/start", response=PhoneSentOut, tags=["auth"])
def phone_start(request: HttpRequest, body: PhoneIn) -> dict:
    """Send a 6-digit code by SMS to a Vietnamese mobile number (same limits as the web)."""
    return {"phone": actions.request_code(body.phone, client_ip(request))}


@router.post("/auth/phone/verify", response=TokenOut, tags=["auth"])
def phone_verify(request: HttpRequest, body: PhoneVerifyIn) -> dict:
    """Exchange the code for a bearer token (`Authorization: Bearer <token>`), shown only now.
    A new number also needs `full_name`, `date_of_birth` and `consent: true` (the privacy policy
    at /chinh-sach-bao-ve-du-lieu/): without them the answer is 400 on `full_name` or `consent`
    and the code stays valid, to be sent again with them."""
    user, issued = tokens.phone_login(
        body.phone,
        body.code,
        body.full_name,
        body.date_of_birth,
        body.device,
        consent=body.consent,
        digest=body.digest,
        ip=client_ip(request),
    )
    return {"token": issued.key, "user": _me(user)}


@router.post("/auth/logout", response={204: None}, auth=tokens.api_token, tags=["auth"])
def logout(request: HttpRequest) -> Status[None]:
    """Revoke the token this request carries."""
    tokens.do_revoke_token(request.api_token)
    return Status(204, None)


@router.post("/memberships", response={201: MembershipOut}, auth=django_auth)
def grant(request: HttpRequest, body: GrantIn) -> Status[Membership]:
    """Grant a role on a unit; the caller must be a unit admin there or above."""
    membership = actions.grant_role(
        request.user, body.unit_id, body.username, body.role, body.organisation
    )
    return Status(201, membership)


@router.delete("/memberships/{membership_id}", response={204: None}, auth=django_auth)
def revoke(request: HttpRequest, membership_id: int) -> Status[None]:
    actions.revoke_role(request.user, membership_id)
    return Status(204, None)


@router.post("/staff", response={201: MembershipOut}, auth=django_auth)
def new_staff(request: HttpRequest, body: NewStaffIn) -> Status[Membership]:
    """Create a staff account with a role on a unit; the caller must be a unit admin there."""
    membership = actions.create_staff(
        request.user,
        body.unit_id,
        body.username,
        body.full_name,
        body.password,
        body.role,
        body.organisation,
    )
    return Status(201, membership)
