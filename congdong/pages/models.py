"""One official community page per unit, its status history and profile."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import own_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.units.models import Unit


class PageStatus(models.TextChoices):
    NOT_ESTABLISHED = "not_established", _("not established")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


S = PageStatus
# A page is set up (not yet public), opened, and may be suspended and reopened. Every move is a
# PageTransition row: coverage on any past date is read from these rows.
PAGE_STATES = StateGraph(
    states=PageStatus,
    field="status",
    moves={
        S.NOT_ESTABLISHED: frozenset({S.ACTIVE}),
        S.ACTIVE: frozenset({S.SUSPENDED}),
        S.SUSPENDED: frozenset({S.ACTIVE}),
    },
    needs_reason=frozenset({(S.ACTIVE, S.SUSPENDED)}),
)


class CommentPolicy(models.TextChoices):
    OPEN = "open", _("Comments appear at once")
    REVIEW = "review", _("Comments wait for an operator's review")
    CLOSED = "closed", _("Comments are closed")


class PageQuerySet(models.QuerySet):
    def standard(self) -> PageQuerySet:
        return self.select_related("unit", "unit__structure", "unit__parent")

    def public(self) -> PageQuerySet:
        return self.filter(status=PageStatus.ACTIVE)


class Page(models.Model):
    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="page", verbose_name=_("unit")
    )
    name = models.CharField(_("page name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PageStatus.choices,
        default=PageStatus.NOT_ESTABLISHED,
    )
    verified = models.BooleanField(
        _("verified"),
        default=True,
        help_text=_("Official page of the unit's Front committee."),
    )
    description = models.TextField(_("introduction"), blank=True, max_length=2000)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address of the office"), max_length=300, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="pages/avatars/", blank=True)
    cover = models.ImageField(_("cover picture"), upload_to="pages/covers/", blank=True)
    comment_policy = models.CharField(
        _("comments"), max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("community page")
        verbose_name_plural = _("community pages")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name


class PageTransition(Transition):
    graph = PAGE_STATES
    subject = "page"
    page = subject_key(Page)

    Meta = transition_meta(_("page status change"), _("page status changes"))

    def __str__(self) -> str:
        return f"{self.page}: {self.from_state or '∅'} → {self.to_state} ({self.at:%Y-%m-%d})"


class PageOperator(models.Model):
    """Someone (typically a Youth Union member) granted the running of this one page only:
    unlike a role on the unit, it reaches no other page and no unit below."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="operators")
    user = own_account("operated_pages", _("account"))
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    granted_by = acting_account()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page co-admin")
        verbose_name_plural = _("page co-admins")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="page_operator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.page}"
