"""The bench's world: a small tree of the 2025 structure, an actor for every role at every
unit (and the people without a role), each signed in with its own test client.

    C  the central unit
    A  Bắc Ninh            B  Hà Nội
    A1 A2  two of its communes   B1 B2  two of Hà Nội's

Objects are placed on C, A and A1 (see kinds.py): seen from A1, A is a parent, A2 a sibling
and B, B1, B2 are unrelated; seen from A, A1 is a child and B a sibling.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from congdong_tools.bench.authz.oracle import ROLES, Actor, Place

UNIT_NAMES = ("C", "A", "A1", "A2", "B", "B1", "B2")


@dataclass
class World:
    places: dict[str, Place]
    units: dict[str, object]  # Unit rows by name
    pages: dict[str, object]  # Page rows by unit name
    actors: list[Actor]
    users: dict[str, object]  # User rows by username
    setup: object  # a superuser who makes the objects (never an actor of the matrix)
    clients: dict[str, object] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def marker(self, kind: str) -> str:
        """Text unique to one object, shown only to those allowed to see the object."""
        return f"AZ{kind.upper().replace('-', '')[:6]}{next(self.counter):04d}Q"

    def author(self, name: str):
        """An editor of the unit who writes its posts (not an actor: approvers may decide)."""
        return self.users[f"az.author.{name}"]

    def actor(self, name: str) -> Actor:
        return next(a for a in self.actors if a.name == name)


def _place(unit) -> Place:
    parent = unit.path[: -unit.steplen] if unit.depth > 1 else ""
    return Place(name="", path=unit.path, pk=unit.pk, level=unit.level, parent=parent)


def build() -> World:
    """The tree, its pages, the accounts and their roles; objects come from kinds.py."""
    from django.utils import timezone

    from congdong.accounts.actions.roles import Grant, do_grant
    from congdong.accounts.models import AccountKind, Organisation, User
    from congdong.pages.actions import add_operator, do_establish_many
    from congdong.pages.models import Page
    from congdong.posts.default_regulation import ensure_default_regulation
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Level, Unit

    do_import_structure("2025")
    ensure_default_regulation()
    central = Unit.objects.get(structure__code="2025", depth=1)
    a = Unit.objects.get(structure__code="2025", code="24")
    b = Unit.objects.get(structure__code="2025", code="01")

    def communes(province):
        found = Unit.objects.in_subtree(province).filter(level=Level.COMMUNE).order_by("code")
        return list(found[:2])

    a1, a2 = communes(a)
    b1, b2 = communes(b)
    units = dict(zip(UNIT_NAMES, (central, a, a1, a2, b, b1, b2), strict=True))
    places = {}
    for name, unit in units.items():
        place = _place(unit)
        places[name] = Place(name, place.path, place.pk, place.level, place.parent)
    do_establish_many(list(units.values()), opened_at=timezone.now())
    pages = {name: Page.objects.get(unit=unit) for name, unit in units.items()}
    front, _ = Organisation.objects.get_or_create(
        code=Organisation.Code.FRONT, defaults={"name": Organisation.Code.FRONT.label}
    )
    Organisation.objects.get_or_create(
        code=Organisation.Code.YOUTH_UNION, defaults={"name": Organisation.Code.YOUTH_UNION.label}
    )

    users: dict[str, User] = {}

    def staff(username: str, **extra) -> User:
        user = User.objects.create(
            username=username, kind=AccountKind.STAFF, full_name=username, **extra
        )
        users[username] = user
        return user

    def citizen(username: str, phone: str) -> User:
        user = User.objects.create(
            username=username,
            kind=AccountKind.CITIZEN,
            phone=phone,
            full_name=username,
            phone_verified_at=timezone.now(),
        )
        users[username] = user
        return user

    setup = staff("az.setup", is_superuser=True, is_staff=True)
    actors: list[Actor] = []
    for name, unit in units.items():
        author = staff(f"az.author.{name}")
        do_grant(None, Grant(unit=unit, user=author, organisation=front, role="editor"))
        for role in ROLES:
            user = staff(f"az.{role}.{name}")
            do_grant(None, Grant(unit=unit, user=user, organisation=front, role=role))
            actors.append(
                Actor(user.username, "role", role=role, place=places[name], user_id=user.pk)
            )
    norole = staff("az.norole")
    operator = staff("az.operator.A1")
    add_operator(setup, pages["A1"].pk, operator.username, Organisation.Code.YOUTH_UNION)
    root = staff("az.superuser", is_superuser=True, is_staff=True)
    owner = citizen("az.citizen.owner", "+84909000001")
    other = citizen("az.citizen.other", "+84909000002")
    actors += [
        Actor(norole.username, "staff", user_id=norole.pk),
        Actor(
            operator.username,
            "operator",
            user_id=operator.pk,
            operates=frozenset({pages["A1"].pk}),
            operated=(places["A1"],),
        ),
        Actor(root.username, "superuser", user_id=root.pk),
        Actor(owner.username, "citizen", user_id=owner.pk),
        Actor(other.username, "citizen", user_id=other.pk),
        Actor("anonymous", "anonymous"),
    ]
    # Grantees and new accounts named by the membership cases (they exist: a grant can succeed).
    staff("az.grantee")
    staff("az.youth2")
    return World(places, units, pages, actors, users, setup)


def sign_in(world: World) -> None:
    """One test client per actor, signed in once (sessions made before any case runs)."""
    from django.test import Client

    for actor in world.actors:
        client = Client()
        if actor.user_id is not None:
            client.force_login(world.users[actor.name])
        world.clients[actor.name] = client
