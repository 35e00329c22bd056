"""Measure a worker's process tree and signal it (the enforcement arm of the supervisor)."""

from __future__ import annotations

import contextlib
import os
import signal

import psutil

_GONE = (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied)
# /proc/PID/task/TID/children lists only that process's children: far cheaper than psutil's
# children(recursive=True), which reads the stat file of every process on the machine.
_HAS_CHILDREN_FILES = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


class Tree:
    """A worker and every process it started, remembered from sample to sample.

    The worker is a child subreaper, so descendants that ``setsid()`` or double-fork stay below
    it while it lives; once seen they are remembered, so that they can be killed even after the
    worker ended and they were reparented elsewhere (psutil checks the start time, so a reused
    pid is never signalled).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.seen: dict[int, psutil.Process] = {}

    def rss(self) -> int | None:
        """RSS in bytes of the worker plus all its descendants; None if the worker is gone."""
        try:
            root = psutil.Process(self.pid)
            total = root.memory_info().rss
            descendants = _descendants(root)
        except _GONE:
            return None
        for process in descendants:
            self.seen.setdefault(process.pid, process)
            with contextlib.suppress(*_GONE):  # "No such process" is fine with us
                total += process.memory_info().rss
        return total or None  # 0: a zombie, whose memory is already gone

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the worker's group and to every descendant seen or still there."""
        signal_group(self.pid, signum)
        with contextlib.suppress(*_GONE):
            for process in _descendants(psutil.Process(self.pid)):
                self.seen.setdefault(process.pid, process)
        for process in list(self.seen.values()):
            try:
                process.send_signal(signum)
            except _GONE:
                del self.seen[process.pid]

    def kill_leftovers(self) -> None:
        """SIGKILL what the worker left behind (its group, every descendant seen)."""
        self.signal(signal.SIGKILL)
        self.seen.clear()


def kill_descendants(pid: int) -> None:
    """SIGKILL every descendant of ``pid`` (e.g. of this process, before it exits)."""
    with contextlib.suppress(*_GONE):
        for process in _descendants(psutil.Process(pid)):
            with contextlib.suppress(*_GONE):
                process.kill()


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
