"""`congdong bench staff-pages` on a sample: every staff page of the URL map answers its
persona with 200, and the figures come in the report's shape (no timing asserts: the figures
belong to the machine)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from congdong_tools.bench.staff_pages.measure import measure
from congdong_tools.bench.staff_pages.pages import ACTIONS, PAGES, staff_routes, unmapped
from congdong_tools.demo.build import build

pytestmark = pytest.mark.slow
# Every staff page answering 200 to its persona, with its figures, is the same check on either
# backend (the staff pages' queries run on both in their own tests, and `congdong bench
# staff-pages --database-url postgres://…` measures PostgreSQL): CI runs it once, in the SQLite
# pass, which is the shorter of the two.
once_in_ci = pytest.mark.backend_neutral

PERSONAS = {
    "tw.bientap",  # central editor
    "bacninh.quantri",  # province admin
    "kinhbac.canbo",  # commune operator (and feedback officer)
    "tw.thongke",  # analyst
    "bacninh.thongke",
    "hanoi.kiemduyet",  # moderator
    "tw.baovedulieu",  # data protection officer
    "tw.quantri",  # central admin (the handbook)
}


@pytest.fixture
def sample_demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ROOT_URLCONF = "congdong_tools.bench.urls"  # the hello-world baseline
    build(lambda _text: None, import_units=False, sample=True)


@once_in_ci
def test_every_staff_page_answers_its_persona_and_is_measured(sample_demo):
    said: list[str] = []
    figures = measure(1, said.append, more_sign_ins=2)
    rows = figures["rows"]
    assert [(row["page"], row["persona"]) for row in rows] == [
        (page.name, page.persona) for page in PAGES
    ]
    assert [row for row in rows if row["status"] != 200] == []
    assert figures["pages_not_200"] == 0 and figures["pages_measured"] == len(PAGES)
    assert set(figures["personas_used"].split(",")) == PERSONAS
    assert figures["unmapped_routes"] == ""
    for row in rows:
        assert row["p95_ms"] >= row["p50_ms"] > 0 and row["first_ms"] > 0
        assert row["queries"] > 0 and row["path"].startswith("/")
    assert figures["hello_p95_ms"] >= figures["hello_p50_ms"] > 0
    assert figures["signin_p95_ms"] >= figures["signin_p50_ms"] > 0
    # Progress: one line per page, after the baseline and the sign-in.
    assert said[0].startswith("hello-world") and said[1].startswith("sign-in")
    assert len(said) == 2 + len(PAGES)


def test_the_url_map_has_no_staff_route_left_out_of_the_bench():
    routes = set(staff_routes())
    assert unmapped() == []
    assert routes <= {page.name for page in PAGES} | ACTIONS
    # Actions are routes of the map too: a renamed one is not silently kept here.
    assert routes >= ACTIONS


def test_the_bench_is_listed(capsys):
    call_command("bench", "--list")
    assert "staff-pages" in capsys.readouterr().out
