"""Measure a worker's process tree and signal it (the enforcement arm of the supervisor)."""

from __future__ import annotations

import contextlib
import os

import psutil

_GONE = (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied)
# /proc/PID/task/TID/children lists only that process's children: far cheaper than psutil's
# children(recursive=True), which reads the stat file of every process on the machine.
_HAS_CHILDREN_FILES = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def tree_rss(pid: int) -> int | None:
    """RSS in bytes of ``pid`` plus all its descendants; None if ``pid`` is gone."""
    try:
        root = psutil.Process(pid)
        total = root.memory_info().rss
        descendants = _descendants(root)
    except _GONE:
        return None
    for process in descendants:
        with contextlib.suppress(*_GONE):  # "No such process" is fine with us
            total += process.memory_info().rss
    return total


def signal_group(pid: int, signum: int) -> None:
    """Send ``signum`` to the process group led by ``pid`` (the worker, once it called setsid),
    or to ``pid`` alone if that group does not exist (yet)."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _descendants(root: psutil.Process) -> list[psutil.Process]:
    if not _HAS_CHILDREN_FILES:
        return root.children(recursive=True)
    found: list[psutil.Process] = []
    stack = [root.pid]
    while stack:
        for pid in _children_pids(stack.pop()):
            with contextlib.suppress(*_GONE):
                found.append(psutil.Process(pid))
                stack.append(pid)
    return found


def _children_pids(pid: int) -> list[int]:
    pids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as file:
                pids.extend(int(child) for child in file.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass  # the process or one of its threads ended meanwhile
    return pids
