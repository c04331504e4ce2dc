"""What the benchmarks share: steps run in a child process against a throwaway database."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def child(module: str, env: dict[str, str], *args: str) -> dict:
    """Run `python -m module *args` with `env`; its last stdout line is JSON, returned."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def setup_django() -> None:
    """Django, in a child step (its environment names the database)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    django.setup()


def say(text: str) -> None:
    """Progress, on stderr: stdout carries the step's JSON."""
    print(text, file=sys.stderr, flush=True)
