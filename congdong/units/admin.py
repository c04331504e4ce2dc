from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from congdong.core.admin import ReadOnlyAdmin
from congdong.core.text import fold
from congdong.units.models import Structure, Succession, Unit


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    """Browse and search the tree. Units are official data: they change only by
    `congdong units import`, so the admin can look but not edit, move or delete."""

    form = movenodeform_factory(Unit, fields=["name", "kind"])
    list_display = ["full_name", "code", "level", "kind", "structure"]
    list_filter = ["structure", "level", "kind"]
    search_fields = ["search_name", "code"]
    list_per_page = 100
    readonly_fields = ["structure", "code", "name", "kind", "level", "parent", "path"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # Fold accents so "Bắc Ninh" and "bac ninh" find the same units.
        return super().get_search_results(request, queryset, fold(search_term))


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    """Which unit took over from which: written by `congdong units import` with the units."""

    list_display = ["predecessor", "successor"]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
