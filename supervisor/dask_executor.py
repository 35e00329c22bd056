"""An executor that runs each task on a Dask cluster (``pip install 'datalchemy-mp[dask]'``).

On the cluster, a small function (``run_one``) runs the local supervisor on a one-task DAG: the
task gets its own process on that machine, watched for memory and time beside it exactly as on
this one, and its Outcome comes back as plain data. The DAG, the events, cancellation and
whatever the caller keeps (report, lock) stay in the submitting process.

A Dask worker lost mid-task: the scheduler runs the task again elsewhere (its
``allowed-failures``); each attempt that started is seen here, and an OK outcome after a lost
attempt lists the lost workers in ``detail["worker_lost"]``. Past the scheduler's retries the
task is FAILED with reason ``worker_lost``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import queue
import threading
import time
import uuid
from typing import Any

import orjson

from .child import describe
from .executor import Emit
from .outcome import Outcome, Status
from .task import Limits, Task

_CANCEL_POLL_S = 0.5  # how often a task on the cluster looks for the run's cancel flag
_CANCEL_WAIT_S = 15.0  # after SIGTERM/SIGKILL grace: how long cancelled tasks may take to come back


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise RuntimeError(
            "the Dask executor needs the 'distributed' package: pip install 'datalchemy-mp[dask]'"
        ) from exc
    return distributed


def run_one(task: Task, limits: Limits, topic: str, cancel_name: str) -> dict:
    """Run ``task`` on this Dask worker under the local supervisor; its Outcome as plain data.

    Events go back over the Dask topic ``topic``; the run's Dask Event ``cancel_name`` stops it."""
    distributed = _distributed()
    from .pool import run

    worker = distributed.get_worker()
    # A Nanny starts its worker as a daemonic process, which multiprocessing forbids to have
    # children. Ours die with the worker anyway (PR_SET_PDEATHSIG through the forkserver).
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
    cancel_flag = distributed.Event(cancel_name)
    where = {"worker": worker.address, "host": os.uname().nodename}
    if cancel_flag.is_set():
        return {**Outcome(task.id, Status.CANCELLED, "shutdown", group=task.group).to_json(), **where}

    def forward(event: Any) -> None:
        if event.kind != "finished":  # the final outcome is this function's result
            message = {"kind": event.kind, "outcome": event.outcome.to_json(), "data": event.data, **where}
            worker.log_event(topic, orjson.loads(orjson.dumps(message)))  # plain types, for msgpack

    cancel, done = threading.Event(), threading.Event()

    def watch_cancel() -> None:
        while not done.is_set():
            with contextlib.suppress(Exception):  # a slow scheduler is no reason to stop watching
                if cancel_flag.wait(_CANCEL_POLL_S):
                    cancel.set()
                    return

    watcher = threading.Thread(target=watch_cancel, name=f"cancel-{task.id}", daemon=True)
    watcher.start()
    try:
        limits = dataclasses.replace(limits, workers=1)
        result = run([dataclasses.replace(task, deps=(), requires=())], limits, forward, cancel=cancel)
    finally:
        done.set()
    return {**result.outcomes[task.id].to_json(), **where}


class DaskExecutor:
    """Submits each started task to the cluster at ``address`` (``tcp://host:8786``), or to a
    LocalCluster of ``local:N`` one-thread workers started for the run."""

    def __init__(self, address: str) -> None:
        distributed = _distributed()
        self.address = address
        self.cluster = None
        if address.startswith("local:"):
            self.cluster = distributed.LocalCluster(
                n_workers=int(address.removeprefix("local:")),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",  # a cluster of this machine only
                dashboard_address=":0",  # never the fixed 8787 another cluster may hold
            )
            self.client = distributed.Client(self.cluster)
        else:
            self.client = distributed.Client(address, timeout=30)

    def threads(self) -> int:
        """Tasks the cluster runs at once (its workers' threads)."""
        return sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values()) or 1

    def open(self, limits: Limits, emit: Emit) -> None:
        distributed = _distributed()
        run_name = f"datalchemy-mp-{uuid.uuid4().hex}"
        self.limits = limits
        self.emit = emit
        self.topic = f"{run_name}-events"
        self.cancel_flag = distributed.Event(f"{run_name}-cancel", client=self.client)
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.futures: dict[str, Any] = {}
        self.outcomes: dict[str, Outcome] = {}
        self.lost: dict[str, list[str]] = {}  # task id -> workers of attempts that did not end
        self.attempts: dict[str, str] = {}  # task id -> worker of the latest attempt
        self.shutdown_at: float | None = None
        self.stopped: list[Outcome] = []  # handed back by the next wait()
        self.client.subscribe_topic(self.topic, lambda event: self.inbox.put(("event", event[1])))

    def running(self) -> int:
        return len(self.futures)

    def start(self, task: Task, outcome: Outcome) -> None:
        outcome.status = Status.RUNNING
        outcome.started_at = time.time()
        self.outcomes[task.id] = outcome
        future = self.client.submit(
            run_one,
            task,
            self.limits,
            self.topic,
            self.cancel_flag.name,
            key=f"{task.id}-{uuid.uuid4().hex[:12]}",
            pure=False,
        )
        future.add_done_callback(lambda _: self.inbox.put(("done", task.id)))
        self.futures[task.id] = future

    def wait(self, timeout: float) -> list[Outcome]:
        ended, self.stopped = self.stopped, []
        deadline = time.monotonic() + timeout
        while True:
            try:
                kind, item = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if kind == "event":
                self._event(item)
            elif item in self.futures:
                ended.append(self._ended(item))
            if self.inbox.empty():
                break
        if self.shutdown_at is not None and time.monotonic() - self.shutdown_at > self._cancel_wait():
            for task_id in list(self.futures):  # did not come back in time: forget them
                self.client.cancel(self.futures.pop(task_id))
                outcome = self.outcomes[task_id]
                outcome.status, outcome.reason = Status.CANCELLED, "shutdown"
                outcome.detail = {"message": "the cluster did not confirm the cancellation in time"}
                ended.append(outcome)
        return ended

    def stop(self, task_id: str, reason: str) -> None:
        """Cancel one task (a task it requires failed): it comes back SKIPPED at once. Dask does
        not interrupt a task already running on a worker; its result is dropped."""
        future = self.futures.pop(task_id, None)
        if future is None:
            return
        self.client.cancel(future)
        outcome = self.outcomes[task_id]
        outcome.status, outcome.reason, outcome.finished_at = Status.SKIPPED, reason, time.time()
        self.stopped.append(outcome)

    def shut_down(self) -> None:
        """Raise the run's cancel flag: each task's own supervisor SIGTERMs its process."""
        self.shutdown_at = time.monotonic()
        self.cancel_flag.set()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.unsubscribe_topic(self.topic)
        if self.futures:
            with contextlib.suppress(Exception):
                self.cancel_flag.set()
                self.client.cancel(list(self.futures.values()))
            self.futures.clear()
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()

    def _cancel_wait(self) -> float:
        return self.limits.term_grace_s + _CANCEL_WAIT_S

    def _event(self, message: dict) -> None:
        """A task started or made progress on the cluster."""
        data = message["outcome"]
        task_id = data["task_id"]
        outcome = self.outcomes.get(task_id)
        if outcome is None or task_id not in self.futures:
            return  # a late event of a task already handed back
        if message["kind"] == "started":
            previous = self.attempts.get(task_id)
            if previous is not None:  # the scheduler runs it again: the earlier worker was lost
                self.lost.setdefault(task_id, []).append(previous)
            self.attempts[task_id] = message["worker"]
            outcome.pid, outcome.started_at = data["pid"], data["started_at"]
        outcome.peak_rss_bytes = data["peak_rss_bytes"]
        self.emit(message["kind"], outcome, message["data"])

    def _ended(self, task_id: str) -> Outcome:
        future = self.futures.pop(task_id)
        outcome = self.outcomes[task_id]
        outcome.finished_at = time.time()
        if future.status == "finished":
            data = future.result()
            where = {k: data.pop(k) for k in ("worker", "host")}
            final = Outcome(**{**data, "status": Status(data["status"])})
            final.detail = {**final.detail, **where}
            if self.lost.get(task_id):
                final.detail["worker_lost"] = self.lost[task_id]
            return final
        if future.status == "cancelled" and self.shutdown_at is not None:
            outcome.status, outcome.reason = Status.CANCELLED, "shutdown"
            return outcome
        outcome.status = Status.FAILED
        exc = future.exception() if future.status == "error" else None
        if exc is None or type(exc).__name__ == "KilledWorker":
            outcome.reason = "worker_lost"
            message = str(exc) if exc else f"the cluster dropped the task ({future.status})"
            outcome.detail = {"message": message, "worker_lost": self.lost.get(task_id, [])}
        else:
            outcome.reason = "exception"  # e.g. the package missing on the worker
            outcome.detail = describe(exc)
        if outcome.started_at is not None:
            outcome.duration_ms = round((outcome.finished_at - outcome.started_at) * 1000)
        return outcome
