"""The project as an operator meets it: the command line, settings, the API description."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment, less what the e2e browser fixture sets for its own thread."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **extra}


def congdong(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "congdong.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(**(env or {})),
        timeout=300,
    )


def test_help_lists_congdong_subcommands():
    out = congdong("--help").stdout
    for command in ("demo", "units", "bench", "migrate"):
        assert f"  {command} " in out


def test_units_help_lists_import_and_summary():
    out = congdong("units", "--help").stdout
    assert "import" in out and "summary" in out


def test_deploy_check_is_clean_with_production_values(tmp_path):
    production = {
        "CONGDONG_DATA_DIR": str(tmp_path),
        "CONGDONG_DEBUG": "false",
        "CONGDONG_HTTPS": "true",
        "CONGDONG_SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-Key-1234567890",
        "CONGDONG_ALLOWED_HOSTS": "congdong.example.vn",
        # Behind the reverse proxy production runs on (issue 15: congdong.E001 without it).
        "CONGDONG_TRUSTED_PROXIES": "10.0.0.2",
        "CONGDONG_SITE_URL": "https://congdong.example.vn",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(**production, DJANGO_SETTINGS_MODULE="congdong.settings"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"CONGDONG_DATA_DIR": str(tmp_path), "CONGDONG_SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = congdong("shell", "-c", code, env=env).stdout.strip()
    second = congdong("shell", "-c", code, env=env).stdout.strip()
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.slow
# The bench imports into its own SQLite database whichever the suite's: once in CI, in the
# PostgreSQL pass (`--database-url postgres://…` measures PostgreSQL).
@pytest.mark.backend_neutral(run_in="postgres")
def test_units_import_bench_prints_one_json_object_with_goal_met(tmp_path):
    result = congdong("bench", "units-import", "--json", env={"CONGDONG_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["benchmark"] == "units-import"
    assert data["figures"]["units_2022"] == 11368
    assert data["figures"]["second_run_changed_anything"] is False
    assert isinstance(data["goal_met"], bool)
    assert "cpus" in data["machine"]
