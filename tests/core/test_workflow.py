# ruff: noqa: F811  (tests take the imported fixture `world` as an argument)
"""The one workflow mechanism (congdong.core.workflow): graphs checked when declared, deadlines
in the graph, one `move()` (guarded: of two movers one wins), the one overdue sweep."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connections
from django.utils import translation

from congdong.breaches import actions as breach_actions
from congdong.breaches.models import BREACH_STATES, Breach, BreachState, BreachTransition
from congdong.core.errors import ActionError
from congdong.core.workflow.graph import Deadline, GraphError, StateGraph
from congdong.core.workflow.models import Transition
from congdong.core.workflow.move import move
from congdong.core.workflow.sweep import REGISTRY, sweep_all
from tests.breaches.conftest import (
    DISCOVERED,
    NOW,
    World,
    fields,
    world,  # noqa: F401  (the breach tests' fixture)
)
from tests.clock import vn
from tests.core.together import in_threads

S = BreachState


# --- graphs are checked when declared -------------------------------------------------------


def test_a_sound_graph_is_accepted_with_its_start_and_deadlines():
    graph = StateGraph(
        moves={"new": frozenset({"open"}), "open": frozenset({"done", "open"})},
        needs_reason=frozenset({("open", "open")}),
        automatic=frozenset({("new", "open")}),
        deadlines={"open": Deadline(hours=8, working=True, told_field="told_at")},
    )
    assert graph.start == "new"
    assert graph.allowed("new", "open") and not graph.allowed_for_person("new", "open")
    assert graph.deadline("open").length() == 8


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        # no start state: every state is entered by some move
        ({"moves": {"a": frozenset({"b"}), "b": frozenset({"a"})}}, "exactly one start"),
        # two start states
        ({"moves": {"a": frozenset({"c"}), "b": frozenset({"c"})}}, "exactly one start"),
        # a declared state nothing reaches
        (
            {"moves": {"a": frozenset({"b"}), "c": frozenset({"c"})}, "start": "a"},
            "not reachable",
        ),
        ({"moves": {"a": frozenset({"b"})}, "states": ["a", "b", "c"]}, "exactly one start"),
        (
            {"moves": {"a": frozenset({"b"}), "c": frozenset({"d"}), "d": frozenset({"c"})}},
            "not reachable",
        ),
        # moves naming a state that is not declared
        ({"moves": {"a": frozenset({"z"})}, "states": ["a", "b"]}, "not declared"),
        # a start that is not a state
        ({"moves": {"a": frozenset({"b"})}, "start": "q"}, "start state"),
        # needs_reason / automatic on moves that do not exist
        (
            {"moves": {"a": frozenset({"b"})}, "needs_reason": frozenset({("b", "a")})},
            "needs_reason",
        ),
        ({"moves": {"a": frozenset({"b"})}, "automatic": frozenset({("a", "a")})}, "automatic"),
        # a deadline on a state that is not declared
        ({"moves": {"a": frozenset({"b"})}, "deadlines": {"x": Deadline(hours=1)}}, "deadlines"),
        ({"moves": {"a": frozenset({"b"})}, "deadlines": {"a": 24}}, "not a Deadline"),
    ],
)
def test_a_bad_graph_is_refused_when_declared(kwargs, says):
    with pytest.raises(GraphError, match=says):
        StateGraph(**kwargs)


def test_a_deadline_is_in_hours_or_in_working_days():
    with pytest.raises(GraphError):
        Deadline()
    with pytest.raises(GraphError):
        Deadline(hours=1, days=1)


def test_a_deadline_set_for_each_subject_has_no_hours_nor_length():
    given = Deadline(given=True, due_field="campaign__deadline", told_field="overdue_at")
    with pytest.raises(GraphError):
        given.length()
    with pytest.raises(GraphError):
        Deadline(given=True, hours=1)


def test_deadlines_count_wall_clock_hours_or_the_office_calendar(db, settings):
    settings.BREACH_NOTICE_HOURS = 72
    saturday = vn(2026, 3, 7, 22, 0)
    assert BREACH_STATES.deadline(S.RECORDED).due(saturday) == vn(2026, 3, 10, 22, 0)
    friday = vn(2026, 3, 6, 14, 0)  # 2 whole working days: the weekend skipped
    assert Deadline(days=2).due(friday) == vn(2026, 3, 10, 14, 0)
    assert Deadline(hours=1, working=True).due(vn(2026, 3, 7, 9, 0)) == vn(2026, 3, 9, 8, 30)


def test_every_transition_model_has_the_one_set_of_fields():
    from django.apps import apps

    common = {"from_state", "to_state", "actor", "reason", "at"}
    for model in apps.get_models():
        if model.__name__.endswith("Transition") and issubclass(model, Transition):
            names = {f.name for f in model._meta.get_fields()}
            assert common <= names, model
            assert model._meta.get_field("at").db_index


def test_every_workflow_moves_on_the_one_transition_model():
    from django.apps import apps

    from congdong.campaigns.models import Campaign
    from congdong.channels.models import FakeReport
    from congdong.core.workflow.models import transition_model
    from congdong.engagement.models import Comment
    from congdong.handbook.models import BoardPost, HandbookRevision
    from congdong.insights.models import Export
    from congdong.moderation.models import Appeal, Case
    from congdong.pages.models import Page
    from congdong.posts.models import Post, PostRevision
    from congdong.syndication.models import Delivery

    # No transition model with fields of its own is left.
    own = [
        m.__name__
        for m in apps.get_models()
        if m.__name__.endswith("Transition") and not issubclass(m, Transition)
    ]
    assert own == []
    subjects = (Page, Post, PostRevision, Comment, Campaign, HandbookRevision, BoardPost, Case)
    for subject in (*subjects, Appeal, Delivery, Export, FakeReport, Breach):
        assert transition_model(subject).graph.field in {f.name for f in subject._meta.fields}


# --- move() ---------------------------------------------------------------------------------


@pytest.fixture
def breach(world: World) -> Breach:
    return breach_actions.record(world.commune_dpo, fields(world.kinh_bac), now=NOW)


def test_a_move_updates_the_row_records_it_and_runs_its_hooks_after_commit(
    world, breach, django_capture_on_commit_callbacks
):
    ran = []
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        row = move(
            breach,
            S.NOTIFIED,
            by=world.commune_dpo,
            at=NOW,
            changes={"notice_reference": "15/TB"},
            on_commit=[lambda: ran.append("told")],
        )
    assert len(hooks) == 1 and ran == ["told"]
    assert (row.from_state, row.to_state, row.actor, row.at) == (
        S.RECORDED,
        S.NOTIFIED,
        world.commune_dpo,
        NOW,
    )
    assert Breach.objects.get(pk=breach.pk).notice_reference == "15/TB"
    assert breach.state == S.NOTIFIED
    assert (
        list(BreachTransition.objects.filter(breach=breach).values_list("to_state", flat=True))[-1]
        == S.NOTIFIED
    )


def test_a_move_the_graph_does_not_have_is_refused_in_vietnamese(world, breach):
    with translation.override("vi"), pytest.raises(ActionError) as refused:
        move(breach, S.RECORDED, by=world.commune_dpo)
    assert "cannot" not in str(refused.value.message)
    assert "chuyển" in str(refused.value.message)
    assert Breach.objects.get(pk=breach.pk).state == S.RECORDED


def test_a_move_that_needs_a_reason_is_refused_without_one(world, breach):
    with pytest.raises(ActionError):
        move(breach, S.CLOSED, by=world.commune_dpo, reason="  ")
    assert BreachTransition.objects.filter(breach=breach).count() == 1


def test_a_workers_move_is_refused_to_a_person():
    from congdong.posts.models import POST_STATES, PostState

    assert not POST_STATES.allowed_for_person(PostState.SCHEDULED, PostState.PUBLISHED)


def test_of_two_movers_who_saw_the_same_state_the_second_is_told_and_changes_nothing(world, breach):
    first, second = Breach.objects.get(pk=breach.pk), Breach.objects.get(pk=breach.pk)
    move(first, S.NOTIFIED, by=world.commune_dpo, at=NOW)
    with translation.override("vi"), pytest.raises(ActionError) as late:
        move(second, S.CLOSED, by=world.province_admin, reason="Không phải vi phạm", at=NOW)
    assert "thay đổi" in str(late.value.message)
    assert Breach.objects.get(pk=breach.pk).state == S.NOTIFIED
    assert BreachTransition.objects.filter(breach=breach).count() == 2


def test_a_lost_race_inside_the_callers_transaction_leaves_it_usable(world, breach):
    from django.db import transaction

    first, second = Breach.objects.get(pk=breach.pk), Breach.objects.get(pk=breach.pk)
    move(first, S.NOTIFIED, by=world.commune_dpo, at=NOW)
    with transaction.atomic():
        with pytest.raises(ActionError):
            move(second, S.CLOSED, by=world.province_admin, reason="Không phải vi phạm", at=NOW)
        # Nothing was written, and the transaction goes on (no savepoint needed).
        move(first, S.CLOSED, by=world.province_admin, reason="Đã khắc phục xong", at=NOW)
    assert Breach.objects.get(pk=breach.pk).state == S.CLOSED
    assert BreachTransition.objects.filter(breach=breach).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_one_wins(world):
    """Movers in threads, each on its own database connection and transaction (as parallel
    requests are), released together: exactly one moves the breach, the others are told, and
    one transition row is written. (SQLite and PostgreSQL: `make test-postgres`.)"""
    breach = breach_actions.record(world.commune_dpo, fields(world.kinh_bac), now=NOW)
    gate = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        try:
            mine = Breach.objects.get(pk=breach.pk)
            gate.wait()
            result = ""
            for _try in range(500):
                try:
                    move(mine, S.CLOSED, by=world.commune_dpo, reason=f"Không phải vi phạm {n}")
                    result = "moved"
                except ActionError:
                    result = "refused"
                except OperationalError as exc:
                    # SQLite's in-memory test database answers "table is locked" at once where
                    # a file database (the product's) waits its busy timeout: wait, then again.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                break
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    in_threads(4, one)
    assert sorted(outcomes) == ["moved", "refused", "refused", "refused"]
    assert BreachTransition.objects.filter(breach=breach, to_state=S.CLOSED).count() == 1
    assert Breach.objects.get(pk=breach.pk).state == S.CLOSED


# --- the one overdue sweep ------------------------------------------------------------------


def test_the_sweep_runs_every_workflows_deadlines_once(world, breach):
    assert {"breaches", "privacy", "takedown"} <= set(REGISTRY)
    due = breach.notice_due_at
    assert due == DISCOVERED + datetime.timedelta(hours=72)
    assert sweep_all(due - datetime.timedelta(minutes=1))["breaches"] == 0
    assert sweep_all(due + datetime.timedelta(minutes=1))["breaches"] == 1
    assert sweep_all(due + datetime.timedelta(hours=5))["breaches"] == 0  # told once
    assert Breach.objects.get(pk=breach.pk).alarmed_at == due + datetime.timedelta(minutes=1)


def test_a_subject_moved_out_of_the_state_is_not_swept(world, breach):
    move(breach, S.NOTIFIED, by=world.commune_dpo, at=NOW)
    assert sweep_all(breach.notice_due_at + datetime.timedelta(hours=1))["breaches"] == 0
