"""The DAG loop against an executor whose tasks end in a scripted order (no processes): the
orders that real workers produce only now and then, made certain."""

from __future__ import annotations

from supervisor import Limits, Status, Task
from supervisor.executor import run
from supervisor.outcome import Outcome


class _Scripted:
    """Starts every task at once; the n-th ``wait`` ends the tasks of the n-th batch."""

    def __init__(self, batches: list[dict[str, Status]]) -> None:
        self.batches = batches
        self.started: dict[str, Outcome] = {}
        self.stopped: list[str] = []

    def open(self, limits, emit) -> None:
        self.emit = emit

    def start(self, task: Task, outcome: Outcome) -> None:
        outcome.status = Status.RUNNING
        self.started[task.id] = outcome
        self.emit("started", outcome, None)

    def running(self) -> int:
        return len(self.started)

    def wait(self, timeout: float) -> list[Outcome]:
        ended = []
        for task_id, status in (self.batches.pop(0) if self.batches else {}).items():
            outcome = self.started.pop(task_id)
            outcome.status = status
            outcome.reason = "exception" if status == Status.FAILED else None
            ended.append(outcome)
        return ended

    def stop(self, task_id: str, reason: str) -> None:
        self.stopped.append(task_id)  # too late here: the task has already ended in this poll

    def shut_down(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_task_ending_ok_in_the_same_poll_as_the_failure_it_requires_is_skipped() -> None:
    # The child computes its parent's keys (no dep, only "requires"): both run at once, and the
    # parent's failure and the child's OK come back from one poll, the parent's first.
    tasks = [Task("parent", "x:y"), Task("child", "x:y", requires=("parent",))]
    executor = _Scripted([{"parent": Status.FAILED, "child": Status.OK}])
    result = run(tasks, Limits(workers=2, memory_limit_bytes=None), executor)
    child = result.outcomes["child"]
    assert (child.status, child.reason, child.blocked_by) == (Status.SKIPPED, "parent_failed", ["parent"])
    assert result.outcomes["parent"].status == Status.FAILED


def test_a_task_ending_ok_after_what_it_requires_failed_is_skipped() -> None:
    tasks = [Task("parent", "x:y"), Task("child", "x:y", requires=("parent",))]
    executor = _Scripted([{"parent": Status.FAILED}, {"child": Status.OK}])
    result = run(tasks, Limits(workers=2, memory_limit_bytes=None), executor)
    assert result.outcomes["child"].status == Status.SKIPPED


def test_a_task_ending_ok_before_what_it_requires_waits_for_it() -> None:
    tasks = [Task("parent", "x:y"), Task("child", "x:y", requires=("parent",))]
    executor = _Scripted([{"child": Status.OK}, {"parent": Status.OK}])
    result = run(tasks, Limits(workers=2, memory_limit_bytes=None), executor)
    assert result.outcomes["child"].status == Status.OK


def test_a_task_ending_ok_while_the_run_stops_is_cancelled_not_held_forever() -> None:
    import threading

    cancel = threading.Event()

    class _Stopping(_Scripted):
        def wait(self, timeout: float) -> list[Outcome]:
            cancel.set()  # Ctrl-C while both run; the child then ends OK, the parent is cancelled
            return super().wait(timeout)

    tasks = [Task("parent", "x:y"), Task("child", "x:y", requires=("parent",))]
    executor = _Stopping([{}, {"child": Status.OK}, {"parent": Status.CANCELLED}])
    result = run(tasks, Limits(workers=2, memory_limit_bytes=None), executor, cancel=cancel)
    child = result.outcomes["child"]
    assert (child.status, child.reason) == (Status.CANCELLED, "shutdown")
    assert result.interrupted_by == "cancel"
