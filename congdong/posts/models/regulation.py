"""The information regulation ("quy chế thông tin, tuyên truyền") as data, versioned.

A post records the version it was checked against on submit, so an edited or newer regulation
never rewrites the history of what was approved under an older one.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdong.units.models import Level


class ApprovalLevel(models.TextChoices):
    """Where, relative to the posting unit, the approver must hold APPROVE_POSTS."""

    SAME_UNIT = "same_unit", _("the posting unit")
    UNIT_ABOVE = "unit_above", _("the unit above")
    PROVINCE = "province", _("the province")
    CENTRAL = "central", _("the central unit")


class PhraseAction(models.TextChoices):
    WARN = "warn", _("warn")
    BLOCK = "block", _("block")


class RegulationQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None) -> Regulation | None:
        """The active version with the highest number that has taken effect by `day`."""
        day = day or timezone.localdate()
        return (
            self.filter(is_active=True, effective_from__lte=day)
            .prefetch_related("phrases")
            .order_by("-version")
            .first()
        )


class Regulation(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("To change the rules, add a new version rather than editing one in use."),
    )
    max_title_length = models.PositiveIntegerField(_("maximum title length"), default=200)
    max_body_length = models.PositiveIntegerField(
        _("maximum body length"), default=20000, help_text=_("In characters of text.")
    )
    max_images = models.PositiveIntegerField(_("maximum images per post"), default=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self) -> str:
        return f"v{self.version} · {self.title}"


class Category(models.Model):
    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="categories", verbose_name=_("version")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    approval_level = models.CharField(
        _("approved at"),
        max_length=20,
        choices=ApprovalLevel.choices,
        default=ApprovalLevel.SAME_UNIT,
        help_text=_("Unless a rule below sets another level for the posting unit's level."),
    )
    requires_source = models.BooleanField(
        _("source required"), default=False, help_text=_("Posts must link to their source.")
    )
    revision_needs_approval = models.BooleanField(
        _("revisions approved again"),
        default=True,
        help_text=_("Editing a published post sends the revision for approval."),
    )

    class Meta:
        ordering = ["regulation", "order", "pk"]
        verbose_name = _("post category")
        verbose_name_plural = _("post categories")
        constraints = [
            models.UniqueConstraint(fields=["regulation", "code"], name="category_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def approval_level_for(self, level: str) -> ApprovalLevel:
        """The approval level for a post by a unit of `level`: its rule, else the default."""
        for rule in self.rules.all():  # a handful of rows; prefetch-friendly
            if rule.level == level:
                return ApprovalLevel(rule.approval_level)
        return ApprovalLevel(self.approval_level)


class ApprovalRule(models.Model):
    """An override of the category's approval level for posts by units of one level."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    level = models.CharField(_("posting unit's level"), max_length=10, choices=Level.choices)
    approval_level = models.CharField(
        _("approved at"), max_length=20, choices=ApprovalLevel.choices
    )

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "level"], name="approval_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.level} → {self.approval_level}"


class ForbiddenPhrase(models.Model):
    """Matched without regard to accents or case ("chuyen khoan" finds "Chuyển khoản")."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="phrases", verbose_name=_("version")
    )
    phrase = models.CharField(_("phrase"), max_length=200)
    action = models.CharField(
        _("action"), max_length=10, choices=PhraseAction.choices, default=PhraseAction.WARN
    )

    class Meta:
        ordering = ["regulation", "phrase"]
        verbose_name = _("forbidden phrase")
        verbose_name_plural = _("forbidden phrases")
        constraints = [
            models.UniqueConstraint(fields=["regulation", "phrase"], name="phrase_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.action})"
