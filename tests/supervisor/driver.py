"""A supervisor in a process of its own, for the signal tests.

Prints one JSON line per event, then one with the RunResult. Two workers start (one ignores
SIGTERM), two tasks wait behind them.
"""

from __future__ import annotations

import json

import supervisor
from supervisor import Event, Limits, Task

TARGETS = "tests.supervisor.targets"


def main() -> None:
    tasks = [
        Task("stubborn", f"{TARGETS}:stubborn"),
        Task("hang", f"{TARGETS}:hang"),
        Task("later", f"{TARGETS}:ok"),
        Task("after-later", f"{TARGETS}:ok", deps=("later",)),
    ]
    limits = Limits(workers=2, memory_limit_bytes=None, term_grace_s=0.5)

    def print_event(event: Event) -> None:
        line = {"kind": event.kind, "task": event.task_id, "pid": event.outcome.pid}
        print(json.dumps(line), flush=True)

    result = supervisor.run(tasks, limits, print_event)
    outcomes = {task_id: outcome.to_json() for task_id, outcome in result.outcomes.items()}
    print(json.dumps({"interrupted_by": result.interrupted_by, "outcomes": outcomes}), flush=True)


if __name__ == "__main__":
    main()
