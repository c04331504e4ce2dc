"""Reads of pages, and `access_page` for staff acting on one."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, can, in_scope
from congdong.accounts.roles import Permission
from congdong.core import public_cache
from congdong.pages.models import Page, PageQuerySet, PageStatus


def public_page(slug: str) -> Page:
    """An established page by its address (a suspended one shows a notice); 404 otherwise."""
    page = (
        Page.objects.standard().filter(slug=slug).exclude(status=PageStatus.NOT_ESTABLISHED).first()
    )
    if page is None:
        raise Http404
    return page


def public_page_ref(slug: str) -> tuple[int, str]:
    """(id, status) of the established page at `slug`; 404 otherwise.

    Read from the cache under the site's version, which every page status move (and bulk
    opening) bumps: a cached visit of a public page reads no row at all.
    """
    key = f"congdong:page-ref:{public_cache.site_version()}:{slug}"
    found = cache.get(key)
    if found is None:
        found = (
            Page.objects.filter(slug=slug)
            .exclude(status=PageStatus.NOT_ESTABLISHED)
            .values_list("pk", "status")
            .first()
        )
        if found is None:
            raise Http404
        cache.set(key, tuple(found), timeout=3600)
    return tuple(found)


def access_page(user: AnyUser, page_id: int, permission: Permission) -> Page:
    """The page, if `user` holds `permission` on its unit; Http404 outside their scope (see
    `sees_page`), PermissionDenied inside it (a co-admin opening the page's settings)."""
    page = Page.objects.standard().filter(pk=page_id).first()
    if page is None or not sees_page(user, page):
        raise Http404
    if not can(user, page.unit, permission):
        raise PermissionDenied(
            _("You have no right to %(action)s at %(unit)s.")
            % {"action": Permission(permission).label, "unit": page.unit.full_name}
        )
    return page


def pages_filtered(structure_code: str | None = None, status: str | None = None) -> PageQuerySet:
    qs = Page.objects.standard()
    if structure_code:
        qs = qs.filter(unit__structure__code=structure_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("unit__path")


def can_operate(user: AnyUser, page: Page) -> bool:
    """Write and manage posts on this page: editors of the unit (or above) and its co-admins."""
    if can(user, page.unit, Permission.EDIT_POSTS):
        return True
    return user.is_authenticated and page.operators.filter(user=user).exists()


def sees_page(user: AnyUser, page: Page) -> bool:
    """The page's staff side exists for `user`: its unit is in their scope (`in_scope`) or
    they co-run it through a page-only grant."""
    if in_scope(user, page.unit):
        return True
    return user.is_authenticated and page.operators.filter(user=user).exists()


def require_page_scope(user: AnyUser, page: Page) -> None:
    """Http404 unless the page is in `user`'s scope (see `sees_page`)."""
    if not sees_page(user, page):
        raise Http404


def access_page_to_operate(user: AnyUser, page_id: int) -> Page:
    page = Page.objects.standard().filter(pk=page_id).first()
    if page is None or not sees_page(user, page):
        raise Http404
    if not can_operate(user, page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": page.name}
        )
    return page


def operated_pages(user: AnyUser) -> PageQuerySet:
    """Pages the user co-runs through a page-only grant."""
    if not user.is_authenticated:
        return Page.objects.none()
    return Page.objects.standard().filter(operators__user=user).order_by("unit__path")
