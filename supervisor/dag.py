"""The dependency graph of a run: validated before anything starts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .task import Task


def dependents_of(tasks: Sequence[Task]) -> dict[str, list[str]]:
    """Map each task id to the ids that depend on it directly (by ``deps`` or ``requires``), in
    task order.

    Raises ValueError naming the tasks on a duplicate id, an unknown dependency or a cycle.
    """
    duplicates = [i for i, n in Counter(task.id for task in tasks).items() if n > 1]
    if duplicates:
        raise ValueError(f"duplicate task ids: {', '.join(duplicates)}")
    dependents: dict[str, list[str]] = {task.id: [] for task in tasks}
    for task in tasks:
        for dep in dict.fromkeys(task.deps + task.requires):  # a dep listed twice is one edge
            if dep not in dependents:
                raise ValueError(f"task {task.id!r} depends on unknown task {dep!r}")
            dependents[dep].append(task.id)
    _check_acyclic(tasks, dependents)
    return dependents


def descendants(dependents: dict[str, list[str]], task_id: str) -> set[str]:
    """Every task that depends on ``task_id``, directly or transitively."""
    found: set[str] = set()
    stack = list(dependents[task_id])
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(dependents[current])
    return found


def _check_acyclic(tasks: Sequence[Task], dependents: dict[str, list[str]]) -> None:
    """Kahn's algorithm; what it cannot order lies on or behind a cycle, which is then named."""
    waiting = {task.id: len(set(task.deps + task.requires)) for task in tasks}
    ready = [task_id for task_id, count in waiting.items() if count == 0]
    while ready:
        done = ready.pop()
        del waiting[done]
        for dependent in set(dependents[done]):
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    if not waiting:
        return
    # Every task left waits on another task left: walk those edges until one repeats.
    left = [task for task in tasks if task.id in waiting]
    deps = {task.id: [d for d in task.deps + task.requires if d in waiting] for task in left}
    path = [next(iter(waiting))]
    while path[-1] not in path[:-1]:
        path.append(deps[path[-1]][0])
    cycle = path[path.index(path[-1]) :]
    raise ValueError(f"dependency cycle (each task depends on the next): {' -> '.join(cycle)}")
