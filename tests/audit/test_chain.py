"""The audit log's hash chain: every appended row links to the one before; a row changed,
removed or slipped in past the app (its triggers turned off, as a database superuser could) is
found by `congdong audit verify`, which names the first row that does not fit; rows cut off the
end are found against a head digest kept from an earlier check."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from congdong.audit import chain
from congdong.audit.models import AuditEntry
from congdong.audit.record import record
from tests.audit.conftest import entry_at
from tests.core.test_backup_restore import empty_target, migrate, python_in

__all__ = ["empty_target"]  # fixture used here, defined there

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(readers) -> list[AuditEntry]:
    return [
        entry_at(readers.kinh_bac, actor=readers.province_admin),
        record(action="login", actor=readers.hanoi_admin, ip="2001:db8:0:0:0:0:0:1"),
        entry_at(readers.sibling, "feedback:answer", actor=readers.province_admin),
        record(action="login_failed", actor_name="ai-do", ip="10.0.0.7", status=403),
    ]


def verify(*options: str) -> tuple[int, dict, str]:
    """`congdong audit verify --json` in Vietnamese: (exit code, figures, what it said)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with translation.override("vi"):
        try:
            call_command("audit", "verify", "--json", *options, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = exit_.code
    return code, json.loads(out.getvalue()), err.getvalue()


def said(*options: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with translation.override("vi"):
        try:
            call_command("audit", "verify", *options, stdout=out, stderr=err, verbosity=0)
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue() + err.getvalue()


def past_the_app(sql: str, params: tuple = ()) -> None:
    """Run `sql` with the append-only trigger off, as whoever owns the database could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)


def test_each_row_links_to_the_one_before(rows):
    stored = list(AuditEntry.objects.order_by("pk"))
    assert stored[0].prev == chain.GENESIS
    for before, after in itertools.pairwise(stored):
        assert after.prev == before.digest
    assert len({row.digest for row in stored}) == 4
    code, figures, _said = verify()
    assert code == 0
    assert figures["intact"] and figures["rows"] == figures["chained"] == 4
    assert figures["head"] == stored[-1].digest


def test_the_check_says_intact_and_prints_the_head_in_vietnamese(rows):
    code, text = said()
    assert code == 0
    assert "Nhật ký thao tác nguyên vẹn: 4 dòng" in text
    assert AuditEntry.objects.order_by("-pk")[0].digest in text


def test_a_row_changed_past_the_app_is_named(rows):
    past_the_app(
        "UPDATE audit_auditentry SET actor_name = 'người khác' WHERE id = %s", (rows[1].pk,)
    )
    code, figures, _said = verify()
    assert code == 1
    assert not figures["intact"]
    assert figures["broken_at"] == rows[1].pk and figures["reason"] == "content"
    code, text = said()
    assert code == 1 and f"dòng {rows[1].pk}" in text and "đã bị sửa" in text


def test_a_row_removed_past_the_app_breaks_the_next_link(rows):
    past_the_app("DELETE FROM audit_auditentry WHERE id = %s", (rows[1].pk,))
    code, figures, _said = verify()
    assert code == 1
    assert figures["broken_at"] == rows[2].pk and figures["reason"] == "link"


def test_a_row_slipped_in_past_the_app_is_found(rows):
    past_the_app(
        "INSERT INTO audit_auditentry (at, actor_name, via, method, path, action, object_type,"
        " object_id, object_text, unit_path, unit_name, outcome, prev, digest)"
        " VALUES (%s, 'ai đó', 'web', 'POST', '/', 'posts:approve', '', '', '', '', '', 'done',"
        " '', '')",
        (rows[0].at,),
    )
    slipped = AuditEntry.objects.order_by("-pk")[0].pk
    code, figures, _said = verify()
    assert code == 1 and figures["reason"] == "unchained" and figures["broken_at"] == slipped
    # The log goes on: the next row links to the last chained one, and the slipped row is
    # still the one named.
    after = record(action="logout", actor_name="Người thử")
    assert after.prev == rows[-1].digest
    assert verify()[1]["broken_at"] == slipped


def test_rows_cut_off_the_end_are_found_against_a_kept_head(rows):
    _code, figures, _said = verify()
    kept = figures["head"]
    record(action="logout", actor_name="Người thử")
    assert verify("--head", kept)[0] == 0  # the chain grew past the kept head: fine
    past_the_app("DELETE FROM audit_auditentry WHERE id >= %s", (rows[3].pk,))
    code, figures, _said = verify("--head", kept)
    assert code == 1
    assert figures["kept_head_found"] is False and not figures["intact"]
    assert verify()[0] == 0  # without the kept head, a shorter chain still holds together
    assert "bị cắt" in said("--head", kept)[1]


def test_a_malformed_head_is_refused_with_a_message(rows):
    with translation.override("vi"), pytest.raises(CommandError, match="64 ký tự"):
        call_command("audit", "verify", "--head", "xyz", stdout=io.StringIO())


def test_the_trigger_survives_the_chain_migration(rows):
    """SQLite builds the table anew to add the chain's columns; its UPDATE trigger is made
    again (PostgreSQL keeps it)."""
    from django.db import DatabaseError, transaction

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET prev = ''")


PARALLEL_APPENDS = """
import threading
from django.db import connections
from congdong.audit.integrity import verify_log
from congdong.audit.record import record
start = threading.Barrier(8)
errors = []
def append(n):
    try:
        start.wait()
        for i in range(6):
            record(action="posts:approve", actor_name=f"Luồng {n}", path=f"/luong/{n}/{i}")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()
threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
verdict = verify_log()
print(json.dumps([errors, verdict.intact, verdict.rows, verdict.chained]))
"""


@pytest.mark.slow
def test_parallel_appends_make_one_chain(empty_target):
    """Rows appended at the same instant by 8 threads, each with its own connection, in a new
    installation (its own committed database: a transactional test here would flush the
    session's units). PostgreSQL: all read the same last row, the unique link refuses all but
    one, and the others link again; SQLite: the write lock is taken when the transaction
    starts. Either way one chain, no fork, no row lost."""
    migrate(empty_target)
    errors, intact, count, chained = python_in(empty_target, PARALLEL_APPENDS)
    assert errors == []
    assert intact and count == chained == 48


def test_the_worker_checks_the_chain_daily_and_logs_an_error_while_broken(rows, caplog):
    from congdong.audit.tasks import check_audit_chain
    from congdong.worker.jobs import JOBS

    job = next(job for job in JOBS if job.name == "check-audit-chain")
    assert job.interval() == 86_400
    assert check_audit_chain() == 0
    past_the_app("UPDATE audit_auditentry SET ip = '10.9.9.9' WHERE id = %s", (rows[3].pk,))
    with caplog.at_level("ERROR", logger="congdong.audit"):
        assert check_audit_chain() == 1
    assert f"broken at row {rows[3].pk}" in caplog.text
