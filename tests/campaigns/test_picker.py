"""Issue 16, point 8: campaign targets are picked from the tree — levels ticked, units found by
an accent-free name or opened from their province and ticked — with the count of pages shown
before launching, by the launch's own query; typed unit codes still work; a unit outside the
author's subtree is refused in Vietnamese and nothing changes."""

from __future__ import annotations

import pytest

from congdong.campaigns.models import Campaign, Targeting
from congdong.units.models import Level
from tests.campaigns.conftest import pages_below
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
LIST = "/lam-viec/chien-dich/"


def form(post, **fields) -> dict:
    return {"post": post.pk, "mode": "publish", "targeting": "all_below", **fields}


def test_ticked_levels_and_units_give_the_count_and_the_launch_reaches_as_many(
    personas, tree, central_post, central_approver
):
    editor = client_for(personas["tw.bientap"])
    levels = editor.post(LIST, form(central_post, levels=[Level.PROVINCE], action="dem"))
    assert levels.status_code == 200 and levels.context["count"] == 2
    assert "Sẽ gửi tới 2 trang" in levels.content.decode()
    ticked = [tree.bac_ninh.unit_id, tree.kinh_bac.unit_id, tree.ha_noi.unit_id]
    counted = editor.post(LIST, form(central_post, unit_ids=ticked, action="dem"))
    assert counted.context["count"] == 3
    assert f'value="{tree.kinh_bac.unit_id}" checked' in counted.content.decode()
    assert not Campaign.objects.exists()  # counting creates nothing
    created = editor.post(LIST, form(central_post, unit_ids=ticked))
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.targeting == Targeting.UNITS
    client_for(central_approver).post(f"{LIST}{campaign.pk}/phat-dong/")
    assert campaign.targets.count() == 3
    assert set(campaign.targets.values_list("unit_id", flat=True)) == set(ticked)


def test_the_count_view_answers_the_form_as_it_stands(personas, tree, central_post):
    editor = client_for(personas["tw.bientap"])
    response = editor.post(f"{LIST}dem/", form(central_post, levels=[Level.COMMUNE]))
    communes = len(pages_below(tree.centre)) - 2
    assert response.status_code == 200 and response.context["count"] == communes
    everything = editor.post(f"{LIST}dem/", form(central_post))
    assert everything.context["count"] == len(pages_below(tree.centre))
    typed = editor.post(f"{LIST}dem/", form(central_post, units="24, 01"))
    assert typed.context["count"] == 2  # the unit codes still work


def test_units_are_found_by_an_accent_free_name_and_opened_from_their_province(
    personas, tree, central_post
):
    editor = client_for(personas["tw.bientap"])
    found = editor.get(f"{LIST}don-vi/", {"tim": "bac ninh"}).content.decode()
    assert f'name="unit_ids" value="{tree.bac_ninh.unit_id}"' in found
    assert "Bắc Ninh" in found
    opened = editor.get(f"{LIST}don-vi/", {"mo": tree.bac_ninh.unit_id}).content.decode()
    assert f'value="{tree.kinh_bac.unit_id}"' in opened
    # Without JavaScript: the search button posts the form back and shows the same boxes.
    page = editor.post(LIST, form(central_post, tim="kinh bac", action="tim"))
    assert page.status_code == 200 and f'value="{tree.kinh_bac.unit_id}"' in page.content.decode()
    assert not Campaign.objects.exists()


def test_a_unit_outside_the_authors_subtree_is_refused(
    personas, tree, province_editor, province_post
):
    editor = client_for(province_editor)  # Bắc Ninh
    outside = [tree.ha_noi.unit_id]
    response = editor.post(LIST, form(province_post, unit_ids=outside))
    assert response.status_code == 400
    assert "không thuộc cấp dưới của" in response.content.decode()
    assert not Campaign.objects.exists()
    count = editor.post(f"{LIST}dem/", form(province_post, unit_ids=outside))
    assert count.context["count"] is None and "không thuộc cấp dưới" in count.content.decode()
    assert editor.get(f"{LIST}don-vi/", {"mo": tree.ha_noi.unit_id}).status_code == 404
    assert "Hà Nội" not in editor.get(f"{LIST}don-vi/", {"tim": "ha noi"}).content.decode()
    junk = editor.post(LIST, form(province_post, unit_ids=["x"]))
    assert junk.status_code == 400 and "Hãy chọn đơn vị trong danh sách" in junk.content.decode()
