"""Shared by the supervisor tests: run tasks while recording events, and check processes."""

from __future__ import annotations

import time

import psutil

import supervisor
from supervisor import Event, Limits, RunResult, Task

TARGETS = "tests.supervisor.targets"


def task(task_id: str, function: str, payload=None, **fields) -> Task:
    return Task(task_id, f"{TARGETS}:{function}", payload, **fields)


def limits(workers: int = 2, memory: int | None = None, **fields) -> Limits:
    return Limits(workers=workers, memory_limit_bytes=memory, **fields)


def run(tasks: list[Task], limits: Limits, on_event=None) -> tuple[RunResult, list[Event]]:
    """supervisor.run, returning its events too (``on_event`` sees each one first)."""
    events: list[Event] = []

    def record(event: Event) -> None:
        events.append(event)
        if on_event is not None:
            on_event(event)

    return supervisor.run(tasks, limits, record), events


def alive(pid: int) -> bool:
    """Running, or anything but gone or a zombie (whoever reaps it is no longer our concern)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_dead(pids: list[int], timeout: float = 5.0) -> list[int]:
    """The pids still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left
