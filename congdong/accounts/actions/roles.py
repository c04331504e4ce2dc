"""Granting and revoking roles, and creating staff accounts, inside the actor's subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congdong.accounts.models import (
    AccountKind,
    Membership,
    MembershipChange,
    Organisation,
    User,
)
from congdong.accounts.queries import AnyUser, access_membership, access_unit
from congdong.accounts.roles import Permission, Role
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import line
from congdong.core.write_path import checked_then_done
from congdong.units.models import Unit

MAX_NAME = User._meta.get_field("full_name").max_length


@dataclass(frozen=True)
class Grant:
    unit: Unit
    user: User
    organisation: Organisation
    role: Role


def check_grant(actor: AnyUser, unit_id: int, username: str, role: str, organisation: str) -> Grant:
    """The actor manages members on the unit; the account, role and organisation exist.

    Every field's problem is told at once."""
    unit = access_unit(actor, unit_id, Permission.MANAGE_MEMBERS)
    refusals = Refusals()
    with refusals:
        chosen = _clean_role(role)
    with refusals:
        org = _clean_organisation(organisation)
    with refusals:
        user = User.objects.filter(username=line(username), kind=AccountKind.STAFF).first()
        if user is None or not user.is_active:
            raise ActionError(
                _("There is no active staff account “%(username)s”.") % {"username": username},
                field="username",
            )
        if (
            role in Role.values
            and Membership.objects.filter(user=user, unit=unit, role=role).exists()
        ):
            raise ActionError(
                _("%(user)s already has this role at %(unit)s.")
                % {"user": user, "unit": unit.full_name},
                field="role",
            )
    refusals.raise_any()
    return Grant(unit=unit, user=user, organisation=org, role=chosen)


def _clean_role(role: str) -> Role:
    if role not in Role.values:
        raise ActionError(_("Choose a role from the list."), field="role")
    return Role(role)


def _clean_organisation(code: str) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise ActionError(_("Choose an organisation from the list."), field="organisation")
    return org


# What a grant is, on the membership and on each line of its history.
GRANTED = ("user", "organisation", "unit", "role")


def _granted(source: Grant | Membership) -> dict[str, Any]:
    return {name: getattr(source, name) for name in GRANTED}


def do_grant(actor: User, grant: Grant) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.create(**_granted(grant), granted_by=actor)
        _record(MembershipChange.Action.GRANT, actor, membership)
    return membership


def _record(action: MembershipChange.Action, actor: User | None, membership: Membership) -> None:
    MembershipChange.objects.create(action=action, actor=actor, **_granted(membership))


def grant_role(
    actor: AnyUser, unit_id: int, username: str, role: str, organisation: str
) -> Membership:
    return do_grant(actor, check_grant(actor, unit_id, username, role, organisation))


def check_revoke(actor: AnyUser, membership_id: int) -> Membership:
    membership = access_membership(actor, membership_id)
    if membership.user_id == actor.pk and membership.role == Role.UNIT_ADMIN:
        raise ActionError(_("You cannot remove your own admin role; ask the level above."))
    return membership


def do_revoke(actor: User, membership: Membership) -> None:
    with transaction.atomic():
        _record(MembershipChange.Action.REVOKE, actor, membership)
        membership.delete()


def revoke_role(actor: AnyUser, membership_id: int) -> None:
    do_revoke(actor, check_revoke(actor, membership_id))


USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


@dataclass(frozen=True)
class NewStaff:
    actor: User
    unit: Unit
    username: str
    full_name: str
    password: str
    organisation: Organisation
    role: Role


def check_create_staff(
    actor: AnyUser,
    unit_id: int,
    username: str,
    full_name: str,
    password: str,
    role: str,
    organisation: str,
) -> NewStaff:
    """A unit admin may open an account for a new colleague, with a role in their subtree.

    Every field's problem is told at once."""
    unit = access_unit(actor, unit_id, Permission.MANAGE_MEMBERS)
    username = line(username)
    name = line(full_name)
    refusals = Refusals()
    with refusals:
        _check_new_username(username)
    with refusals:
        if len(name) < 2:
            raise ActionError(_("Enter the person's full name."), field="full_name")
        if len(name) > MAX_NAME:
            raise ActionError(
                _("A name has at most %(max)d characters.") % {"max": MAX_NAME}, field="full_name"
            )
    with refusals:
        chosen = _clean_role(role)
    with refusals:
        org = _clean_organisation(organisation)
    with refusals:
        try:
            validate_password(password, User(username=username, full_name=name))
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages), field="password") from exc
    refusals.raise_any()
    return NewStaff(actor, unit, username, name, password, org, chosen)


def _check_new_username(username: str) -> None:
    if not (3 <= len(username) <= 50) or not set(username) <= USERNAME_CHARS:
        raise ActionError(
            _(
                "Usernames have 3 to 50 characters: lower-case letters without accents, digits, "
                "dots, dashes (e.g. tiendu.canbo)."
            ),
            field="username",
        )
    if User.objects.filter(username=username).exists():
        raise ActionError(
            _("The username “%(username)s” is taken.") % {"username": username}, field="username"
        )


def do_create_staff(new: NewStaff) -> Membership:
    with transaction.atomic():
        user = User(username=new.username, full_name=new.full_name, kind=AccountKind.STAFF)
        user.set_password(new.password)
        user.save()
        return do_grant(new.actor, Grant(new.unit, user, new.organisation, new.role))


create_staff = checked_then_done(
    check_create_staff,
    do_create_staff,
    name="create_staff",
    doc="Open a staff account for a new colleague with a role in the actor's subtree.",
)
