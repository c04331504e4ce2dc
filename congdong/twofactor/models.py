"""A staff member's authenticator app (TOTP, RFC 6238) and their one-time recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import own_account


class Authenticator(models.Model):
    """One per account. Pending while `confirmed_at` is empty: the secret was shown but no code
    from the app has proved it was set up; only a confirmed one is asked for at sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticator"
    )
    # Encrypted (congdong.twofactor.sealing); shown only while pending, never after.
    sealed_secret = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last code accepted: a code of that step or an earlier one is a
    # replay (someone who saw it over the shoulder, or a phished code used a second time).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return f"{self.user} ({'confirmed' if self.confirmed_at else 'pending'})"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost. Only its SHA-256 is kept: the codes are
    random with 80 bits (not chosen by people), so a slow password hash adds nothing but cost
    at every sign-in."""

    user = own_account("recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="twofactor_recovery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'used' if self.used_at else 'unused'})"
