#!/usr/bin/env bash
# Shows that CI catches a planted violation of each rule of docs/architecture.md that a
# check enforces (issue 17, points 1, 4, 5 and 6): in a scratch clone of HEAD, plant one
# violation at a time, run the check CI runs for it, and report whether it failed (it must).
#   scripts/plant_violations.sh        # from the project root, with .venv installed
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/tree" HEAD
trap 'git -C "$root" worktree remove --force "$work/tree"; rm -rf "$work"' EXIT
cd "$work/tree"
ln -s "$root/.venv" .venv
[ -d "$root/var/mypy-cache" ] && mkdir -p var && cp -r "$root/var/mypy-cache" var/
export PYTHONPATH="$PWD" CONGDONG_DATA_DIR="$work/data"
failures=0

plant() {  # plant NAME FILE TEXT CHECK...: append TEXT to FILE, run CHECK, restore FILE
  local name="$1" file="$2" text="$3"
  shift 3
  printf '%s\n' "$text" >>"$file"
  if "$@" >"$work/out.txt" 2>&1; then
    echo "NOT CAUGHT  $name"
    failures=$((failures + 1))
  else
    echo "caught      $name — $(grep -m1 -E 'BROKEN|FAILED|error|Error|rose|assert' "$work/out.txt" | cut -c1-150)"
  fi
  git checkout -q -- "$file"
}

plant "1 layers: pages imports the reporting app above it" congdong/pages/queries.py \
  "from congdong.insights import dashboard as _planted  # noqa: E402, F401" \
  .venv/bin/lint-imports
plant "4 owners: campaigns changes a post row itself" congdong/campaigns/actions.py \
  "def _planted(post_id):
    from congdong.posts.models import Post

    Post.objects.filter(pk=post_id).update(title='x')" \
  .venv/bin/pytest -q -p no:cacheprovider tests/core/test_writes_through_owners.py
plant "5 settings: a module reads a CONGDONG_ variable itself" congdong/posts/queries.py \
  "import os as _os  # noqa: E402
_PLANTED = _os.environ.get('CONGDONG_PLANTED', '')" \
  .venv/bin/pytest -q -p no:cacheprovider tests/core/test_configuration_doc.py
plant "6 types: a new type error" congdong/units/queries.py \
  "_planted: int = 'not a number'" \
  .venv/bin/python scripts/mypy_ratchet.py
exit "$failures"
