"""The Django admin writes only reference data (regulations, categories, the calendar,
organisations) and accounts' own fields. Every row a workflow, an import or the erasure owns is
looked up there, never added, changed or deleted: that would skip the rules, the history and the
audit that the app's actions keep."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from congdong.accounts.models import User
from tests.conftest import client_for
from tests.moderation.commune_world import commented_commune
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)

# (add, change, delete) for the models the admin may write; every other registered model: none.
WRITABLE = {
    "accounts.User": (True, True, False),  # an account ends by erasure (congdong.privacy)
    "accounts.Organisation": (True, True, True),
    "accounts.ApiToken": (False, True, False),  # revoked, never made or deleted here
    "auth.Group": (True, True, True),
    "core.CalendarDay": (True, True, True),
    "feedback.Category": (True, True, True),
    "posts.Regulation": (True, True, True),
    "posts.Category": (True, True, True),
    "units.Structure": (True, True, True),
    "twofactor.Authenticator": (False, False, True),  # deleting it resets a lost second factor
}


def _label(model) -> str:
    return model._meta.label


@pytest.fixture
def superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    return request


@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda model: model._meta.label), ids=_label
)
def test_the_admin_writes_only_reference_data(model, superuser_request):
    model_admin = admin.site._registry[model]
    rights = (
        model_admin.has_add_permission(superuser_request),
        model_admin.has_change_permission(superuser_request),
        model_admin.has_delete_permission(superuser_request),
    )
    assert rights == WRITABLE.get(model._meta.label, (False, False, False))


def test_every_writable_model_is_still_registered():
    registered = {model._meta.label for model in admin.site._registry}
    assert set(WRITABLE) <= registered


@pytest.mark.django_db
def test_each_list_and_a_read_only_row_open_for_the_superuser(pages, personas):  # noqa: F811
    commented_commune(pages, "Một bình luận")  # pages, a post, its history, grants
    client = client_for(personas["admin"])
    for model in admin.site._registry:
        meta = model._meta
        listing = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, meta.label
        row = model._default_manager.order_by("pk").first()
        if row is not None and meta.label not in WRITABLE:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            shown = client.get(change)
            assert shown.status_code == 200, meta.label
            assert 'name="_save"' not in shown.content.decode(), meta.label
            client.post(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[row.pk]),
                {"post": "yes"},
            )
            assert model._default_manager.filter(pk=row.pk).exists(), meta.label
