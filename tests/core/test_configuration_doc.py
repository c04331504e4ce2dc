"""docs/configuration.md is generated from the typed settings object (congdong/config.py): a
variable added, renamed or with a new default or meaning fails here until the table is made
again with `congdong settings-doc --output docs/configuration.md`."""

from __future__ import annotations

import re
from pathlib import Path

from congdong.config import Config, env_name, markdown

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"


def test_the_configuration_doc_is_generated_from_the_settings_object():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/configuration.md is out of date: run "
        "`congdong settings-doc --output docs/configuration.md`"
    )


def test_every_variable_has_a_meaning_and_a_section():
    for field, info in Config.model_fields.items():
        assert info.description and len(info.description) > 10, env_name(field)
        assert isinstance(info.json_schema_extra, dict), env_name(field)
        assert info.json_schema_extra.get("section"), env_name(field)


def test_no_module_reads_the_environment_but_the_settings_object():
    """Every CONGDONG_* variable (and DATABASE_URL, REDIS_URL …) is read through
    congdong.config; a new `os.environ.get(...)`/`os.getenv(...)` elsewhere fails here.
    Setting variables for a child process (`dict(os.environ, …)`) is not reading."""
    reads = re.compile(r"os\.environ\.get\(|os\.environ\[[^\]]+\](?!\s*=)|os\.getenv\(|getenv\(")
    found = []
    for folder in ("congdong", "congdong_tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if reads.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "read the variable through congdong/config.py:\n" + "\n".join(found)
