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


class TokenOut(Schema):
    token: str
    user: MeOut


def account_summary(user: User) -> dict:
    """The account as `MeOut` shows it (also the user of a `TokenOut`)."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "kind": user.kind,
        "memberships": list(queries.memberships_of(user)),
    }


@router.get("/me", response=MeOut, auth=tokens.TOKEN_OR_SESSION)
def me(request: HttpRequest) -> dict:
    return account_summary(request.user)


# The code is exchanged for a token at `/auth/phone/verify`, which signs a new number up with its
# consent: congdong.privacy.api's.
@router.post("/auth/phone/start", response=PhoneSentOut, tags=["auth"])
def phone_start(request: HttpRequest, body: PhoneIn) -> dict:
    """Send a 6-digit code by SMS to a Vietnamese mobile number (same limits as the web)."""
    return {"phone": actions.request_code(body.phone, client_ip(request))}


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
