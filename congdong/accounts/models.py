"""Accounts (staff and citizens), organisations and role memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.roles import Role
from congdong.core.models import acting_account
from congdong.units.models import Unit, owning_unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZEN = "citizen", _("Citizen")


class User(AbstractUser):
    """One account table for staff (username + password) and citizens (phone + one-time code).

    Citizens have no usable password; their username is derived from the phone number.
    Full name and date of birth are kept for citizens (Decree 147/2024/NĐ-CP, art. 27).
    """

    kind = models.CharField(
        _("account kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("mobile number"), max_length=15, unique=True, null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == AccountKind.CITIZEN


def recorded_account(
    verbose_name: StrOrPromise | None = None, *, related_name: str = "+"
) -> models.ForeignKey[User, User]:
    """The person a record names (its author, sender, recorder, reader): required, and
    PROTECT — the person is part of the record, so such accounts are deactivated or locked,
    never deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def own_account(
    related_name: str, verbose_name: StrOrPromise | None = None
) -> models.ForeignKey[User, User]:
    """The person whose own row this is (a follow, a reaction, a setting, a strike): required,
    and the row goes with the account (CASCADE)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class Organisation(models.Model):
    class Code(models.TextChoices):
        FRONT = "mttq", "Mặt trận Tổ quốc Việt Nam"
        YOUTH_UNION = "doan", "Đoàn TNCS Hồ Chí Minh"

    code = models.CharField(_("code"), max_length=10, unique=True, choices=Code.choices)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def standard(self) -> MembershipQuerySet:
        return self.select_related("user", "organisation", "unit", "unit__structure")


class Membership(models.Model):
    """`user`, working for `organisation`, holds `role` on `unit` and everything below it."""

    user = own_account("memberships", _("account"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    unit = owning_unit("memberships", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = acting_account(_("granted by"))
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class PhoneCode(models.Model):
    """A one-time code sent to a phone. Only a keyed hash of the code is stored."""

    phone = models.CharField(max_length=15, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Tries from the address that asked for the code, and from every other address together:
    # each has its own allowance, so guesses from elsewhere never spend the asker's tries.
    attempts = models.PositiveSmallIntegerField(default=0)
    foreign_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"


class MembershipChange(models.Model):
    """Audit row for every grant and revoke: who, what, on which unit, when."""

    class Action(models.TextChoices):
        GRANT = "grant", _("granted")
        REVOKE = "revoke", _("revoked")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    user = own_account("membership_changes", _("account"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_role_display()} · {self.user} · {self.unit}"


class ApiToken(models.Model):
    """A bearer key for the mobile apps, made at phone login. Only its SHA-256 is stored: the
    key itself is shown once, in the login response. Revoking keeps the row for the record."""

    user = own_account("api_tokens", _("account"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.name or self.pk}"
