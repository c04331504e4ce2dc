"""The README says what the demo has: every persona of congdong_tools/demo/personas.py, with its
roles, in the Vietnamese and the English logins tables; the demo's options; how to get the
browser the e2e tests drive. The console's own list names every role too."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import load_command_class
from django.utils import translation

from congdong.cli import print_help
from congdong_tools.demo.personas import PERSONAS, Persona

ROOT = Path(__file__).resolve().parents[2]
VI, EN = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## English\n")
PARTS = {"vi": VI, "en": EN}


def _row(part: str, login: str) -> str:
    rows = [line for line in PARTS[part].splitlines() if line.startswith(f"| `{login}` |")]
    assert len(rows) == 1, f"README ({part}): no logins table row for {login}"
    return rows[0]


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.username)
def test_every_persona_is_in_the_readme_with_its_roles(persona: Persona, part: str):
    row = _row(part, persona.username)
    assert persona.full_name in row
    with translation.override(part):
        for _organisation, _unit, role in persona.roles:
            assert str(role.label) in row, f"{persona.username}: {role.label}"


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.username)
def test_the_consoles_list_names_every_role_of_a_persona(persona: Persona):
    with translation.override("en"):
        for _organisation, _unit, role in persona.roles:
            assert str(role.label).lower() in persona.description.lower(), persona.username


@pytest.mark.parametrize("part", PARTS)
def test_the_readme_has_the_admin_the_citizen_the_demo_options_and_chromium(part: str):
    assert _row(part, "admin")
    text = PARTS[part]
    for needed in ("0912 345 678", "--addrport", "--citizens", "apt-get install chromium"):
        assert needed in text, f"README ({part}) does not say {needed}"


def test_help_says_where_the_demo_serves(capsys):
    print_help()
    assert "--addrport" in capsys.readouterr().out
    demo = load_command_class("congdong_tools", "demo").create_parser("congdong", "demo")
    text = demo.format_help()
    assert "--addrport" in text and "Address and port" in text and "--citizens" in text
