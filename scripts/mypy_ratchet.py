"""The mypy ratchet of `make lint`: the count of type errors may only go down.

    python scripts/mypy_ratchet.py           # check (make lint runs this)
    python scripts/mypy_ratchet.py --update  # after fixing errors: write the lower count

mypy (with django-stubs; configuration in pyproject.toml [tool.mypy], incremental cache in
var/mypy-cache) checks congdong and congdong_tools. mypy-ratchet.json holds the number of
errors the code had when it was last lowered, and the count per file. The check fails when
the count is higher than that number (the files whose count rose are listed with their
errors), and also when it is lower, asking to lower the number with --update, so that the
room freed by a fix is not taken by the next new error. Only the total is enforced; the
counts per file say where errors were added or removed when files move.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-ratchet.json"
ERROR = re.compile(r"^(?P<path>[^:\s][^:]*\.pyi?):\d+(?::\d+)?: error: ")
SUMMARY = re.compile(r"^(Found \d+ errors? in \d+ files?|Success: no issues found)")


def run_mypy() -> tuple[Counter[str], list[str]]:
    """Errors per file, and mypy's error lines."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if result.returncode not in (0, 1) or not any(SUMMARY.match(line) for line in lines):
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"mypy did not finish its check (exit {result.returncode}); see above.")
    errors = [line for line in lines if ERROR.match(line)]
    counts: Counter[str] = Counter()
    for line in errors:
        match = ERROR.match(line)
        assert match is not None
        counts[match["path"]] += 1
    return counts, errors


def write(counts: Counter[str]) -> None:
    data = {
        "total": sum(counts.values()),
        "note": "mypy errors allowed (scripts/mypy_ratchet.py); only ever lowered",
        "files": dict(sorted(counts.items())),
    }
    BASELINE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--update", action="store_true", help="write the current count into mypy-ratchet.json"
    )
    args = parser.parse_args()
    counts, errors = run_mypy()
    total = sum(counts.values())
    if args.update:
        write(counts)
        print(f"mypy ratchet: {total} errors written to {BASELINE.name}")
        return
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    allowed = int(baseline["total"])
    before: dict[str, int] = baseline.get("files", {})
    if total > allowed:
        rose = sorted(path for path in counts if counts[path] > before.get(path, 0))
        print(f"mypy ratchet: {total} type errors, more than the {allowed} allowed.")
        print("Fix the new ones (files with more errors than before, and their errors):")
        for path in rose:
            print(f"  {path}: {before.get(path, 0)} -> {counts[path]}")
        for line in errors:
            if any(line.startswith(path + ":") for path in rose):
                print(f"    {line}")
        sys.exit(1)
    if total < allowed:
        fell = sorted(path for path in before if counts.get(path, 0) < before[path])
        print(f"mypy ratchet: {total} type errors, fewer than the {allowed} allowed. Good:")
        print("Lower the number: `python scripts/mypy_ratchet.py --update`, and commit")
        print(f"{BASELINE.name}.")
        print(f"Files with fewer errors: {', '.join(fell) or '(moved files)'}")
        sys.exit(1)
    print(f"mypy ratchet: {total} type errors, as allowed ({BASELINE.name}).")


if __name__ == "__main__":
    main()
