"""What to run (Task) and under which limits (Limits): plain data, checked on creation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Task:
    """One unit of work: ``target`` ("package.module:function") is called as function(payload)
    in a fresh worker process once every task in ``deps`` has ended OK.

    ``requires``: tasks whose result this one relies on without waiting for them. It may run
    before they end; it is reported OK only once they all ended OK, and is stopped at once
    (SKIPPED, parent_failed) if one of them does not."""

    id: str
    target: str
    payload: Any = None  # JSON-able data (pickled to the worker)
    deps: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    memory_limit_bytes: int | None = None  # overrides Limits.memory_limit_bytes
    timeout_s: float | None = None  # overrides Limits.timeout_s
    group: str | None = None  # free label carried into outcomes and events

    def __post_init__(self) -> None:
        object.__setattr__(self, "deps", tuple(self.deps))
        object.__setattr__(self, "requires", tuple(self.requires))
        module, _, function = self.target.partition(":")
        if not module or not function:
            raise ValueError(
                f"task {self.id!r}: target {self.target!r} must look like 'package.module:function'"
            )
        _check_positive(f"task {self.id!r}: memory_limit_bytes", self.memory_limit_bytes)
        _check_positive(f"task {self.id!r}: timeout_s", self.timeout_s)


@dataclass(frozen=True)
class Limits:
    """How a run is bounded. The forkserver imports ``preload`` when it starts: on the first run
    of the process, or anew in each ``forked_server`` block."""

    workers: int  # at most this many tasks running at once
    memory_limit_bytes: int | None  # RSS of a worker plus its descendants; None = unlimited
    timeout_s: float | None = None  # wall clock per task
    stall_s: float | None = None  # FAILED "stalled" after this long without a progress message
    poll_interval_s: float = 0.02
    term_grace_s: float = 2.0  # SIGTERM, then SIGKILL after this
    preload: tuple[str, ...] = ()  # modules the forkserver imports once (fast worker start)

    def __post_init__(self) -> None:
        object.__setattr__(self, "preload", tuple(self.preload))
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        _check_positive("memory_limit_bytes", self.memory_limit_bytes)
        _check_positive("timeout_s", self.timeout_s)
        _check_positive("stall_s", self.stall_s)
        _check_positive("poll_interval_s", self.poll_interval_s)
        if self.term_grace_s < 0:
            raise ValueError(f"term_grace_s must not be negative, got {self.term_grace_s}")


def _check_positive(name: str, value: float | None) -> None:
    if value is not None and not value > 0:  # "not >" also refuses NaN
        raise ValueError(f"{name} must be positive, got {value}")
