"""Run a DAG of tasks, each in a fresh process on this machine, under memory and time limits."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from . import child, server
from .executor import Emit, EventHandler, Executor
from .executor import run as executor_run
from .outcome import FinalMessage, Kill, Outcome, RunResult, Status, classify, signal_name
from .task import Limits, Task
from .watchdog import Tree, signal_group

_CONTEXT = server.CONTEXT
_PROGRESS_EVERY_S = 0.5  # per task; the caller rewrites a report on each event


def wait_ready(preload: Sequence[str] = ()) -> None:
    """Block until the forkserver has imported ``preload`` (a no-op process is started from it
    and joined), so that no task's time limit counts the forkserver's start. Optional."""
    server.prestart(preload)
    process = _CONTEXT.Process(target=_noop, name="forkserver-ready")
    process.start()
    process.join()
    process.close()


def _noop() -> None:
    pass


def run(
    tasks: Sequence[Task],
    limits: Limits,
    on_event: EventHandler | None = None,
    *,
    executor: Executor | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Run each task in its own process, at most ``limits.workers`` at once, each as soon as its
    deps ended OK, until all ended or SIGINT/SIGTERM/SIGHUP (or ``cancel``) asked to stop.

    The processes are started by ``executor``: by default a LocalPool on this machine.
    Raises ValueError on an invalid DAG before anything starts. No worker outlives this call.
    As with any forkserver start, the caller's main module must guard its entry point with
    ``if __name__ == "__main__":`` (the forkserver imports it).
    """
    return executor_run(tasks, limits, executor or LocalPool(), on_event, cancel)


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


def _fork(
    name: str, target: str | None, payload: Any, tasks: Connection | None = None
) -> tuple[BaseProcess, Connection]:
    """Start a worker process (``child.main``): the process and the pipe it reports on."""
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    args = (sender, target, payload) if tasks is None else (sender, target, payload, tasks)
    process = _CONTEXT.Process(target=child.main, args=args, name=name)
    try:
        process.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()  # the worker holds the only write end: EOF when it is gone
    return process, receiver


@dataclass
class _Spare:
    """A worker forked ahead of its task, isolated and waiting for it: the next task starts
    without waiting for a fork (a few ms each, on the run's critical path)."""

    process: BaseProcess
    conn: Connection  # what it will report on
    tasks: Connection  # where its task goes

    def take(self, task: Task) -> bool:
        """Hand it ``task``; False if it is gone or already spoke (it failed to isolate)."""
        if self.process.exitcode is not None or self.conn.poll():
            return False
        try:
            self.tasks.send((task.target, task.payload))
        except OSError:  # it died meanwhile
            return False
        finally:
            self.tasks.close()
        return True

    def discard(self) -> None:
        self.tasks.close()  # it exits on EOF, if it is still there
        self.conn.close()
        if self.process.exitcode is None:  # not reaped: its pid is still its own
            assert self.process.pid is not None
            signal_group(self.process.pid, signal.SIGKILL)
        self.process.join(5)
        with contextlib.suppress(ValueError):
            self.process.close()


class LocalPool:
    """The local executor: each task in a fresh process forked by this machine's forkserver,
    watched by psutil (memory, wall time, progress) from the loop's thread."""

    def open(self, limits: Limits, emit: Emit) -> None:
        # The caller's main module is imported once, by the forkserver, not per worker.
        server.prestart(limits.preload)
        self.limits = limits
        self.emit = emit
        self.workers: dict[str, _Worker] = {}
        self.unstarted: list[Outcome] = []  # FAILED start_failed, reported by the next wait
        self.spare: _Spare | None = None
        self.next_poll = time.monotonic()

    def running(self) -> int:
        return len(self.workers) + len(self.unstarted)

    def start(self, task: Task, outcome: Outcome) -> None:
        outcome.started_at = time.time()
        started = time.monotonic()
        spare, self.spare = self.spare, None
        if spare is not None and spare.take(task):
            process, receiver = spare.process, spare.conn
        else:
            if spare is not None:
                spare.discard()
            try:
                process, receiver = _fork(task.id, task.target, task.payload)
            except Exception as exc:  # the forkserver could not fork it (out of processes, gone)
                outcome.status, outcome.reason = Status.FAILED, "start_failed"
                outcome.detail = child.describe(exc)
                outcome.finished_at, outcome.duration_ms = time.time(), 0
                self.unstarted.append(outcome)
                return
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
        self.workers[task.id] = worker
        self._sample(worker)
        self.emit("started", outcome, None)
        self._fork_spare()

    def _fork_spare(self) -> None:
        """Fork the next task's worker now, while this one runs (it waits, isolated)."""
        tasks_receiver, tasks_sender = _CONTEXT.Pipe(duplex=False)
        try:
            process, receiver = _fork("spare", None, None, tasks_receiver)
        except Exception:  # the next start forks its own, and reports why it cannot
            tasks_sender.close()
            return
        finally:
            tasks_receiver.close()
        self.spare = _Spare(process, receiver, tasks_sender)

    def wait(self, timeout: float) -> list[Outcome]:
        ended, self.unstarted = self.unstarted, []
        waitables: list[Connection | int] = [w.process.sentinel for w in self.workers.values()]
        waitables += [w.conn for w in self.workers.values() if w.conn is not None]
        if not ended:
            wait(waitables, max(0.0, min(timeout, self.next_poll - time.monotonic())))
        for worker in list(self.workers.values()):
            self._receive(worker)
            if worker.process.exitcode is not None:
                ended.append(self._reap(worker))
        now = time.monotonic()
        if now >= self.next_poll:
            self.next_poll = now + self.limits.poll_interval_s
            for worker in self.workers.values():
                self._watch(worker, now)
        for worker in self.workers.values():
            self._report_progress(worker, now)
        return ended

    def stop(self, task_id: str, reason: str) -> None:
        """SIGTERM one worker, recording why; it comes back SKIPPED."""
        worker = self.workers.get(task_id)
        if worker is not None and worker.kill is None:
            self._terminate(worker, (reason, {}), time.monotonic())

    def shut_down(self) -> None:
        """SIGTERM every worker; the loop reaps them and escalates after the grace period."""
        now = time.monotonic()
        for worker in self.workers.values():
            if worker.kill is None:
                self._terminate(worker, ("shutdown", {}), now)

    def close(self) -> None:
        """SIGKILL every worker still running (the run is being abandoned) and reap it."""
        if self.spare is not None:
            self.spare.discard()
            self.spare = None
        for worker in self.workers.values():
            worker.tree.kill_leftovers()
        for worker in self.workers.values():
            worker.process.join(5)
            worker.close()
        self.workers.clear()

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

    def _reap(self, worker: _Worker) -> Outcome:
        """Classify the ended worker: its final outcome."""
        exit_code = worker.process.exitcode
        assert exit_code is not None
        worker.tree.kill_leftovers()  # what it left behind: its group, every descendant seen
        self._receive(worker)
        self._report_progress(worker, time.monotonic(), now_or_never=True)
        worker.close()
        del self.workers[worker.task.id]
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
        return outcome

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
            self.emit("progress", worker.outcome, data)
