"""An empty POST is still a POST: a form built with `request.POST or None` stays unbound on
one, and the view then reads `cleaned_data` of a form that was never checked (a 500; issue 16
walk-through). Every view binds its form on any POST; these views answered 500 before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.engagement.conftest import citizen

PACKAGE = Path(__file__).resolve().parents[2] / "congdong"


def test_no_view_leaves_its_form_unbound_on_an_empty_post():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"request\.POST or None", text)
    ]
    assert not offenders, offenders


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "route"),
    [
        ("kinhbac.canbo", "engagement:notification-settings"),
        ("citizen", "engagement:notification-settings"),
        ("citizen", "privacy:delete"),
        (None, "accounts:phone-start"),
    ],
)
def test_an_empty_post_shows_the_form_again_with_its_errors(personas, who, route):
    if who == "citizen":
        client = client_for(citizen("+84911000123"))
    elif who:
        client = client_for(personas[who])
    else:
        client = Client()
    answer = client.post(reverse(route), {})
    assert answer.status_code in (200, 400)
    assert answer.context["form"].is_bound and answer.context["form"].errors
