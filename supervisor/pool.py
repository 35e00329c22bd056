"""Run a DAG of tasks, each in a fresh process, under memory and time limits."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from . import child
from .dag import dependents_of, descendants
from .outcome import Event, FinalMessage, Kill, Outcome, RunResult, Status, classify, signal_name
from .signals import catch_shutdown
from .task import Limits, Task
from .watchdog import Tree

# Workers fork from a fresh, single-threaded server process, never from the caller's process.
_CONTEXT = multiprocessing.get_context("forkserver")
_PROGRESS_EVERY_S = 0.5  # per task; the caller rewrites a report on each event
# Imported first by the forkserver: it then survives a signal to the whole process group.
_FORKSERVER_INIT = "supervisor.forkserver_init"

EventHandler = Callable[[Event], None]


def prestart(preload: Sequence[str] = ()) -> None:
    """Start the forkserver now, so that it imports ``preload`` while the caller does other work
    (the first ``run`` then starts its workers at once). Optional."""
    _CONTEXT.set_forkserver_preload([_FORKSERVER_INIT, "__main__", child.__name__, *preload])
    forkserver.ensure_running()


def run(tasks: Sequence[Task], limits: Limits, on_event: EventHandler | None = None) -> RunResult:
    """Run each task in its own process, at most ``limits.workers`` at once, each as soon as its
    deps ended OK, until all ended or SIGINT/SIGTERM/SIGHUP asked to stop.

    Raises ValueError on an invalid DAG before anything starts. No worker outlives this call.
    As with any forkserver start, the caller's main module must guard its entry point with
    ``if __name__ == "__main__":`` (the forkserver imports it).
    """
    tasks = list(tasks)
    dependents = dependents_of(tasks)
    # "__main__" is the stdlib's default: the caller's main module is imported once, not per worker.
    _CONTEXT.set_forkserver_preload([_FORKSERVER_INIT, "__main__", child.__name__, *limits.preload])
    pool = _Pool(tasks, dependents, limits, on_event)
    with catch_shutdown(raising=False) as shutdown:
        try:
            pool.run(shutdown.received)
        finally:
            pool.kill_all()
    return RunResult(pool.outcomes, shutdown.first)


@dataclass
class _Worker:
    """A running task: its process, the pipe it reports on, and what the supervisor did to it."""

    task: Task
    outcome: Outcome
    process: BaseProcess
    pid: int
    conn: Connection | None  # None once the worker closed its end
    started: float  # time.monotonic()
    memory_limit: int | None
    timeout_s: float | None
    tree: Tree
    last_progress: float  # time.monotonic() of the start or of the last progress message
    final: FinalMessage | None = None
    kill: Kill | None = None  # recorded before the first signal is sent
    term_sent_at: float = 0.0  # time.monotonic() of the SIGTERM
    kill_sent: bool = False
    progress: dict = field(default_factory=dict)  # received, not yet reported
    progress_due: float = 0.0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        with contextlib.suppress(ValueError):  # still running: only after a failed SIGKILL
            self.process.close()


class _Pool:
    """The state of one run, advanced by a single loop in the calling thread."""

    def __init__(
        self,
        tasks: list[Task],
        dependents: dict[str, list[str]],
        limits: Limits,
        on_event: EventHandler | None,
    ) -> None:
        self.tasks = {task.id: task for task in tasks}
        self.dependents = dependents
        self.limits = limits
        self.on_event = on_event
        self.outcomes = {task.id: Outcome(task.id, group=task.group) for task in tasks}
        self.pending = dict.fromkeys(task.id for task in tasks)  # ordered set, in the order given
        self.waiting_on = {task.id: len(set(task.deps)) for task in tasks}
        self.running: dict[str, _Worker] = {}
        self.held: dict[str, Outcome] = {}  # ended OK, waiting for the tasks they require
        self.stopping = False

    def run(self, shutdown_requests: list[str]) -> None:
        self._start_ready()
        next_poll = time.monotonic()
        while self.running or self.held:
            if shutdown_requests and not self.stopping:
                self._shut_down()
            if not self.running:  # only held tasks, whose requirements can no longer end
                raise RuntimeError(f"tasks wait on tasks that will never end: {sorted(self.held)}")
            waitables: list[Connection | int] = [w.process.sentinel for w in self.running.values()]
            waitables += [w.conn for w in self.running.values() if w.conn is not None]
            wait(waitables, max(0.0, next_poll - time.monotonic()))
            reaped = False
            for worker in list(self.running.values()):
                self._receive(worker)
                if worker.process.exitcode is not None:
                    self._reap(worker)
                    reaped = True
            now = time.monotonic()
            if now >= next_poll:
                next_poll = now + self.limits.poll_interval_s
                for worker in self.running.values():
                    self._watch(worker, now)
            for worker in self.running.values():
                self._report_progress(worker, now)
            if reaped:
                self._start_ready()

    def kill_all(self) -> None:
        """SIGKILL every worker still running (the run is being abandoned) and reap it."""
        for worker in self.running.values():
            worker.tree.kill_leftovers()
        for worker in self.running.values():
            worker.process.join(5)
            worker.close()
        self.running.clear()

    def _start_ready(self) -> None:
        if self.stopping:
            return
        for task_id in list(self.pending):
            if len(self.running) >= self.limits.workers:
                return
            if self.waiting_on[task_id] == 0:
                del self.pending[task_id]
                self._start(self.tasks[task_id])

    def _start(self, task: Task) -> None:
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=child.main, args=(sender, task.target, task.payload), name=task.id)
        outcome = self.outcomes[task.id]
        outcome.started_at = time.time()
        started = time.monotonic()
        try:
            process.start()
        finally:
            sender.close()  # the worker holds the only write end: EOF when it is gone
        assert process.pid is not None
        outcome.status = Status.RUNNING
        outcome.pid = process.pid
        worker = _Worker(
            task,
            outcome,
            process,
            process.pid,
            receiver,
            started,
            task.memory_limit_bytes or self.limits.memory_limit_bytes,
            task.timeout_s or self.limits.timeout_s,
            Tree(process.pid),
            started,
        )
        self.running[task.id] = worker
        self._sample(worker)
        self._emit("started", outcome)

    def _receive(self, worker: _Worker) -> None:
        """Read every message waiting on the worker's pipe, without blocking."""
        while worker.conn is not None and worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.conn.close()
                worker.conn = None
                return
            except Exception as exc:  # a message the supervisor cannot unpickle
                message = ("error", child.describe(exc), 0)
            if message[0] == "progress":
                worker.last_progress = time.monotonic()
                worker.progress.update(message[1])
                self._report_progress(worker, time.monotonic())
            elif message[0] == "rss":
                worker.outcome.peak_rss_bytes = max(worker.outcome.peak_rss_bytes or 0, message[1])
            else:
                worker.final = message
                self._sample(worker)  # the worker is at its last allocation, about to exit

    def _reap(self, worker: _Worker) -> None:
        """Classify the ended worker, report it, and skip or unblock its dependents."""
        exit_code = worker.process.exitcode
        assert exit_code is not None
        worker.tree.kill_leftovers()
        self._receive(worker)
        self._report_progress(worker, time.monotonic(), now_or_never=True)
        worker.close()
        task_id = worker.task.id
        del self.running[task_id]
        outcome = worker.outcome
        outcome.status, outcome.reason, outcome.detail = classify(exit_code, worker.final, worker.kill)
        outcome.exit_code = exit_code
        outcome.signal = signal_name(exit_code) if exit_code < 0 else None
        outcome.finished_at = time.time()
        outcome.duration_ms = round((time.monotonic() - worker.started) * 1000)
        if worker.final is not None:
            # The worker's own high-water mark catches peaks between two samples.
            outcome.peak_rss_bytes = max(outcome.peak_rss_bytes or 0, worker.final[2])
            if outcome.status == Status.OK:
                outcome.result = worker.final[1]
        if outcome.status == Status.OK and not self._requirements_ok(worker.task):
            outcome.status = Status.RUNNING  # not OK before what it relies on is
            self.held[task_id] = outcome
            return
        self._finish(outcome)

    def _requirements_ok(self, task: Task) -> bool:
        return all(self.outcomes[r].status == Status.OK for r in task.requires)

    def _finish(self, outcome: Outcome) -> None:
        """Report a final outcome, then stop what relied on a failure or go on after an OK."""
        self._emit("finished", outcome)
        task_id = outcome.task_id
        if outcome.status == Status.FAILED:
            self._skip_dependents(task_id)
        elif outcome.status == Status.OK:
            for dependent in self.dependents[task_id]:
                if task_id in self.tasks[dependent].deps:
                    self.waiting_on[dependent] -= 1
                if dependent in self.held and self._requirements_ok(self.tasks[dependent]):
                    held = self.held.pop(dependent)
                    held.status = Status.OK
                    self._finish(held)

    def _skip_dependents(self, failed_id: str) -> None:
        """Every task that relies on ``failed_id``: never started, or stopped at once."""
        blocked = descendants(self.dependents, failed_id)
        now = time.monotonic()
        for task_id in self.tasks:
            outcome = self.outcomes[task_id]
            if task_id not in blocked:
                continue
            if task_id in self.pending or task_id in self.held:
                self.pending.pop(task_id, None)
                self.held.pop(task_id, None)
                outcome.status, outcome.reason, outcome.result = Status.SKIPPED, "parent_failed", None
                outcome.blocked_by.append(failed_id)
                self._emit("finished", outcome)
            elif task_id in self.running:
                outcome.blocked_by.append(failed_id)
                worker = self.running[task_id]
                if worker.kill is None:
                    self._terminate(worker, ("parent_failed", {}), now)
            elif outcome.status == Status.SKIPPED:  # blocked by an earlier failure as well
                outcome.blocked_by.append(failed_id)

    def _watch(self, worker: _Worker, now: float) -> None:
        """Sample memory, enforce the limits, and escalate to SIGKILL after the grace period."""
        rss = self._sample(worker)
        if worker.kill is None:
            if worker.memory_limit is not None and rss is not None and rss > worker.memory_limit:
                limit = {"limit_bytes": worker.memory_limit, "rss_bytes": rss}
                self._terminate(worker, ("memory_limit_exceeded", limit), now)
            elif worker.timeout_s is not None and now - worker.started > worker.timeout_s:
                self._terminate(worker, ("timeout", {"timeout_s": worker.timeout_s}), now)
            elif self.limits.stall_s is not None and now - worker.last_progress > self.limits.stall_s:
                idle = {"stall_s": self.limits.stall_s, "idle_s": round(now - worker.last_progress, 1)}
                self._terminate(worker, ("stalled", idle), now)
        elif not worker.kill_sent and now - worker.term_sent_at >= self.limits.term_grace_s:
            worker.tree.signal(signal.SIGKILL)
            worker.kill_sent = True

    def _terminate(self, worker: _Worker, kill: Kill, now: float) -> None:
        worker.kill = kill  # the reason is recorded before the signal can take effect
        worker.term_sent_at = now
        worker.tree.signal(signal.SIGTERM)
        worker.tree.signal(signal.SIGCONT)  # a stopped process acts on SIGTERM only once resumed

    def _shut_down(self) -> None:
        """Cancel what has not started and SIGTERM what runs; the loop reaps and escalates."""
        self.stopping = True
        for task_id in [*self.pending, *self.held]:
            outcome = self.outcomes[task_id]
            outcome.status, outcome.reason, outcome.result = Status.CANCELLED, "shutdown", None
            self._emit("finished", outcome)
        self.pending.clear()
        self.held.clear()
        now = time.monotonic()
        for worker in self.running.values():
            if worker.kill is None:
                self._terminate(worker, ("shutdown", {}), now)

    def _sample(self, worker: _Worker) -> int | None:
        rss = worker.tree.rss()
        if rss:  # a process that has just exited reads 0
            worker.outcome.peak_rss_bytes = max(worker.outcome.peak_rss_bytes or 0, rss)
        return rss

    def _report_progress(self, worker: _Worker, now: float, now_or_never: bool = False) -> None:
        """Emit the progress received so far, at most every _PROGRESS_EVERY_S per task."""
        if worker.progress and (now_or_never or now >= worker.progress_due):
            data, worker.progress = worker.progress, {}
            worker.progress_due = now + _PROGRESS_EVERY_S
            self._emit("progress", worker.outcome, data)

    def _emit(self, kind: str, outcome: Outcome, data: dict | None = None) -> None:
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
