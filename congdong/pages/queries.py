"""Reads of pages, and `access_page` for staff acting on one."""

from __future__ import annotations

from django.http import Http404

from congdong.accounts.queries import AnyUser, access_unit
from congdong.accounts.roles import Permission
from congdong.pages.models import Page, PageQuerySet


def public_page(slug: str) -> Page:
    """An established page by its address (a suspended one shows a notice); 404 otherwise."""
    page = Page.objects.standard().filter(slug=slug).exclude(status="not_established").first()
    if page is None:
        raise Http404
    return page


def access_page(user: AnyUser, page_id: int, permission: Permission) -> Page:
    """The page, if `user` holds `permission` on its unit; else PermissionDenied."""
    page = Page.objects.standard().filter(pk=page_id).first()
    if page is None:
        raise Http404
    access_unit(user, page.unit_id, permission)
    return page


def pages_filtered(structure_code: str | None = None, status: str | None = None) -> PageQuerySet:
    qs = Page.objects.standard()
    if structure_code:
        qs = qs.filter(unit__structure__code=structure_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("unit__path")
