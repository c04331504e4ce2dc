"""The citizen's data forms tell every bad field in one submit (issue 16.9): a request without
its kind and with too short a text; a correction with a bad name and a bad date of birth."""

from __future__ import annotations

import pytest

from congdong.privacy.models import DataRequest
from tests.conftest import client_for
from tests.privacy.test_correct import CORRECT
from tests.privacy.test_requests import MINE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["", "khong-co"], ids=["rule", "form"])
def test_a_request_without_its_kind_and_text_is_told_both_at_once(world, kind):
    response = client_for(world.an).post(f"{MINE}yeu-cau/", {"kind": kind, "text": "ngắn"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_kind_error"' in page and 'id="id_text_error"' in page
    assert "Hãy trình bày yêu cầu ít nhất" in page
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize("birth", ["2999-01-01", "hôm qua"], ids=["rule", "form"])
def test_a_correction_with_a_bad_name_and_date_is_told_both_at_once(world, birth):
    before = (world.an.full_name, world.an.date_of_birth)
    response = client_for(world.an).post(CORRECT, {"full_name": "A", "date_of_birth": birth})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"full_name", "date_of_birth"} <= set(errors)
    world.an.refresh_from_db()
    assert (world.an.full_name, world.an.date_of_birth) == before
