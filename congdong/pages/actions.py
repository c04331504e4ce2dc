"""Writes to pages: set up, profile, status moves. check_* validates and authorises; do_* writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.models import AccountKind, Organisation, User
from congdong.accounts.queries import AnyUser, access_unit
from congdong.accounts.roles import Permission
from congdong.core import public_cache
from congdong.core.errors import ActionError, Refusals
from congdong.core.images import clean_image
from congdong.core.text import line, plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.pages.models import (
    PAGE_STATES,
    CommentPolicy,
    Page,
    PageOperator,
    PageStatus,
    PageTransition,
)
from congdong.pages.naming import base_slug, follows_rule, official_name
from congdong.pages.queries import access_page
from congdong.units.models import Unit


def unique_slug(
    unit: Unit,
    name: str,
    taken: set[str] | None = None,
    provinces: dict[str, Unit] | None = None,
) -> str:
    """The name's slug; if another page has it (many communes share a name), the unit's
    province and then its structure and code are added. `taken`, when given, is the full set
    of slugs in use (bulk creation); otherwise the database is asked. `provinces` (bulk
    creation): every province by path, with its structure, so no collision asks again."""

    def free(slug: str) -> bool:
        if taken is not None:
            return slug not in taken
        return not Page.objects.filter(slug=slug).exists()

    slug = base_slug(name)
    if free(slug):
        return slug
    province_path = unit.path[: 2 * Unit.steplen]
    province = None
    if unit.depth > 2:
        province = (
            provinces.get(province_path)
            if provinces is not None
            else Unit.objects.select_related("structure").filter(path=province_path).first()
        )
    structure = province.structure if province else unit.structure
    for candidate in (
        f"{slug}-{base_slug(province.name)}" if province else None,
        f"{slug}-{structure.code}-{unit.code}",
    ):
        if candidate and free(candidate):
            return candidate
    raise ActionError(_("Could not make a unique address for this page."))


def check_create_page(actor: AnyUser, unit_id: int) -> Unit:
    unit = access_unit(actor, unit_id, Permission.MANAGE_PAGE)
    if Page.objects.filter(unit=unit).exists():
        raise ActionError(
            _("%(unit)s already has a community page: each unit has exactly one.")
            % {"unit": unit.full_name}
        )
    return unit


def do_create_page(actor: User | None, unit: Unit) -> Page:
    """Set up the unit's page with its official name; it is public once activated."""
    with transaction.atomic():
        name = official_name(unit)
        page = Page.objects.create(unit=unit, name=name, slug=unique_slug(unit, name))
        record_start(page, by=actor)
    return page


def create_page(actor: AnyUser, unit_id: int) -> Page:
    return do_create_page(actor, check_create_page(actor, unit_id))


@dataclass(frozen=True)
class Move:
    page: Page
    to: PageStatus
    reason: str


def check_move(actor: AnyUser, page_id: int, to: str, reason: str = "") -> Move:
    page = access_page(actor, page_id, Permission.MANAGE_PAGE)
    if to not in PageStatus.values or not PAGE_STATES.allowed(page.status, to):
        raise ActionError(
            _("A page that is %(current)s cannot become %(target)s.")
            % {
                "current": PageStatus(page.status).label,
                "target": PageStatus(to).label if to in PageStatus.values else to,
            },
            field="status",
        )
    reason = line(reason)
    if (page.status, to) in PAGE_STATES.needs_reason and len(reason) < 5:
        raise ActionError(_("Say why (at least 5 characters)."), field="reason")
    return Move(page, PageStatus(to), reason)


def do_move(actor: User | None, move: Move) -> Page:
    with transaction.atomic():
        # Conditional update: two admins clicking at once cannot both move the page.
        workflow.move(
            move.page,
            move.to,
            by=actor,
            reason=move.reason,
            changed=_("The page changed meanwhile; reload and try again."),
        )
        # Directories and unit pages show which pages are open: every cached copy is rebuilt.
        public_cache.all_changed()
    return move.page


def move_page(actor: AnyUser, page_id: int, to: str, reason: str = "") -> Page:
    return do_move(actor, check_move(actor, page_id, to, reason))


@dataclass(frozen=True)
class Profile:
    page: Page
    name: str
    description: str
    contact_email: str
    contact_phone: str
    address: str
    comment_policy: CommentPolicy = CommentPolicy.OPEN


def check_profile(actor: AnyUser, page_id: int, **fields: str) -> Profile:
    page = access_page(actor, page_id, Permission.MANAGE_PAGE)
    name = line(fields.get("name"))
    if not follows_rule(name, page.unit):
        raise ActionError(
            _(
                "The name must start with “Mặt trận Tổ quốc Việt Nam” and name the place, "
                "e.g. “%(example)s”."
            )
            % {"example": official_name(page.unit)},
            field="name",
        )
    return Profile(
        page=page,
        name=name,
        description=plain(fields.get("description")),
        contact_email=line(fields.get("contact_email")),
        contact_phone=line(fields.get("contact_phone")),
        address=line(fields.get("address")),
        comment_policy=_comment_policy(fields.get("comment_policy"), page.comment_policy),
    )


def _comment_policy(value: str | None, current: str) -> CommentPolicy:
    if not value:
        return CommentPolicy(current)  # left out (an older API client): unchanged
    if value not in CommentPolicy.values:
        raise ActionError(_("Choose how comments are handled."), field="comment_policy")
    return CommentPolicy(value)


def do_profile(profile: Profile) -> Page:
    page = profile.page
    page.name = profile.name
    page.description = profile.description
    page.contact_email = profile.contact_email
    page.contact_phone = profile.contact_phone
    page.address = profile.address
    page.comment_policy = profile.comment_policy
    page.save(
        update_fields=[
            "name",
            "description",
            "contact_email",
            "contact_phone",
            "address",
            "comment_policy",
        ]
    )
    public_cache.page_changed(page.pk)
    return page


def do_establish_many(
    units: Iterable[Unit], opened_at: datetime.datetime, actor: User | None = None
) -> int:
    """Create active pages for many units at once (demo data, migrations from old systems).

    Writes the same rows as create + activate, in bulk; units that have a page are skipped.
    """
    with transaction.atomic():
        have = set(Page.objects.values_list("unit_id", flat=True))
        taken = set(Page.objects.values_list("slug", flat=True))
        provinces = {
            province.path: province
            for province in Unit.objects.select_related("structure").filter(depth=2)
        }
        pages = []
        for unit in units:
            if unit.pk in have:
                continue
            have.add(unit.pk)
            name = official_name(unit)
            slug = unique_slug(unit, name, taken, provinces)
            taken.add(slug)
            pages.append(Page(unit=unit, name=name, slug=slug, status=PageStatus.ACTIVE))
        Page.objects.bulk_create(pages, batch_size=2000)
        PageTransition.objects.bulk_create(
            [
                PageTransition(page=page, from_state=from_, to_state=to, actor=actor, at=opened_at)
                for page in pages
                for from_, to in (
                    ("", PageStatus.NOT_ESTABLISHED),
                    (PageStatus.NOT_ESTABLISHED, PageStatus.ACTIVE),
                )
            ],
            batch_size=4000,
        )
        public_cache.all_changed()
    return len(pages)


AVATAR_BOX = (400, 400)
COVER_BOX = (1600, 600)
MAX_IMAGE_BYTES = 5_000_000


def check_pictures(
    actor: AnyUser, page_id: int, avatar: UploadedFile | None, cover: UploadedFile | None
) -> tuple[Page, dict[str, ContentFile]]:
    """Both pictures are checked before either is stored: a bad one changes nothing."""
    page = access_page(actor, page_id, Permission.MANAGE_PAGE)
    if avatar is None and cover is None:
        raise ActionError(_("Choose a picture to upload."), field="avatar")
    cleaned = {}
    if avatar is not None:
        cleaned["avatar"] = clean_image(avatar, "avatar", MAX_IMAGE_BYTES, AVATAR_BOX, crop=True)
    if cover is not None:
        cleaned["cover"] = clean_image(cover, "cover", MAX_IMAGE_BYTES, COVER_BOX, crop=False)
    return page, cleaned


def do_pictures(page: Page, cleaned: dict[str, ContentFile]) -> Page:
    # Names, not FieldFile objects: save() renames the FieldFile in place.
    old = [(getattr(page, n).storage, getattr(page, n).name) for n in cleaned if getattr(page, n)]
    for name, content in cleaned.items():
        getattr(page, name).save(content.name, content, save=False)
    page.save(update_fields=list(cleaned))
    for storage, previous in old:  # the replaced files are no longer referenced
        storage.delete(previous)
    public_cache.page_changed(page.pk)
    return page


@dataclass(frozen=True)
class OperatorGrant:
    page: Page
    user: User
    organisation: Organisation


def check_add_operator(
    actor: AnyUser, page_id: int, username: str, organisation: str = "doan"
) -> OperatorGrant:
    page = access_page(actor, page_id, Permission.MANAGE_PAGE)
    user = User.objects.filter(username=line(username), kind=AccountKind.STAFF).first()
    org = Organisation.objects.filter(code=organisation).first()
    refusals = Refusals()  # both fields told at once
    with refusals:
        if user is None or not user.is_active:
            raise ActionError(
                _("There is no active staff account “%(username)s”.") % {"username": username},
                field="username",
            )
    with refusals:
        if org is None:
            raise ActionError(_("Choose an organisation from the list."), field="organisation")
    refusals.raise_any()
    if PageOperator.objects.filter(page=page, user=user).exists():
        raise ActionError(
            _("%(user)s already co-runs this page.") % {"user": user}, field="username"
        )
    return OperatorGrant(page, user, org)


def do_add_operator(actor: User, grant: OperatorGrant) -> PageOperator:
    return PageOperator.objects.create(
        page=grant.page, user=grant.user, organisation=grant.organisation, granted_by=actor
    )


def add_operator(actor: AnyUser, page_id: int, username: str, organisation: str = "doan"):
    return do_add_operator(actor, check_add_operator(actor, page_id, username, organisation))


def remove_operator(actor: AnyUser, page_id: int, operator_id: int) -> None:
    operator = PageOperator.objects.filter(pk=operator_id, page_id=page_id).first()
    if operator is None:
        raise Http404
    access_page(actor, operator.page_id, Permission.MANAGE_PAGE)
    operator.delete()
