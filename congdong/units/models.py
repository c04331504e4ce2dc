"""Vietnam's administrative structures and the Front's units in them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from congdong.core.text import fold


class Structure(models.Model):
    """One administrative structure, e.g. 2022 (with districts) or 2025 (two levels)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Level(models.TextChoices):
    CENTRAL = "central", _("central level")
    PROVINCE = "province", _("province level")
    DISTRICT = "district", _("district level")
    COMMUNE = "commune", _("commune level")


class Kind(models.TextChoices):
    """The legal kind of a unit; the label is the word used before its name."""

    CENTRAL = "trung_uong", _("Central")
    TINH = "tinh", _("province (tỉnh)")
    THANH_PHO_TW = "thanh_pho_tw", _("centrally-run city")
    QUAN = "quan", _("urban district (quận)")
    HUYEN = "huyen", _("rural district (huyện)")
    THI_XA = "thi_xa", _("town (thị xã)")
    THANH_PHO = "thanh_pho", _("provincial city")
    PHUONG = "phuong", _("ward (phường)")
    XA = "xa", _("commune (xã)")
    THI_TRAN = "thi_tran", _("township (thị trấn)")
    DAC_KHU = "dac_khu", _("special zone (đặc khu)")


# The Vietnamese word that precedes a unit's name in official titles ("tỉnh Bắc Ninh").
# It is part of the proper name, so it is not translated.
KIND_PREFIX = {
    Kind.CENTRAL: "",
    Kind.TINH: "tỉnh",
    Kind.THANH_PHO_TW: "thành phố",
    Kind.QUAN: "quận",
    Kind.HUYEN: "huyện",
    Kind.THI_XA: "thị xã",
    Kind.THANH_PHO: "thành phố",
    Kind.PHUONG: "phường",
    Kind.XA: "xã",
    Kind.THI_TRAN: "thị trấn",
    Kind.DAC_KHU: "đặc khu",
}


class UnitQuerySet(MP_NodeQuerySet):
    def standard(self) -> UnitQuerySet:
        return self.select_related("structure", "parent", "page")

    def in_subtree(self, unit: Unit) -> UnitQuerySet:
        """`unit` and everything below it."""
        return self.filter(path__startswith=unit.path)

    def search(self, text: str) -> UnitQuerySet:
        """Accent- and case-insensitive match on the unit's name ("dak lak" finds "Đắk Lắk")."""
        folded = fold(text)
        return self.filter(search_name__contains=folded) if folded else self


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        # treebeard's manager builds its own queryset class; keep ours and its path order.
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """An administrative unit in one structure; the Front has a committee (and a page) for each.

    The tree is a materialised path (treebeard) so "everything below X" is one prefix query.
    `parent` repeats what the path says, so a unit's parent is a join, not a second query.
    """

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="units", verbose_name=_("structure")
    )
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    search_name = models.CharField(max_length=160, editable=False, db_index=True)

    node_order_by = ["code"]
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="unit_code_unique"),
        ]
        indexes = [models.Index(fields=["structure", "level"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def title_prefix(self) -> str:
        return KIND_PREFIX[Kind(self.kind)]

    @property
    def full_name(self) -> str:
        """Official title: "Tỉnh Bắc Ninh", "Xã Tiên Du"; the central unit is "Trung ương"."""
        if self.kind == Kind.CENTRAL:
            return self.name
        return f"{self.title_prefix.capitalize()} {self.name}"

    @property
    def place_name(self) -> str:
        """The title as used inside a sentence: "tỉnh Bắc Ninh", "phường Kinh Bắc"."""
        if self.kind == Kind.CENTRAL:
            return self.name
        return f"{self.title_prefix} {self.name}"

    @staticmethod
    def search_text(kind: str, name: str) -> str:
        return fold(f"{KIND_PREFIX[Kind(kind)]} {name}")

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.search_text(self.kind, self.name)
        super().save(*args, **kwargs)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or below it."""
        return self.path.startswith(other.path)


def owning_unit(
    related_name: str, *, on_delete: Callable[..., Any] = models.PROTECT
) -> models.ForeignKey[Unit, Unit]:
    """The unit a row belongs to: those placed on it or on a unit above handle the row
    (`UnitRowQuerySet.in_subtree` finds it). PROTECT unless said: a unit is not deleted from
    under its records."""
    return models.ForeignKey(
        Unit, on_delete=on_delete, related_name=related_name, verbose_name=_("unit")
    )


class UnitRowQuerySet(models.QuerySet):
    """The queryset of a model whose rows belong to a unit (a `unit` key)."""

    def in_subtree(self, unit: Unit) -> Self:
        """Rows of `unit` or of a unit below it."""
        return self.filter(unit__path__startswith=unit.path)


class Succession(models.Model):
    """A 2022 unit whose area (or part of it) went to a 2025 unit."""

    predecessor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successors", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessors", verbose_name=_("successor")
    )

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
