"""What runs inside a worker process: isolate it, call the target, report back over a pipe."""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import traceback
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

from .watchdog import kill_descendants

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_TRACEBACK_LINES = 30
_PROGRESS_EVERY_S = 0.05  # the supervisor reports progress at most every 0.5 s anyway


class _Channel:
    """The worker's end of the pipe; progress is coalesced so that calling it often stays cheap."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._pending: dict = {}
        self._sent_at = 0.0

    def progress(self, data: dict) -> None:
        with self._lock:
            self._pending.update(data)
            if time.monotonic() - self._sent_at >= _PROGRESS_EVERY_S:
                self._flush()

    def finish(self, kind: str, value: Any) -> None:
        """End what the target left running, then send the final message; a result that cannot
        be pickled becomes an error."""
        kill_descendants(os.getpid())
        with self._lock:
            self._flush()
            try:
                self._conn.send((kind, value, _max_rss()))
            except Exception as exc:  # e.g. an unpicklable result
                self._conn.send(("error", describe(exc), _max_rss()))

    def memory(self) -> None:
        """Send the worker's RSS high-water mark so far: a floor for its peak, even if it then
        dies too fast for the supervisor to sample it."""
        with self._lock:
            self._conn.send(("rss", _max_rss()))

    def _flush(self) -> None:
        if self._pending:
            self._conn.send(("progress", self._pending))
            self._pending = {}
            self._sent_at = time.monotonic()


_channel: _Channel | None = None


def progress(**data: Any) -> None:
    """Tell the supervisor how far this task got (merged, sent at most every 50 ms).

    A no-op outside a worker, so targets can be called directly in tests.
    """
    if _channel is not None:
        _channel.progress(data)


def main(conn: Connection, target: str | None, payload: Any, tasks: Connection | None = None) -> None:
    """Entry point of a worker: exit 0 after sending a result, 1 after sending an exception.

    A worker started ahead of its task (a spare: ``target`` None) isolates itself, then waits for
    ``(target, payload)`` on ``tasks``; it exits 0 without a word if that pipe closes first."""
    global _channel
    _channel = _Channel(conn)
    try:
        _isolate()
        if tasks is not None:
            try:
                target, payload = tasks.recv()
            except EOFError:
                os._exit(0)  # never given a task: the run ended
            tasks.close()
        assert target is not None
        _channel.memory()
        module_name, _, function_name = target.partition(":")
        function: Any = importlib.import_module(module_name)
        for attribute in function_name.split("."):
            function = getattr(function, attribute)
        result = function(payload)
    except Exception as exc:  # every exception is reported to the supervisor
        _channel.finish("error", describe(exc))
        sys.exit(1)
    _channel.finish("result", result)


def describe(exc: BaseException) -> dict:
    """Type, message and the last lines of the traceback of ``exc``."""
    lines = "".join(traceback.format_exception(exc)).splitlines()
    detail: dict[str, Any] = {
        "type": type(exc).__qualname__,
        "message": str(exc),
        "traceback": "\n".join(lines[-_TRACEBACK_LINES:]),
    }
    errno = _errno_of(exc)
    if errno is not None:
        detail["errno"] = errno
    return detail


def _errno_of(exc: BaseException | None) -> int | None:
    """The errno of ``exc`` or of the OSError that caused it (a full disk deep inside a writer)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno is not None:
            return exc.errno
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _isolate() -> None:
    """Own session (Ctrl-C reaches only the supervisor; a kill takes the whole group), death with
    the parent, every descendant kept below it, default signal handling, and first in line for
    the kernel's OOM killer."""
    os.setsid()
    for signum in (signal.SIGTERM, signal.SIGHUP):  # the forkserver ignores them; we must not
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    _prctl(libc, "PR_SET_PDEATHSIG", _PR_SET_PDEATHSIG, signal.SIGKILL)
    # Orphaned descendants (a double fork, a daemon) are reparented to us, not to init: they stay
    # in the tree the supervisor measures and kills.
    _prctl(libc, "PR_SET_CHILD_SUBREAPER", _PR_SET_CHILD_SUBREAPER, 1)
    supervisor_process = multiprocessing.parent_process()
    if os.getppid() != parent or (supervisor_process and not supervisor_process.is_alive()):
        os._exit(1)  # the forkserver or the supervisor died before the death signal was armed
    # The death signal comes from our parent, the forkserver, which exits when every holder of
    # its "alive" pipe is gone. Workers inherit that pipe: let go of it, so that the forkserver,
    # and with it every worker, ends when the supervisor dies.
    alive_fd = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if alive_fd is not None:
        os.close(alive_fd)
        forkserver._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]
    with contextlib.suppress(OSError):
        with open("/proc/self/oom_score_adj", "w") as file:
            file.write("1000")


def _prctl(libc: Any, name: str, option: int, value: int) -> None:
    if libc.prctl(option, value, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl({name}): {os.strerror(errno)}")


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
