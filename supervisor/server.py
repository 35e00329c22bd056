"""The workers' forkserver: every worker forks from it, never from the caller's process.

It starts one of two ways. ``fork_server`` forks it from the caller, which must be
single-threaded: it then has everything the caller loaded (imports, parsed inputs, caches)
at the cost of one fork. Otherwise the pool starts the stdlib's own, a fresh interpreter
that imports the preload list (a few hundred milliseconds that the first worker waits for).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing import connection, forkserver, resource_tracker, spawn, util
from typing import Any

CONTEXT = multiprocessing.get_context("forkserver")
# Imported first by the forkserver: it then survives a signal to the whole process group.
_FORKSERVER_INIT = "supervisor.forkserver_init"
_FORKSERVER_FREEZE = "supervisor.forkserver_freeze"
MAIN_ENV = "SUPERVISOR_FORKSERVER_MAIN"  # the caller's main script, for forkserver_init
_SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_STOP_WAIT_S = 2.0  # then left to exit on its own, a zombie until this process ends


def _preload_list(preload: Sequence[str]) -> list[str]:
    return [_FORKSERVER_INIT, "__main__", "supervisor.child", *preload, _FORKSERVER_FREEZE]


def prestart(preload: Sequence[str] = ()) -> None:
    """Start a fresh forkserver now, if none runs, so that it imports ``preload`` while the
    caller does other work; the pool starts one anyway when it needs one. The caller's main
    script is named for forkserver_init (inherited through the environment, restored at once)."""
    CONTEXT.set_forkserver_preload(_preload_list(preload))
    main_path = spawn.get_preparation_data("forkserver").get("init_main_from_path")
    previous = os.environ.get(MAIN_ENV)
    if main_path:
        os.environ[MAIN_ENV] = main_path
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            os.environ.pop(MAIN_ENV, None)
        else:
            os.environ[MAIN_ENV] = previous


@contextlib.contextmanager
def forked_server(preload: Sequence[str] = ()) -> Iterator[bool]:
    """Within the block, workers fork from a fork of this process taken as it starts
    (``fork_server``), which ends with the block; yields whether it could fork."""
    forked = fork_server(preload)
    try:
        yield forked
    finally:
        if forked:
            _stop()


def fork_server(preload: Sequence[str] = ()) -> bool:
    """Start the forkserver now as a fork of this process, so that every worker starts with what
    this process has loaded; the server imports ``preload`` if this process has not.

    Returns False, starting nothing, when a forkserver already runs or when this process runs
    other threads (a fork would copy their locks in whatever state they are): the pool then
    starts a fresh one. The server holds no descriptor of this process but the standard streams,
    runs none of its signal handlers, and ends when this process does.
    """
    server: Any = forkserver._forkserver  # type: ignore[attr-defined]  # its state is private
    pid = server._forkserver_pid
    if pid is not None and os.waitpid(pid, os.WNOHANG) == (0, 0):
        return False
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return False
    if pid is not None:  # it died: forget it, as the stdlib does
        _forget(server)
    preload = _preload_list(preload)
    CONTEXT.set_forkserver_preload(preload)  # for a restart by the stdlib, should this one die
    resource_tracker.ensure_running()
    with socket.socket(socket.AF_UNIX) as listener:
        address = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
        listener.bind(address)
        if not util.is_abstract_socket_namespace(address):
            os.chmod(address, 0o600)
        listener.listen()
        alive_r, alive_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # or the server and its workers write it again
            if stream is not None:
                stream.flush()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SHUTDOWN_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                _serve(listener.fileno(), alive_r, preload, blocked)  # never returns
        except OSError:  # out of memory or processes: the pool will try a fresh one
            os.close(alive_w)
            return False
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(alive_r)
    server._forkserver_address = address
    server._forkserver_alive_fd = alive_w
    server._forkserver_pid = pid
    return True


def _stop() -> None:
    """End the forked server: it exits once no process holds its "alive" pipe (the pool's
    workers let go of it as they start, and none is left once a run has ended)."""
    server: Any = forkserver._forkserver  # type: ignore[attr-defined]
    pid = server._forkserver_pid
    _forget(server)
    deadline = time.monotonic() + _STOP_WAIT_S
    while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.005)


def _forget(server: Any) -> None:
    """Let go of the stdlib's forkserver record: its "alive" pipe closed, no pid, no address."""
    os.close(server._forkserver_alive_fd)
    server._forkserver_pid = server._forkserver_address = server._forkserver_alive_fd = None


def _serve(listener_fd: int, alive_r: int, preload: list[str], mask: set) -> None:
    """The forked server's whole life: no exception may unwind into the caller's frames."""
    code = 1
    try:
        # The caller's handlers must not run here; forkserver_init ignores these three anyway.
        for signum in signal.valid_signals():
            handler = signal.getsignal(signum)
            if callable(handler) and handler is not signal.default_int_handler:
                signal.signal(signum, signal.SIG_DFL)
        for signum in _SHUTDOWN_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        signal.set_wakeup_fd(-1)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _close_descriptors_but(0, 1, 2, listener_fd, alive_r)
        forkserver.main(listener_fd, alive_r, preload)
        code = 0
    except SystemExit as exc:  # how forkserver.main ends, once every client is gone
        code = 0 if exc.code in (None, 0) else 1
    except BaseException:  # reported as the stdlib's server would; there is no caller to raise to
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _close_descriptors_but(*keep: int) -> None:
    """Close every descriptor but ``keep``: the caller's files, locks and pipes stay its own."""
    low = 0
    for fd in sorted(keep):
        if fd > low:  # closerange(n, n) would close every descriptor from n up
            os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))
