"""The permission model the matrix is judged against, written here and not taken from the
apps' `access_*` helpers: a role granted on a unit gives its permissions on that unit and on
every unit below it, never on a sibling, a parent or another branch.

`GRANTS` restates the policy of DESIGN.md §2 and congdong/accounts/roles.py in the bench's own
words: if the code's table drifts from it, the matrix reports the difference as leaks (or as
over-refusals) instead of following it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

VIEW_UNIT = "view_unit"
MANAGE_MEMBERS = "manage_members"
MANAGE_PAGE = "manage_page"
EDIT_POSTS = "edit_posts"
APPROVE_POSTS = "approve_posts"
HANDLE_FEEDBACK = "handle_feedback"
MODERATE = "moderate"
VIEW_INSIGHTS = "view_insights"
PROTECT_DATA = "protect_data"
VIEW_AUDIT = "view_audit"
EVERYTHING = frozenset(
    {
        VIEW_UNIT,
        MANAGE_MEMBERS,
        MANAGE_PAGE,
        EDIT_POSTS,
        APPROVE_POSTS,
        HANDLE_FEEDBACK,
        MODERATE,
        VIEW_INSIGHTS,
        PROTECT_DATA,
        VIEW_AUDIT,
    }
)
GRANTS: dict[str, frozenset[str]] = {
    "unit_admin": EVERYTHING,
    "editor": frozenset({VIEW_UNIT, EDIT_POSTS}),
    "approver": frozenset({VIEW_UNIT, EDIT_POSTS, APPROVE_POSTS}),
    "feedback_officer": frozenset({VIEW_UNIT, HANDLE_FEEDBACK}),
    "moderator": frozenset({VIEW_UNIT, MODERATE}),
    "analyst": frozenset({VIEW_UNIT, VIEW_INSIGHTS}),
    "data_protection": frozenset({VIEW_UNIT, PROTECT_DATA, VIEW_AUDIT}),
}
ROLES = tuple(GRANTS)
# How an actor stands to the unit an object belongs to.
RELATIONS = ("same", "parent", "child", "sibling", "unrelated")


@dataclass(frozen=True)
class Place:
    """A unit as the oracle sees it: a name in the bench's tree and its materialised path."""

    name: str
    path: str
    pk: int
    level: str
    parent: str  # the path of the unit above ("" at the top)

    def within(self, other: Place) -> bool:
        """This unit is `other` or below it."""
        return self.path.startswith(other.path)


@dataclass
class Actor:
    """Who sends a request: a role on a unit, or one of the people without a role."""

    name: str
    kind: str  # "role", "staff" (no role), "operator" (page co-admin), "citizen", "anonymous",
    #           "superuser"
    role: str | None = None
    place: Place | None = None
    user_id: int | None = None
    operates: frozenset[int] = frozenset()  # page ids this co-admin was granted
    operated: tuple[Place, ...] = ()  # the units of those pages

    def holds(self, permission: str, place: Place) -> bool:
        if self.kind == "superuser":
            return True
        return (
            self.role is not None
            and self.place is not None
            and permission in GRANTS[self.role]
            and place.within(self.place)
        )

    @property
    def is_staff(self) -> bool:
        return self.kind in ("role", "staff", "operator", "superuser")


@dataclass
class Thing:
    """One object of the matrix, at a unit; `marker` is text only those allowed may see."""

    kind: str
    place: Place
    pk: int
    marker: str | None = None
    ids: dict[str, object] = field(default_factory=dict)
    owner: int | None = None  # the user id of its author or sender
    above: Place | None = None  # the unit above (the central unit: itself)
    central: Place | None = None


def relation(actor: Actor, place: Place) -> str:
    """same / parent (the actor's unit is above) / child (below) / sibling / unrelated; for
    actors without a role, their kind."""
    if actor.kind != "role" or actor.place is None:
        return actor.kind
    mine = actor.place
    if mine.path == place.path:
        return "same"
    if place.within(mine):
        return "parent"
    if mine.within(place):
        return "child"
    if mine.parent and mine.parent == place.parent:
        return "sibling"
    return "unrelated"


Rule = Callable[[Actor, Thing], bool]


def perm(permission: str) -> Rule:
    """`permission` on the object's unit (held there or above)."""
    return lambda actor, thing: actor.holds(permission, thing.place)


def perm_above(permission: str) -> Rule:
    """`permission` on the unit above the object's (the central unit's own, at the top)."""
    return lambda actor, thing: actor.holds(permission, thing.above or thing.place)


def perm_central(permission: str) -> Rule:
    """`permission` on the central unit: national matters (citizens' own data, the handbook)."""
    return lambda actor, thing: actor.holds(permission, thing.central or thing.place)


def operates(actor: Actor, thing: Thing) -> bool:
    """Runs the object's page: EDIT_POSTS on its unit, or a co-admin grant on that page."""
    return actor.holds(EDIT_POSTS, thing.place) or thing.ids.get("page") in actor.operates


def owner(actor: Actor, thing: Thing) -> bool:
    return actor.user_id is not None and actor.user_id == thing.owner


def not_owner(rule: Rule) -> Rule:
    """`rule`, for anyone but the object's author (nobody approves their own work)."""
    return lambda actor, thing: rule(actor, thing) and not owner(actor, thing)


def either(*rules: Rule) -> Rule:
    return lambda actor, thing: any(rule(actor, thing) for rule in rules)


def both(*rules: Rule) -> Rule:
    return lambda actor, thing: all(rule(actor, thing) for rule in rules)


def has_units_below(actor: Actor, thing: Thing) -> bool:
    """The object's unit is not a commune (the lowest level: nothing below to publish to)."""
    return thing.place.level != "commune"


def role_on_or_above(actor: Actor, thing: Thing) -> bool:
    """Any role on the object's unit or a unit above it (the experience board's readers)."""
    return actor.kind == "superuser" or (
        actor.role is not None and actor.place is not None and thing.place.within(actor.place)
    )


def role_strictly_above(actor: Actor, thing: Thing) -> bool:
    """Any role on a unit strictly above the object's (who answers a unit's board post)."""
    return role_on_or_above(actor, thing) and (
        actor.kind == "superuser" or actor.place.path != thing.place.path
    )


def reaches(actor: Actor, thing: Thing) -> bool:
    """A campaign is seen by staff of its unit or above (all of it) and of the units it reaches
    below (their part): any role on a unit on the same line of the tree."""
    if actor.kind == "superuser":
        return True
    if actor.role is None or actor.place is None:
        return False
    return thing.place.within(actor.place) or actor.place.within(thing.place)


def tasked(actor: Actor, thing: Thing) -> bool:
    """A co-admin of a page the campaign reaches (strictly below its unit) has its task."""
    return any(p.within(thing.place) and p.path != thing.place.path for p in actor.operated)


def staff(actor: Actor, thing: Thing) -> bool:
    """Any staff account (the handbook is read by everyone who works in the system)."""
    return actor.is_staff


def anyone(actor: Actor, thing: Thing) -> bool:
    return True


def nobody(actor: Actor, thing: Thing) -> bool:
    return False
