"""Staff roles and what each one may do. A role granted on a unit covers its whole subtree."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("Unit admin")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    FEEDBACK_OFFICER = "feedback_officer", _("Feedback officer")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")
    DATA_PROTECTION = "data_protection", _("Data protection officer")


class Permission(models.TextChoices):
    VIEW_UNIT = "view_unit", _("see the unit in the workspace")
    MANAGE_MEMBERS = "manage_members", _("grant and revoke roles")
    MANAGE_PAGE = "manage_page", _("set up and run the community page")
    EDIT_POSTS = "edit_posts", _("write posts")
    APPROVE_POSTS = "approve_posts", _("approve posts")
    HANDLE_FEEDBACK = "handle_feedback", _("answer citizen feedback")
    MODERATE = "moderate", _("moderate comments")
    VIEW_INSIGHTS = "view_insights", _("read insights")
    PROTECT_DATA = "protect_data", _("handle personal data requests and breaches")
    VIEW_AUDIT = "view_audit", _("read the audit log")


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.UNIT_ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset({P.VIEW_UNIT, P.EDIT_POSTS}),
    Role.APPROVER: frozenset({P.VIEW_UNIT, P.EDIT_POSTS, P.APPROVE_POSTS}),
    Role.FEEDBACK_OFFICER: frozenset({P.VIEW_UNIT, P.HANDLE_FEEDBACK}),
    Role.MODERATOR: frozenset({P.VIEW_UNIT, P.MODERATE}),
    Role.ANALYST: frozenset({P.VIEW_UNIT, P.VIEW_INSIGHTS}),
    # Decree 356/2025 asks for a person or department in charge of personal data protection.
    Role.DATA_PROTECTION: frozenset({P.VIEW_UNIT, P.PROTECT_DATA, P.VIEW_AUDIT}),
}
