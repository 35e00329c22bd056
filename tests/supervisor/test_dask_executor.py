"""The executor seam: the same DAG through the local pool and through DaskExecutor (a LocalCluster
of two one-thread workers) gives the same outcomes; the watchdog runs beside the task on the
Dask worker. Generic: plain targets, nothing of datalchemy_mp."""

from __future__ import annotations

import pytest

import supervisor
from supervisor import Status
from tests.supervisor.helpers import limits, task

pytest.importorskip("distributed", reason="the [dask] extra is not installed")
pytestmark = pytest.mark.slow


def _dag() -> list[supervisor.Task]:
    return [
        task("a", "ok", 1),
        task("crash", "raise_error", 2),
        task("hog", "memory_hog", memory_limit_bytes=200 << 20),
        task("b", "ok", 3, deps=("a",)),
        task("blocked", "ok", 4, deps=("crash",)),
        task("after_blocked", "ok", 5, deps=("blocked",)),
    ]


def _summary(result: supervisor.RunResult) -> dict:
    return {i: (o.status, o.reason, o.result, o.blocked_by) for i, o in result.outcomes.items()}


def test_dask_executor_gives_the_outcomes_of_the_local_pool():
    from supervisor.dask_executor import DaskExecutor

    local = supervisor.run(_dag(), limits(workers=2))
    events: list[supervisor.Event] = []
    executor = DaskExecutor("local:2")
    assert executor.threads() == 2
    remote = supervisor.run(_dag(), limits(workers=2), events.append, executor=executor)
    assert _summary(remote) == _summary(local)
    assert _summary(remote)["b"] == (Status.OK, None, 3, [])
    assert _summary(remote)["after_blocked"][:2] == (Status.SKIPPED, "parent_failed")
    hog = remote.outcomes["hog"]
    assert hog.reason == "memory_limit_exceeded" and hog.peak_rss_bytes >= 200 << 20
    assert remote.outcomes["crash"].detail["type"] == "ValueError"
    assert {o.detail["worker"] for o in remote.outcomes.values() if o.status == Status.OK}
    started = {e.task_id for e in events if e.kind == "started"}
    assert started == {"a", "crash", "hog", "b"}  # reported by the Dask workers, with their pids
    assert all(e.outcome.pid for e in events if e.kind == "started")
