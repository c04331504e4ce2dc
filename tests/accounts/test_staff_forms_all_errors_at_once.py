"""Opening a colleague's account and granting a role tell every bad field in one submit
(issue 16.9): nothing is created."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congdong.accounts import actions
from congdong.accounts.models import Membership, User
from congdong.core.errors import ActionError, each
from tests.conftest import client_for, unit_2025

pytestmark = pytest.mark.django_db


def fields(exc: ActionError) -> set[str]:
    return {error.field for error in each(exc)}


def test_a_new_account_with_a_taken_username_a_short_name_and_a_weak_password(personas):
    admin, bac_ninh = personas["bacninh.quantri"], unit_2025("24")
    response = client_for(admin).post(
        reverse("accounts:new-staff", args=[bac_ninh.pk]),
        {
            "new-full_name": "A",
            "new-username": "bacninh.quantri",
            "new-password": "123",
            "new-role": "editor",
            "new-organisation": "mttq",
        },
    )
    assert response.status_code == 400
    errors = response.context["new_form"].errors
    assert {"full_name", "username", "password"} <= set(errors)
    assert User.objects.filter(username="bacninh.quantri").count() == 1


def test_the_action_tells_role_organisation_and_username_together(personas):
    admin, bac_ninh = personas["bacninh.quantri"], unit_2025("24")
    with pytest.raises(ActionError) as refused:
        actions.check_create_staff(admin, bac_ninh.pk, "Có Dấu", "Lê Văn Tám", "x", "boss", "zz")
    assert fields(refused.value) == {"username", "role", "organisation", "password"}


def test_granting_tells_a_missing_account_and_an_unknown_role_together(personas):
    admin, bac_ninh = personas["bacninh.quantri"], unit_2025("24")
    before = Membership.objects.count()
    with pytest.raises(ActionError) as refused:
        actions.grant_role(admin, bac_ninh.pk, "khong.co.ai", "boss", "zz")
    assert fields(refused.value) == {"username", "role", "organisation"}
    assert Membership.objects.count() == before
