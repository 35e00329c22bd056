"""supervisor.run with real worker processes: results, crashes, limits, the DAG, no leaks."""

from __future__ import annotations

import os
import signal
import threading
import time

import orjson
import pytest

import supervisor
from supervisor import Event
from tests.supervisor.helpers import alive, limits, run, task, wait_dead

MIB = 1 << 20


def started_pids(events: list[Event]) -> list[int]:
    return [e.outcome.pid for e in events if e.kind == "started" and e.outcome.pid is not None]


def test_ok_passes_the_result_through_and_fills_every_field() -> None:
    payload = {"rows": [1, 2, 3], "name": "ação"}
    result, events = run([task("a", "ok", payload, group="g")], limits())
    outcome = result.outcomes["a"]
    assert (outcome.status, outcome.reason, outcome.result) == ("OK", None, payload)
    assert (outcome.exit_code, outcome.signal, outcome.group) == (0, None, "g")
    assert outcome.pid and outcome.peak_rss_bytes and outcome.peak_rss_bytes > MIB
    assert outcome.started_at <= outcome.finished_at and outcome.duration_ms is not None
    assert [(e.kind, e.outcome.status) for e in events] == [
        ("started", "RUNNING"),
        ("finished", "OK"),
    ]
    assert result.interrupted_by is None
    assert orjson.loads(orjson.dumps(outcome.to_json()))["result"] == payload
    assert not alive(outcome.pid)


CRASHES = [
    ("raise_error", 2, "exception", {"type": "ValueError", "message": "bad payload: 2"}, 1),
    ("exit_code", 3, "exit_code", {"exit_code": 3}, 3),
    ("segfault", None, "signal", {"signal": "SIGSEGV"}, -11),
    (
        "no_result",
        None,
        "exit_code",
        {"exit_code": 0, "message": "exited without sending a result"},
        0,
    ),
]


@pytest.mark.parametrize(
    ("function", "payload", "reason", "detail", "exit_code"), CRASHES, ids=[c[0] for c in CRASHES]
)
def test_a_crash_is_classified_from_what_the_worker_did(
    function: str, payload, reason: str, detail: dict, exit_code: int
) -> None:
    result, _ = run([task("crash", function, payload), task("fine", "ok", 1)], limits())
    crash = result.outcomes["crash"]
    assert (crash.status, crash.reason, crash.exit_code) == ("FAILED", reason, exit_code)
    assert {k: crash.detail[k] for k in detail} == detail
    assert crash.signal == ("SIGSEGV" if exit_code < 0 else None)
    assert crash.duration_ms is not None
    assert crash.peak_rss_bytes and crash.peak_rss_bytes > MIB  # sent by the worker as it starts
    assert result.outcomes["fine"].status == "OK"  # the others keep going


def test_an_exception_carries_the_traceback_tail() -> None:
    result, _ = run([task("a", "raise_error", 2)], limits(workers=1))
    traceback = result.outcomes["a"].detail["traceback"]
    assert "in raise_error" in traceback and traceback.endswith("ValueError: bad payload: 2")
    assert len(traceback.splitlines()) <= 30


def test_an_unknown_target_is_an_exception() -> None:
    result, _ = run([task("a", "no_such_function")], limits(workers=1))
    outcome = result.outcomes["a"]
    assert (outcome.reason, outcome.detail["type"]) == ("exception", "AttributeError")


def test_memory_hog_is_killed_over_the_limit_with_the_reason_recorded() -> None:
    limit = 200 * MIB
    result, _ = run([task("hog", "memory_hog"), task("fine", "ok", 1)], limits(memory=limit))
    hog = result.outcomes["hog"]
    assert (hog.status, hog.reason) == ("FAILED", "memory_limit_exceeded")
    assert hog.detail["limit_bytes"] == limit and hog.detail["rss_bytes"] > limit
    assert hog.peak_rss_bytes >= hog.detail["rss_bytes"]
    assert hog.signal in ("SIGTERM", "SIGKILL")  # sent by the supervisor, hence not "signal"
    assert result.outcomes["fine"].status == "OK"


def test_a_grandchild_counts_towards_the_memory_limit_and_dies_with_the_worker() -> None:
    limit = 200 * MIB
    grandchildren = []
    result, events = run(
        [task("hog", "grandchild_hog", memory_limit_bytes=limit)],
        limits(memory=None),
        lambda e: grandchildren.append(e.data["grandchild"]) if e.kind == "progress" else None,
    )
    hog = result.outcomes["hog"]
    assert (hog.status, hog.reason) == ("FAILED", "memory_limit_exceeded")
    assert hog.detail["rss_bytes"] > limit
    assert wait_dead(grandchildren + started_pids(events)) == []


def test_sigkill_from_outside_is_a_signal_not_a_memory_kill() -> None:
    def kill_on_progress(event: Event) -> None:
        if event.kind == "progress":
            os.kill(event.outcome.pid, signal.SIGKILL)

    result, _ = run([task("victim", "hang")], limits(memory=1 << 40), kill_on_progress)
    victim = result.outcomes["victim"]
    assert (victim.status, victim.reason, victim.detail) == (
        "FAILED",
        "signal",
        {"signal": "SIGKILL"},
    )
    assert (victim.exit_code, victim.signal) == (-9, "SIGKILL")


def test_timeout_terminates_then_kills_a_worker_that_ignores_sigterm() -> None:
    # The stubborn worker must have ignored SIGTERM before its timeout, even on a loaded machine.
    tasks = [task("hang", "hang", timeout_s=0.3), task("stubborn", "stubborn", timeout_s=1.0)]
    result, events = run(tasks, limits(term_grace_s=0.3))
    hang, stubborn = result.outcomes["hang"], result.outcomes["stubborn"]
    assert (hang.status, hang.reason, hang.detail) == ("FAILED", "timeout", {"timeout_s": 0.3})
    assert (stubborn.status, stubborn.reason) == ("FAILED", "timeout")
    assert hang.signal == "SIGTERM" and 300 <= hang.duration_ms < 3000
    assert stubborn.signal == "SIGKILL" and 1300 <= stubborn.duration_ms < 4000
    assert wait_dead(started_pids(events), timeout=0) == []


def test_diamond_failure_skips_only_dependents_transitively() -> None:
    # a -> (b fails, c) -> d -> e ; f independent
    tasks = [
        task("a", "ok", "a"),
        task("b", "raise_error", "b", deps=("a",)),
        task("c", "sleep_then_ok", 0.2, deps=("a",)),
        task("d", "ok", "d", deps=("b", "c")),
        task("e", "ok", "e", deps=("d",)),
        task("f", "sleep_then_ok", 0.1),
    ]
    result, events = run(tasks, limits())
    status = {k: (o.status, o.reason, o.blocked_by) for k, o in result.outcomes.items()}
    assert status == {
        "a": ("OK", None, []),
        "b": ("FAILED", "exception", []),
        "c": ("OK", None, []),
        "d": ("SKIPPED", "parent_failed", ["b"]),
        "e": ("SKIPPED", "parent_failed", ["b"]),
        "f": ("OK", None, []),
    }
    assert list(result.outcomes) == ["a", "b", "c", "d", "e", "f"]
    finished = [e.task_id for e in events if e.kind == "finished"]
    assert sorted(finished) == sorted(result.outcomes)  # one "finished" each, SKIPPED included
    assert result.outcomes["d"].pid is None


def test_blocked_by_names_every_failed_ancestor() -> None:
    tasks = [
        task("x", "exit_code", 3),
        task("y", "raise_error", "y"),
        task("z", "ok", deps=("x", "y")),
    ]
    result, _ = run(tasks, limits())
    assert sorted(result.outcomes["z"].blocked_by) == ["x", "y"]


def test_at_most_n_workers_at_once_and_ready_tasks_start_in_order() -> None:
    tasks = [task(f"t{i}", "sleep_then_ok", 0.15) for i in range(6)]
    result, events = run(tasks, limits(workers=2))
    assert [e.task_id for e in events if e.kind == "started"] == [t.id for t in tasks]
    edges = sorted(
        [(o.started_at, 1) for o in result.outcomes.values()]
        + [(o.finished_at, -1) for o in result.outcomes.values()],
        key=lambda edge: (edge[0], edge[1]),  # an end before a start at the same instant
    )
    running = peak = 0
    for _, change in edges:
        running += change
        peak = max(peak, running)
    assert peak == 2
    assert all(o.status == "OK" for o in result.outcomes.values())


def test_progress_is_coalesced_and_the_last_one_arrives() -> None:
    seen_at: list[float] = []
    result, events = run(
        [task("p", "progress_reporter", 300)],
        limits(workers=1),
        lambda e: seen_at.append(time.monotonic()) if e.kind == "progress" else None,
    )
    progress = [e for e in events if e.kind == "progress"]
    assert progress[-1].data == {"done": 300, "total": 300}  # the last one is never lost
    gaps = [later - earlier for earlier, later in zip(seen_at, seen_at[1:-1], strict=False)]
    assert all(gap >= 0.45 for gap in gaps), gaps  # at most one per 0.5 s, but for the last
    assert all(e.outcome.status == "RUNNING" for e in progress)
    assert [e.kind for e in events][-1] == "finished" and result.outcomes["p"].result == 300


def test_an_on_event_exception_is_logged_and_the_run_goes_on(capsys) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("report disk full")

    result, _ = run([task("a", "ok", 1), task("b", "ok", 2, deps=("a",))], limits(), broken)
    assert [o.status for o in result.outcomes.values()] == ["OK", "OK"]
    err = capsys.readouterr().err
    assert "on_event raised on 'started' of task 'a'" in err and "report disk full" in err


def test_workers_are_killed_when_the_callers_code_raises_mid_run() -> None:
    pids = []

    def interrupt(event: Event) -> None:
        if event.kind == "progress":
            pids.append(event.outcome.pid)
            raise KeyboardInterrupt  # not an Exception: it ends the run

    with pytest.raises(KeyboardInterrupt):
        run([task("a", "hang"), task("b", "stubborn")], limits(), interrupt)
    assert pids and wait_dead(pids, timeout=0) == []


def test_what_a_worker_leaves_behind_in_its_group_is_killed() -> None:
    result, _ = run([task("a", "leave_grandchild")], limits())
    assert result.outcomes["a"].status == "OK"
    assert wait_dead([result.outcomes["a"].result]) == []


def test_runs_outside_the_main_thread_without_touching_signal_handlers() -> None:
    before = signal.getsignal(signal.SIGINT)
    results = []
    thread = threading.Thread(target=lambda: results.append(run([task("a", "ok", 1)], limits())))
    thread.start()
    thread.join(30)
    assert results[0][0].outcomes["a"].status == "OK"
    assert signal.getsignal(signal.SIGINT) is before


def test_signal_handlers_are_restored() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    run([task("a", "ok", 1)], limits())
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_progress_outside_a_worker_is_a_no_op() -> None:
    supervisor.progress(rows=1)


def test_a_running_task_that_requires_a_failed_one_is_stopped_at_once_and_skipped() -> None:
    tasks = [
        task("parent", "raise_after", 0.5),
        task("child", "hang", requires=("parent",)),
        task("grandchild", "ok", 1, deps=("child",)),
    ]
    started = time.monotonic()
    result, events = run(tasks, limits(workers=2))
    child = result.outcomes["child"]
    assert (child.status, child.reason, child.blocked_by) == ("SKIPPED", "parent_failed", ["parent"])
    assert result.outcomes["grandchild"].status == "SKIPPED"
    assert time.monotonic() - started < 5
    assert not [e for e in events if e.task_id == "child" and e.outcome.status == "OK"]
    assert wait_dead(started_pids(events), timeout=0) == []


def test_a_task_is_not_ok_before_what_it_requires_is() -> None:
    tasks = [task("parent", "sleep_then_ok", 1.0), task("child", "ok", 1, requires=("parent",))]
    result, events = run(tasks, limits(workers=2))
    finished = [e.task_id for e in events if e.kind == "finished"]
    assert finished == ["parent", "child"]
    assert result.outcomes["child"].status == "OK" and result.outcomes["child"].result == 1


def test_a_finished_task_whose_requirement_then_fails_is_skipped_never_ok() -> None:
    tasks = [task("parent", "raise_after", 0.8), task("child", "ok", 1, requires=("parent",))]
    result, events = run(tasks, limits(workers=2))
    child = result.outcomes["child"]
    assert (child.status, child.reason, child.result) == ("SKIPPED", "parent_failed", None)
    assert [e.outcome.status for e in events if e.task_id == "child" and e.kind == "finished"] == ["SKIPPED"]


def test_a_stopped_worker_is_failed_as_stalled() -> None:
    result, events = run(
        [task("frozen", "progress_then_stop"), task("busy", "progress_slowly", 1.5)],
        limits(stall_s=0.5, term_grace_s=0.3),
    )
    frozen = result.outcomes["frozen"]
    assert (frozen.status, frozen.reason, frozen.detail["stall_s"]) == ("FAILED", "stalled", 0.5)
    assert frozen.duration_ms < 5000
    assert result.outcomes["busy"].status == "OK"  # progress keeps a long task alive
    assert wait_dead(started_pids(events), timeout=0) == []


def test_a_descendant_that_escapes_by_setsid_and_double_fork_counts_and_dies() -> None:
    limit = 200 * MIB
    escaped = []
    result, events = run(
        [task("hog", "escaping_hog", memory_limit_bytes=limit)],
        limits(),
        lambda e: escaped.append(e.data["escaped"]) if e.kind == "progress" else None,
    )
    hog = result.outcomes["hog"]
    assert (hog.status, hog.reason) == ("FAILED", "memory_limit_exceeded")
    assert escaped and wait_dead(escaped + started_pids(events)) == []


def test_a_daemon_left_behind_by_a_finished_worker_is_killed() -> None:
    result, _ = run([task("a", "escaping_sleeper")], limits())
    assert result.outcomes["a"].status == "OK"
    assert wait_dead([result.outcomes["a"].result]) == []


def test_enospc_in_a_worker_is_disk_full() -> None:
    result, _ = run([task("a", "disk_full")], limits())
    outcome = result.outcomes["a"]
    assert (outcome.status, outcome.reason, outcome.detail["errno"]) == ("FAILED", "disk_full", 28)
    """A target called directly (as in a unit test) may report progress: nothing is sent, no
    channel is made up, and the value it returns is the target's own."""
    from supervisor import child
    from tests.supervisor.targets import progress_reporter

    assert child._channel is None
    assert progress_reporter(3) == 3
    assert child._channel is None


def test_a_dead_forkserver_fails_only_the_worker_it_took_and_a_fresh_one_starts_the_rest() -> None:
    tasks = [task("a", "kill_forkserver"), task("b", "ok", 2, deps=("a",)), task("c", "ok", 3)]
    result, _ = run(tasks, limits(workers=1))
    a, b, c = (result.outcomes[t] for t in "abc")
    # Its death signal; the stdlib then knows no exit status but 255 (its forkserver is gone).
    assert (a.status, a.reason, a.exit_code) == ("FAILED", "exit_code", 255)
    assert (b.status, b.reason) == ("SKIPPED", "parent_failed")
    assert (c.status, c.result) == ("OK", 3)


def test_a_worker_that_cannot_be_started_is_failed_and_the_run_goes_on(monkeypatch) -> None:
    from multiprocessing.context import ForkServerProcess

    def no_more_processes(process):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(ForkServerProcess, "_Popen", staticmethod(no_more_processes))
    result, events = run([task("a", "ok", 1), task("b", "ok", 2, deps=("a",))], limits(workers=1))
    a, b = result.outcomes["a"], result.outcomes["b"]
    assert (a.status, a.reason, a.detail["errno"]) == ("FAILED", "start_failed", 11)
    assert (b.status, b.reason, b.blocked_by) == ("SKIPPED", "parent_failed", ["a"])
    assert [(e.kind, e.task_id) for e in events] == [("finished", "a"), ("finished", "b")]


def _run_with_pool(tasks, on_event) -> tuple[supervisor.RunResult, supervisor.LocalPool]:
    pool = supervisor.LocalPool()
    return supervisor.run(tasks, limits(workers=1), lambda e: on_event(e, pool), executor=pool), pool


def test_the_next_task_runs_in_a_worker_forked_while_the_previous_one_ran() -> None:
    spares: list[int] = []

    def on_event(event, pool) -> None:
        if event.kind == "finished" and pool.spare is not None:
            spares.append(pool.spare.process.pid)

    tasks = [task("a", "sleep_then_ok", 0.3), task("b", "created_at", deps=("a",))]
    result, _ = _run_with_pool(tasks, on_event)
    a, b = result.outcomes["a"], result.outcomes["b"]
    assert (a.status, b.status) == ("OK", "OK")
    assert b.pid == spares[0] and b.result < a.finished_at - 0.2  # forked while a slept
    assert wait_dead(spares) == []  # the spare left over at the end is killed, not left behind


def test_a_spare_killed_before_its_task_is_replaced_by_a_fresh_worker() -> None:
    killed: list[int] = []

    def on_event(event, pool) -> None:
        if event.kind == "finished" and event.task_id == "a":  # b is about to take the spare
            killed.append(pool.spare.process.pid)
            os.kill(killed[0], signal.SIGKILL)
            assert wait_dead(killed) == []

    tasks = [task("a", "sleep_then_ok", 0.2), task("b", "ok", 2, deps=("a",))]
    result, _ = _run_with_pool(tasks, on_event)
    b = result.outcomes["b"]
    assert (b.status, b.result) == ("OK", 2) and b.pid != killed[0]
