"""The unit trees are imported exactly from the shipped real data."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from congdong.units import queries
from congdong.units.actions import do_import_structure
from congdong.units.models import Structure, Succession, Unit

pytestmark = pytest.mark.django_db


def test_2022_structure_has_the_official_counts():
    summary = queries.summary(Structure.objects.get(code="2022"))
    assert summary["levels"] == {"central": 1, "province": 63, "district": 705, "commune": 10599}
    assert summary["kinds"]["thi_tran"] == 614


def test_2025_structure_has_the_official_counts():
    summary = queries.summary(Structure.objects.get(code="2025"))
    assert summary["levels"] == {"central": 1, "province": 34, "commune": 3321}
    assert summary["kinds"]["xa"] == 2621
    assert summary["kinds"]["phuong"] == 687
    assert summary["kinds"]["dac_khu"] == 13
    assert summary["kinds"]["tinh"] + summary["kinds"]["thanh_pho_tw"] == 34


def test_structures_have_validity_dates():
    s2022, s2025 = Structure.objects.get(code="2022"), Structure.objects.get(code="2025")
    assert str(s2022.valid_to) == "2025-06-30"
    assert str(s2025.valid_from) == "2025-07-01"


def tree_problems() -> dict[str, list[int]]:
    """What treebeard's `find_problems` checks (characters outside the alphabet, a path not a
    whole number of steps, orphans, wrong depth, wrong child count) and our `parent` column,
    over one read of the table: `find_problems` asks the database once per unit (14,700
    queries, 20 s on PostgreSQL)."""
    rows = list(Unit.objects.values_list("pk", "path", "depth", "numchild", "parent_id"))
    by_path = {path: pk for pk, path, *_rest in rows}
    children: dict[str, int] = {}
    for _pk, path, *_rest in rows:
        if len(path) > Unit.steplen:
            parent = path[: -Unit.steplen]
            children[parent] = children.get(parent, 0) + 1
    problems: dict[str, list[int]] = {
        "evil_chars": [],
        "bad_steplen": [],
        "orphans": [],
        "wrong_depth": [],
        "wrong_numchild": [],
        "wrong_parent": [],
    }
    for pk, path, depth, numchild, parent_id in rows:
        parent = by_path.get(path[: -Unit.steplen]) if len(path) > Unit.steplen else None
        if any(char not in Unit.alphabet for char in path):
            problems["evil_chars"].append(pk)
        elif len(path) % Unit.steplen:
            problems["bad_steplen"].append(pk)
        elif len(path) > Unit.steplen and parent is None:
            problems["orphans"].append(pk)
        elif depth != len(path) // Unit.steplen:
            problems["wrong_depth"].append(pk)
        elif numchild != children.get(path, 0):
            problems["wrong_numchild"].append(pk)
        elif parent_id != parent:
            problems["wrong_parent"].append(pk)
    return {name: pks for name, pks in problems.items() if pks}


def test_tree_is_consistent_for_treebeard():
    assert tree_problems() == {}


def test_the_tree_check_finds_what_treebeard_finds():
    unit = Unit.objects.get(structure__code="2025", code="24")
    Unit.objects.filter(pk=unit.pk).update(numchild=unit.numchild + 1)
    leaf = Unit.objects.filter(numchild=0).first()
    Unit.objects.filter(pk=leaf.pk).update(depth=leaf.depth + 1)
    assert tree_problems() == {"wrong_numchild": [unit.pk], "wrong_depth": [leaf.pk]}


def test_communes_hang_under_their_district_in_2022():
    commune = Unit.objects.get(structure__code="2022", code="00001")  # Phúc Xá
    assert commune.full_name == "Phường Phúc Xá"
    assert commune.parent.full_name == "Quận Ba Đình"
    assert commune.parent.parent.full_name == "Thành phố Hà Nội"
    assert commune.get_parent() == commune.parent


def test_second_import_changes_nothing(capsys):
    before = Unit.objects.count(), Succession.objects.count()
    result = do_import_structure("2022")
    assert not result.changed
    assert result.unchanged == 11368
    assert (Unit.objects.count(), Succession.objects.count()) == before
    call_command("units", "import", "--structure", "2025")
    assert "nothing changed" in capsys.readouterr().out


def test_import_repairs_a_renamed_unit():
    unit = Unit.objects.get(structure__code="2025", code="24")
    Unit.objects.filter(pk=unit.pk).update(name="Sai tên", search_name="sai ten")
    result = do_import_structure("2025")
    assert result.updated == 1
    unit.refresh_from_db()
    assert unit.name == "Bắc Ninh"
    assert unit.search_name == "tinh bac ninh"


def test_successions_link_old_provinces_to_merged_ones():
    new_bac_ninh = Unit.objects.get(structure__code="2025", code="24")
    old = {s.predecessor.name for s in new_bac_ninh.predecessors.select_related("predecessor")}
    assert {"Bắc Ninh", "Bắc Giang"} <= old


def test_successions_link_old_communes_to_new_ones():
    # Phúc Xá (Ba Đình) went to phường Hồng Hà in 2025.
    old = Unit.objects.get(structure__code="2022", code="00001")
    assert [s.successor.name for s in old.successors.select_related("successor")] == ["Hồng Hà"]


def test_summary_command_prints_json(capsys):
    call_command("units", "summary", "--structure", "2022", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["structure"] == "2022"
    assert data["levels"]["district"] == 705


def test_summary_of_a_structure_not_loaded_says_how_to_load_it():
    Structure.objects.filter(code="2022").delete()
    with pytest.raises(Exception, match="congdong units import --structure 2022"):
        call_command("units", "summary", "--structure", "2022")


def test_import_restores_missing_units_with_a_valid_tree():
    district = Unit.objects.get(structure__code="2022", code="001")  # Ba Đình
    communes = {u.code for u in district.get_children()}
    Unit.objects.filter(pk__in=district.get_children().values("pk")).delete()
    assert Unit.objects.get(pk=district.pk).numchild == 0
    result = do_import_structure("2022")
    assert result.created == len(communes) == 14
    assert {u.code for u in Unit.objects.get(pk=district.pk).get_children()} == communes
    assert tree_problems() == {}
    assert not do_import_structure("2022").changed


def test_import_of_an_unknown_province_code_is_refused_and_changes_nothing():
    before = Unit.objects.count()
    with pytest.raises(Exception, match="no province with code 99"):
        call_command("units", "import", "--structure", "2025", "--provinces", "24,99")
    assert Unit.objects.count() == before
