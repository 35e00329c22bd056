"""What happened to each task, as decided by the supervisor from what it saw and did."""

from __future__ import annotations

import dataclasses
import errno
import signal
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Final messages a worker sends: ("result", value, maxrss_bytes) or ("error", detail, maxrss_bytes).
# Before those: ("rss", maxrss_bytes) once it started, ("progress", data) any number of times.
FinalMessage = tuple[str, Any, int]
# What the supervisor recorded before it signalled a worker: (reason, detail).
Kill = tuple[str, dict]


class Status(StrEnum):
    """Where a task stands; OK, FAILED, SKIPPED and CANCELLED are final. Written as its name."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    OK = "OK"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    CANCELLED = "CANCELLED"

    @property
    def final(self) -> bool:
        return self not in (Status.PENDING, Status.RUNNING)


# A worker stopped for one of these reasons did nothing wrong itself.
_KILLED_AS = {"shutdown": Status.CANCELLED, "parent_failed": Status.SKIPPED}


@dataclass
class Outcome:
    """The state of one task; final once status is OK, FAILED, SKIPPED or CANCELLED."""

    task_id: str
    status: Status = Status.PENDING
    reason: str | None = None
    detail: dict = field(default_factory=dict)
    blocked_by: list[str] = field(default_factory=list)
    result: Any = None
    peak_rss_bytes: int | None = None
    duration_ms: int | None = None
    pid: int | None = None
    exit_code: int | None = None
    signal: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    group: str | None = None

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    def snapshot(self) -> Outcome:
        """A copy that later changes to this outcome do not reach."""
        return dataclasses.replace(self, detail=dict(self.detail), blocked_by=list(self.blocked_by))


@dataclass(frozen=True)
class Event:
    """A state change: "started", "progress" (``data`` is what the worker sent) or "finished"."""

    kind: str
    task_id: str
    outcome: Outcome
    data: dict = field(default_factory=dict)


@dataclass
class RunResult:
    outcomes: dict[str, Outcome]  # every task, in the order given
    interrupted_by: str | None = None  # "SIGINT" | "SIGTERM" | "SIGHUP" if one stopped the run


def classify(
    exit_code: int, final: FinalMessage | None, kill: Kill | None
) -> tuple[Status, str | None, dict]:
    """Status, reason and detail of a worker that ended: its own kill wins, then the message."""
    if kill is not None:
        reason, detail = kill
        return _KILLED_AS.get(reason, Status.FAILED), reason, detail
    if final is not None and final[0] == "error":
        if final[1].get("errno") == errno.ENOSPC:
            return Status.FAILED, "disk_full", final[1]
        return Status.FAILED, "exception", final[1]
    if exit_code < 0:
        return Status.FAILED, "signal", {"signal": signal_name(exit_code)}
    if exit_code != 0:
        return Status.FAILED, "exit_code", {"exit_code": exit_code}
    if final is None:
        return Status.FAILED, "exit_code", {"exit_code": 0, "message": "exited without sending a result"}
    return Status.OK, None, {}


def signal_name(exit_code: int) -> str:
    """The name of the signal behind a negative exit code: -9 -> "SIGKILL"."""
    try:
        return signal.Signals(-exit_code).name
    except ValueError:
        return f"signal {-exit_code}"
