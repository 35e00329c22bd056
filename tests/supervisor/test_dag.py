from __future__ import annotations

import pytest

from supervisor import Limits, Task, run
from tests.supervisor.helpers import limits, task


def test_unknown_dependency_is_named_before_anything_starts() -> None:
    tasks = [task("a", "ok"), task("b", "ok", deps=("a", "nope"))]
    with pytest.raises(ValueError, match="task 'b' depends on unknown task 'nope'"):
        run(tasks, limits())


def test_cycle_is_named() -> None:
    tasks = [
        task("a", "ok", deps=("c",)),
        task("b", "ok", deps=("a",)),
        task("c", "ok", deps=("b",)),
    ]
    tasks.append(task("d", "ok", deps=("a",)))  # behind the cycle, not on it
    with pytest.raises(ValueError, match=r"dependency cycle .*: a -> c -> b -> a"):
        run(tasks, limits())


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(ValueError, match=r"dependency cycle .*: a -> a"):
        run([task("a", "ok", deps=("a",))], limits())


def test_duplicate_ids_are_named() -> None:
    with pytest.raises(ValueError, match="duplicate task ids: a"):
        run([task("a", "ok"), task("a", "ok")], limits())


def test_target_must_name_module_and_function() -> None:
    with pytest.raises(ValueError, match="must look like 'package.module:function'"):
        Task("a", "tests.supervisor.targets.ok")


@pytest.mark.parametrize(
    "fields",
    [{"workers": 0}, {"memory_limit_bytes": 0}, {"timeout_s": -1}, {"poll_interval_s": 0}],
    ids=["workers", "memory", "timeout", "poll"],
)
def test_limits_are_checked(fields: dict) -> None:
    with pytest.raises(ValueError, match="must"):
        Limits(**{"workers": 1, "memory_limit_bytes": None, **fields})
