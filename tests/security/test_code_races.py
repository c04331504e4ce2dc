"""Issue 15 §8: wrong codes raced in parallel got more comparisons than the limit.

An SMS code allowed 5 wrong tries, but the try was counted after the comparison: parallel
guesses all read "0 tries so far" and got 6–8 comparisons. Every secret is now counted before
it is compared, atomically (a conditional UPDATE for SMS codes, the cache's add + incr for
staff secrets). The guesses here run in threads that share the test's database connection,
so their statements interleave as parallel requests' do, inside the test's transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.utils import translation

from congdong.accounts.actions import citizens
from congdong.accounts.models import PhoneCode
from congdong.core.errors import ActionError
from congdong.core.ratelimit import RateLimited
from congdong.twofactor import actions as twofactor
from congdong_tools.demo.personas import CITIZEN
from tests.conftest import last_code
from tests.core.together import in_threads
from tests.twofactor.conftest import enrol

GUESSES = 60
ASKER = "203.0.113.20"


def in_parallel(count: int, guess: Callable[[int], str]) -> list[str]:
    """`guess(n)` in `count` threads released together; what each one answered."""
    shared = connections[DEFAULT_DB_ALIAS]
    shared.inc_thread_sharing()
    gate = threading.Barrier(count)
    answers: list[str] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        connections[DEFAULT_DB_ALIAS] = shared
        gate.wait()
        try:
            answer = guess(n)
        except Exception as exc:
            answer = f"error: {exc!r}"
        with lock:
            answers.append(answer)

    try:
        in_threads(count, one)
    finally:
        shared.dec_thread_sharing()
    return answers


def outcome(call: Callable[[], object]) -> str:
    try:
        with translation.override("en"):
            call()
    except RateLimited:
        return "refused"
    except ActionError as exc:
        with translation.override("en"):
            return "refused" if "Too many" in str(exc.message) else "compared"
    return "accepted"


@pytest.mark.django_db
def test_parallel_wrong_sms_codes_get_exactly_five_comparisons(sms_outbox):
    # Several rounds: a race shows in some rounds, not all (before, 6 in one round of three).
    for round_ in range(5):
        phone = citizens.request_code(f"+8491234560{round_}", ASKER)
        wrong = "000000" if last_code(sms_outbox) != "000000" else "111111"
        answers = in_parallel(
            GUESSES,
            lambda n, phone=phone, wrong=wrong: outcome(
                lambda: citizens.check_code(phone, wrong, ASKER)
            ),
        )
        # Never more than five comparisons (the old code compared 6-8), and exactly five tries
        # counted on the row. The threads share one connection here: on SQLite a thread can
        # read the row count of another thread's statement, so a counted try may be reported
        # refused; the row is the truth.
        assert answers.count("compared") <= 5, f"round {round_}: {sorted(set(answers))}"
        assert answers.count("compared") + answers.count("refused") == GUESSES
        assert PhoneCode.objects.get(phone=phone, used_at=None).attempts == 5


@pytest.mark.django_db
def test_parallel_guesses_from_other_addresses_have_their_own_five(sms_outbox):
    phone = citizens.request_code(CITIZEN["phone"], ASKER)
    right = last_code(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    answers = in_parallel(
        GUESSES,
        lambda n: outcome(lambda: citizens.check_code(phone, wrong, f"198.51.100.{n}")),
    )
    assert answers.count("compared") <= 5, sorted(set(answers))  # see the test above
    assert PhoneCode.objects.get(phone=phone, used_at=None).foreign_attempts == 5
    # The asker's own tries are untouched: the right code still works from there.
    assert citizens.check_code(phone, right, ASKER).phone == phone


@pytest.fixture
def enrolled(personas):
    staff = personas["kinhbac.canbo"]
    client = Client(REMOTE_ADDR=ASKER)
    client.force_login(staff)
    enrol(client)
    return staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    "wrong", ["000000", "aaaa-bbbb-cccc-dddd"], ids=["app-code", "recovery-code"]
)
def test_parallel_wrong_two_step_codes_get_exactly_five_comparisons(enrolled, wrong):
    answers = in_parallel(
        GUESSES, lambda n: outcome(lambda: twofactor.use_code(enrolled, wrong, ASKER))
    )
    assert answers.count("compared") == 5
    assert answers.count("refused") == GUESSES - 5
