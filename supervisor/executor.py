"""The run loop over a DAG, and the seam where tasks are handed to an executor.

The loop keeps the DAG: which task may start, which are skipped (or stopped) after a failure,
which are cancelled on SIGINT/SIGTERM/SIGHUP, and the events. An executor runs started tasks
somewhere (the local forkserver pool of ``pool.py``, or a Dask cluster in ``dask_executor.py``)
under the same limits, and hands back each one's final Outcome.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Protocol

from .dag import dependents_of, descendants
from .outcome import Event, Outcome, RunResult, Status
from .signals import catch_shutdown
from .task import Limits, Task

EventHandler = Callable[[Event], None]
Emit = Callable[[str, Outcome, dict | None], None]


class Executor(Protocol):
    """Runs the tasks the loop starts. Every method is called from the loop's thread."""

    def open(self, limits: Limits, emit: Emit) -> None:
        """Get ready to run tasks under ``limits``; ``emit`` reports "started" and "progress"."""

    def start(self, task: Task, outcome: Outcome) -> None:
        """Start ``task`` (its deps ended OK); ``outcome`` is its record, to fill as it runs."""

    def running(self) -> int:
        """How many started tasks have not been handed back yet."""

    def wait(self, timeout: float) -> list[Outcome]:
        """Advance for at most ``timeout`` seconds; the final outcomes of tasks that ended."""

    def stop(self, task_id: str, reason: str) -> None:
        """Stop one running task (a task it requires failed); it is handed back later as SKIPPED
        with ``reason``."""

    def shut_down(self) -> None:
        """Stop every running task; each is handed back later as CANCELLED (reason "shutdown")."""

    def close(self) -> None:
        """Kill and forget whatever still runs (the run is being abandoned). Always called."""


def run(
    tasks: Sequence[Task],
    limits: Limits,
    executor: Executor,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Start each task on ``executor`` as soon as its deps ended OK, at most ``limits.workers`` at
    once, until all ended or SIGINT/SIGTERM/SIGHUP (or ``cancel``) asked to stop.

    Raises ValueError on an invalid DAG before anything starts."""
    tasks = list(tasks)
    schedule = _Schedule(tasks, dependents_of(tasks), on_event)
    executor.open(limits, schedule.emit)
    with catch_shutdown(raising=False) as shutdown:
        requests = shutdown.received
        try:
            schedule.start_ready(executor, limits.workers)
            while executor.running() or schedule.held:
                if not executor.running():  # only held tasks, whose requirements can no longer end
                    raise RuntimeError(f"tasks wait on tasks that will never end: {sorted(schedule.held)}")
                if cancel is not None and cancel.is_set() and not requests:
                    requests.append("cancel")
                if requests and not schedule.stopping:
                    schedule.cancel_pending()
                    executor.shut_down()
                for outcome in executor.wait(limits.poll_interval_s):
                    if requests:
                        _shut_down_by_signal(outcome)
                    schedule.finished(outcome, executor)
                schedule.start_ready(executor, limits.workers)
        finally:
            executor.close()
    return RunResult(schedule.outcomes, requests[0] if requests else None)


def _shut_down_by_signal(outcome: Outcome) -> None:
    """A worker that died with the run's shutdown (the same Ctrl-C or group signal reached it
    first) is CANCELLED, not FAILED: it did nothing wrong itself."""
    if outcome.status == Status.FAILED and outcome.reason in ("exit_code", "signal", "exception"):
        outcome.detail = {**outcome.detail, "ended_as": outcome.reason}
        outcome.status, outcome.reason = Status.CANCELLED, "shutdown"


class _Schedule:
    """Which tasks wait, which may start, and what a final outcome means for the others."""

    def __init__(
        self, tasks: list[Task], dependents: dict[str, list[str]], on_event: EventHandler | None
    ) -> None:
        self.tasks = {task.id: task for task in tasks}
        self.dependents = dependents
        self.on_event = on_event
        self.outcomes = {task.id: Outcome(task.id, group=task.group) for task in tasks}
        self.pending = dict.fromkeys(task.id for task in tasks)  # ordered set, in the order given
        self.waiting_on = {task.id: len(set(task.deps)) for task in tasks}
        self.running: set[str] = set()
        self.held: dict[str, Outcome] = {}  # ended OK, waiting for the tasks they require
        self.stopping = False

    def start_ready(self, executor: Executor, workers: int) -> None:
        if self.stopping:
            return
        for task_id in list(self.pending):
            if executor.running() >= workers:
                return
            if self.waiting_on[task_id] == 0:
                del self.pending[task_id]
                self.running.add(task_id)
                executor.start(self.tasks[task_id], self.outcomes[task_id])

    def finished(self, outcome: Outcome, executor: Executor) -> None:
        """A task ended: hold an OK that waits for what it requires, else report it final."""
        task_id = outcome.task_id
        self.running.discard(task_id)
        blocked_by = self.outcomes[task_id].blocked_by  # recorded while it was being stopped
        self.outcomes[task_id] = outcome
        outcome.blocked_by = list(dict.fromkeys([*outcome.blocked_by, *blocked_by]))
        if outcome.status == Status.OK and not self._requirements_ok(self.tasks[task_id]):
            given_up = [
                r
                for r in self.tasks[task_id].requires
                if self.outcomes[r].status.final and self.outcomes[r].status != Status.OK
            ]
            if not given_up and not self.stopping:
                outcome.status = Status.RUNNING  # not OK before what it relies on is
                self.held[task_id] = outcome
                return
            # What it relies on ended without OK (in the same poll), or the run is stopping and
            # would cancel it held anyway: it is never OK.
            outcome.status = Status.CANCELLED if self.stopping else Status.SKIPPED
            outcome.reason = "shutdown" if self.stopping else "parent_failed"
            outcome.result = None
            if not outcome.blocked_by and not self.stopping:  # the failures behind them
                roots = [
                    [r] if self.outcomes[r].status == Status.FAILED else self.outcomes[r].blocked_by
                    for r in given_up
                ]
                outcome.blocked_by = list(dict.fromkeys(r for rs in roots for r in rs))
        self._final(outcome, executor)

    def _requirements_ok(self, task: Task) -> bool:
        return all(self.outcomes[r].status == Status.OK for r in task.requires)

    def _final(self, outcome: Outcome, executor: Executor) -> None:
        """Report a final outcome, then stop what relied on a failure or go on after an OK."""
        self.emit("finished", outcome)
        task_id = outcome.task_id
        if outcome.status == Status.FAILED:
            self._skip_dependents(task_id, executor)
        elif outcome.status == Status.OK:
            for dependent in self.dependents[task_id]:
                if task_id in self.tasks[dependent].deps:
                    self.waiting_on[dependent] -= 1
                if dependent in self.held and self._requirements_ok(self.tasks[dependent]):
                    held = self.held.pop(dependent)
                    held.status = Status.OK
                    self._final(held, executor)

    def cancel_pending(self) -> None:
        """What has not started is CANCELLED; what runs is the executor's to stop."""
        self.stopping = True
        for task_id in [*self.pending, *self.held]:
            outcome = self.outcomes[task_id]
            outcome.status, outcome.reason, outcome.result = Status.CANCELLED, "shutdown", None
            self.emit("finished", outcome)
        self.pending.clear()
        self.held.clear()

    def _skip_dependents(self, failed_id: str, executor: Executor) -> None:
        """Every task that relies on ``failed_id``: never started, or stopped at once."""
        blocked = descendants(self.dependents, failed_id)
        for task_id in self.tasks:
            outcome = self.outcomes[task_id]
            if task_id not in blocked:
                continue
            if task_id in self.pending or task_id in self.held:
                self.pending.pop(task_id, None)
                self.held.pop(task_id, None)
                outcome.status, outcome.reason, outcome.result = Status.SKIPPED, "parent_failed", None
                outcome.blocked_by.append(failed_id)
                self.emit("finished", outcome)
            elif task_id in self.running:
                if not outcome.blocked_by:
                    executor.stop(task_id, "parent_failed")
                outcome.blocked_by.append(failed_id)
            elif outcome.status == Status.SKIPPED:  # blocked by an earlier failure as well
                outcome.blocked_by.append(failed_id)

    def emit(self, kind: str, outcome: Outcome, data: dict | None = None) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(Event(kind, outcome.task_id, outcome.snapshot(), data or {}))
        except Exception:
            print(
                f"supervisor: on_event raised on {kind!r} of task {outcome.task_id!r}; the run goes on",
                file=sys.stderr,
            )
            traceback.print_exc(file=sys.stderr)
