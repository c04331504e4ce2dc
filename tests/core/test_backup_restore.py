"""`congdong backup` and `congdong restore` as an operator runs them.

The round trip backs up a database with real data (the unit trees, personas, pages with an
avatar, a published post, feedback with attachments, stored insights events and their figures and
reach sketches), restores it in another process into an empty data folder and an empty database
(a scratch PostgreSQL database on the PostgreSQL pass), and compares counts, report figures and
media bytes. The refusals check that a bad backup or a non-empty target changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from congdong import events
from congdong.core import backup
from congdong.insights import figures
from congdong.insights.figures import Period
from congdong.insights.models import EventKind, ReachSketch
from congdong.pages.actions import check_pictures, do_pictures
from congdong.posts import actions as posts
from congdong.units.models import Unit
from congdong_tools.bench import steps
from tests.feedback.conftest import send
from tests.posts.conftest import Pages, pages, regulation, submitted
from tests.uploads import pdf, picture

__all__ = ["pages", "regulation"]  # fixtures used here, defined there

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime.datetime(2026, 3, 2, 10, tzinfo=VN)
SCRATCH = f"congdong_restore_test_{os.getpid()}"


def _server_url() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST']}:{s['PORT'] or 5432}"


def _admin(sql: str) -> None:
    with psycopg.connect(_server_url() + "/postgres", autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def empty_target(tmp_path):
    """The environment of an empty installation: a new data folder and an empty database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CONGDONG_DATA_DIR"] = str(tmp_path / "restored")
    env["DJANGO_SETTINGS_MODULE"] = "congdong.settings"
    if connection.vendor == "postgresql":
        _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{SCRATCH}"')
        env["DATABASE_URL"] = f"{_server_url()}/{SCRATCH}".replace("postgresql://", "postgres://")
    yield env
    if connection.vendor == "postgresql":
        _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


def congdong(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "congdong.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def migrate(env: dict[str, str]) -> None:
    """`congdong migrate` in the empty installation of `env`, from a copy of the database these
    same migrations made once on this machine (congdong_tools.bench.steps: 15 s of CPU less each
    time); the test database of this run was migrated for real."""
    folder = Path(env["CONGDONG_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    url = env.get("DATABASE_URL") or f"sqlite:///{folder / 'congdong.sqlite3'}"
    steps.migrate(dict(env, DATABASE_URL=url), print)


def python_in(env: dict[str, str], code: str) -> object:
    """What `code` prints as JSON, run with Django set up in the installation of `env`."""
    done = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def totals_of(unit: Unit) -> dict:
    """figures.totals of `unit` since March 2026: every level, reach from the unioned sketches."""
    return figures.totals(unit, Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)))


TOTALS_IN = (
    "from tests.core.test_backup_restore import totals_of; from congdong.units.models import Unit; "
    "print(json.dumps(totals_of(Unit.objects.get(structure__code='2025', code='24'))))"
)


def report(*args: str) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"  # feedback files (core/private_files.py)
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(media, personas, pages: Pages) -> Pages:
    """Real data of every kind the backup must carry, committed (pg_dump reads committed rows)."""
    admin, editor = personas["bacninh.quantri"], personas["kinhbac.canbo"]
    page, cleaned = check_pictures(admin, pages.bac_ninh.pk, picture(name="logo.png"), None)
    do_pictures(page, cleaned)
    draft = submitted(editor, pages.kinh_bac)
    posts.approve(admin, draft.pk)
    post = posts.publish_or_schedule(editor, draft.pk)
    from tests.engagement.conftest import citizen

    an = citizen("+84912000001", "Nguyễn Văn An")
    send(an, pages.kinh_bac.unit, files=[picture(), pdf()])
    send(an, pages.bac_ninh.unit, now=DAY)
    batch = [
        *(events.make(EventKind.PAGE_VIEW, pages.kinh_bac.pk, visitor=v, at=DAY) for v in "abc"),
        *(
            events.make(EventKind.POST_VIEW, pages.kinh_bac.pk, post_id=post.pk, visitor=v, at=DAY)
            for v in "ad"
        ),
        events.make(EventKind.PAGE_VIEW, pages.bac_ninh.pk, visitor="e", at=DAY),
    ]
    assert events.store(batch) == len(batch)
    assert ReachSketch.objects.exists()  # the sketches are rows: they travel with the database
    return pages


@pytest.mark.slow  # restores into a new installation, migrated in a subprocess
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_the_same_rows_figures_and_media(
    installation, tmp_path, empty_target
):
    archive = tmp_path / "congdong.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out, stderr=io.StringIO())

    assert archive.is_file() and str(archive) in out.getvalue()
    print(out.getvalue())  # size and time of the backup, for the record (pytest -s)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["row_counts"] == backup.current_counts()
    assert manifest["last_migrations"]["feedback"] == manifest["migrations"]["feedback"][-1]
    assert manifest["row_counts"]["insights_reachsketch"] > 0

    done = congdong(empty_target, "restore", str(archive))

    assert done.returncode == 0, done.stderr
    print(done.stdout)
    code = "from congdong.core.backup import current_counts; print(json.dumps(current_counts()))"
    assert python_in(empty_target, code) == backup.current_counts()
    restored = Path(empty_target["CONGDONG_DATA_DIR"])
    originals = files_of(Path(backup.settings.MEDIA_ROOT))
    private = files_of(Path(backup.settings.PRIVATE_ROOT))
    assert any(name.startswith("feedback/") for name in private)
    assert any(name.startswith("pages/avatars/") for name in originals)
    assert files_of(restored / "media") == originals
    assert files_of(restored / "private") == private
    today = timezone.localdate().isoformat()
    coverage = ("report", "coverage", "--structure", "2025", "--as-of", today, "--unit", "24")
    page = ("report", "page", installation.kinh_bac.slug, "--from", "2026-03-01", "--to", today)
    for args in (coverage, page):
        here = report(*args[1:], "--format", "json")
        there = congdong(empty_target, *args, "--format", "json")
        assert there.returncode == 0, there.stderr
        assert json.loads(there.stdout) == here
    totals = totals_of(installation.bac_ninh.unit)
    assert totals["reach"] > 0  # the events were counted and sketched before the backup
    assert python_in(empty_target, TOTALS_IN) == totals

    again = congdong(empty_target, "restore", str(archive))  # the target now holds data
    assert again.returncode != 0
    assert "--force" in again.stderr

    forced = congdong(empty_target, "restore", "--force", str(archive))  # replaces it in place
    assert forced.returncode == 0, forced.stderr
    assert python_in(empty_target, code) == backup.current_counts()


# --- refusals: a bad backup or a non-empty target changes nothing ------------------------------


def write_archive(
    path: Path, manifest: dict | None = None, members: dict[str, bytes] | None = None
) -> Path:
    """A backup built by hand: a manifest (whose sha256 lists `members`) and the members."""
    members = {backup.SQLITE_MEMBER: b"not really a database"} if members is None else members
    base = {
        "format": backup.FORMAT,
        "format_version": backup.FORMAT_VERSION,
        "app_version": backup.app_version(),
        "database_vendor": connection.vendor,
        "database_member": next(iter(members), backup.SQLITE_MEMBER),
        "migrations": {"feedback": ["0001_initial"]},
        "row_counts": {},
        "media_files": 0,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(base | (manifest or {})).encode()}.items():
            _add(tar, name, data)
        for name, data in members.items():
            _add(tar, name, data)
    return path


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def restore_refused(path: Path, *options: str) -> str:
    before = backup.current_counts()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), *options, stdout=io.StringIO(), stderr=io.StringIO())
    assert backup.current_counts() == before  # nothing changed
    return str(refused.value)


@pytest.fixture
def kept_media(media) -> Path:
    (media / "pages").mkdir(parents=True)
    (media / "pages" / "keep.png").write_bytes(b"kept")
    return media


def test_a_file_that_is_not_a_backup_is_refused(db, kept_media, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(os.urandom(4000))

    message = restore_refused(junk, "--force")

    assert "Nothing was changed" in message or "Không thay đổi" in message
    assert files_of(kept_media) == {"pages/keep.png": b"kept"}


def test_a_truncated_backup_is_refused(db, kept_media, tmp_path):
    whole = write_archive(
        tmp_path / "whole.tar.gz", members={backup.SQLITE_MEMBER: os.urandom(200_000)}
    )
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[:50_000])

    restore_refused(cut, "--force")

    assert files_of(kept_media) == {"pages/keep.png": b"kept"}


def test_a_member_whose_checksum_is_wrong_is_refused(db, kept_media, tmp_path):
    archive = write_archive(
        tmp_path / "b.tar.gz",
        manifest={"sha256": {backup.SQLITE_MEMBER: "0" * 64}},
    )

    message = restore_refused(archive, "--force")

    assert backup.SQLITE_MEMBER in message
    assert files_of(kept_media) == {"pages/keep.png": b"kept"}


def test_a_backup_from_newer_code_is_refused(db, kept_media, tmp_path):
    archive = write_archive(
        tmp_path / "b.tar.gz", manifest={"migrations": {"feedback": ["9999_from_the_future"]}}
    )

    message = restore_refused(archive, "--force")

    assert "feedback.9999_from_the_future" in message


def test_another_format_version_or_database_is_refused(db, kept_media, tmp_path):
    newer = write_archive(tmp_path / "v.tar.gz", manifest={"format_version": 99})
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    elsewhere = write_archive(tmp_path / "o.tar.gz", manifest={"database_vendor": other})

    assert "99" in restore_refused(newer, "--force")
    assert other in restore_refused(elsewhere, "--force")


def test_a_member_outside_the_backup_folder_is_refused(db, kept_media, tmp_path):
    archive = write_archive(tmp_path / "b.tar.gz", members={"../escape.txt": b"x"})

    restore_refused(archive, "--force")

    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_target_with_data_needs_force(db, personas, kept_media, tmp_path):
    archive = write_archive(tmp_path / "b.tar.gz")  # checks pass; the target is the problem

    message = restore_refused(archive)

    assert "--force" in message
    assert files_of(kept_media) == {"pages/keep.png": b"kept"}


def test_a_refusal_exits_non_zero_with_a_vietnamese_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CONGDONG_DATA_DIR"] = str(tmp_path / "empty")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")

    done = congdong(env, "restore", str(junk))

    assert done.returncode != 0
    assert "Không thay đổi" in done.stderr
