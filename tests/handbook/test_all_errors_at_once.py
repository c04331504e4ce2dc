"""A new handbook page tells every bad field in one submit (issue 16.9): the address, the kind,
the order, the title and the text; nothing is created."""

from __future__ import annotations

import pytest

from congdong.core.errors import ActionError, each
from congdong.handbook import actions
from congdong.handbook.models import HandbookPage

pytestmark = pytest.mark.django_db


def test_every_bad_field_of_a_new_page_is_told_at_once(people):
    with pytest.raises(ActionError) as refused:
        actions.create_page(people["tw.quantri"], "Có Dấu!", "", "", kind="poem", order=5000)
    assert {error.field for error in each(refused.value)} == {
        "slug", "kind", "order", "title", "body",
    }  # fmt: skip
    assert not HandbookPage.objects.exists()
