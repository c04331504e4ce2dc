from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from congdong.accounts import actions, queries
from congdong.accounts.models import Membership
from congdong.accounts.roles import Role

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


@router.get("/me", response=MeOut, auth=django_auth)
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "kind": user.kind,
        "memberships": list(queries.memberships_of(user)),
    }


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
