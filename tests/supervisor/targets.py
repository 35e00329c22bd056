"""Functions the tests run inside worker processes (they must be importable by name)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

import supervisor

CHUNK = 64 << 20
PAGE = 4096


def ok(payload):
    return payload


def raise_error(payload):
    raise ValueError(f"bad payload: {payload}")


def exit_code(payload):
    os._exit(payload if payload is not None else 3)


def segfault(payload):
    ctypes.string_at(0)


def memory_hog(payload=None):
    """Allocate 64 MiB chunks, writing one byte per page so that they are resident, until killed."""
    chunks = []
    while True:
        chunk = bytearray(CHUNK)
        chunk[::PAGE] = b"\x01" * (CHUNK // PAGE)
        chunks.append(chunk)
        supervisor.progress(allocated=len(chunks) * CHUNK)


def grandchild_hog(payload=None):
    """Stay small while a child process allocates: only the tree's sum exceeds a limit."""
    child = subprocess.Popen(
        [sys.executable, "-c", f"import {__name__} as t; t.memory_hog()"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    supervisor.progress(grandchild=child.pid)
    child.wait()
    return "grandchild ended"


def hang(payload=None):
    supervisor.progress(hanging=os.getpid())
    while True:
        time.sleep(1)


def stubborn(payload=None):
    """Ignore SIGTERM: only SIGKILL ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    hang()


def sleep_then_ok(seconds):
    started = time.time()
    time.sleep(seconds)
    return {"started": started, "ended": time.time(), "pid": os.getpid()}


def progress_reporter(count):
    for i in range(1, count + 1):
        supervisor.progress(done=i, total=count)
        time.sleep(0.001)
    return count


def leave_grandchild(payload=None):
    """Return while a grandchild sleeps on (the supervisor must still end it)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    return child.pid


def no_result(payload=None):
    os._exit(0)


def _double_fork(then) -> int:
    """Start a process in a session of its own whose parent exits at once (a daemon's double
    fork); it runs ``then()``. Returns its pid, once it runs."""
    read, write = os.pipe()
    if os.fork() == 0:  # the middle process
        os.setsid()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            os.write(write, str(os.getpid()).encode().ljust(16))
            os.close(write)
            then()
            os._exit(0)
        os._exit(0)
    os.close(write)
    pid = int(os.read(read, 16))
    os.close(read)
    return pid


def escaping_hog(payload=None):
    """Stay small while a double-forked process in its own session allocates."""
    pid = _double_fork(memory_hog)
    supervisor.progress(escaped=pid)
    hang()


def escaping_sleeper(payload=None):
    """Return while a double-forked process in its own session sleeps on."""
    return _double_fork(lambda: time.sleep(600))


def progress_then_stop(payload=None):
    """Report progress, then stop (SIGSTOP) as if frozen by a debugger or a hung disk."""
    supervisor.progress(step=1)
    time.sleep(0.1)
    os.kill(os.getpid(), signal.SIGSTOP)
    return "resumed"


def progress_slowly(seconds):
    """Work for ``seconds``, reporting progress every 50 ms (never idle for long)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        supervisor.progress(at=time.monotonic())
        time.sleep(0.05)
    return "done"


def disk_full(payload=None):
    import errno

    try:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError as exc:
        raise RuntimeError("could not write the part") from exc


def raise_after(seconds):
    time.sleep(seconds)
    raise ValueError(f"failed after {seconds} s")


def frozen_objects(payload):
    """How many objects the forkserver froze out of the collector's reach before this fork."""
    import gc

    return gc.get_freeze_count()


def sigint_is_default(payload):
    """Whether Ctrl-C would interrupt this worker (it ignores it only until it has its own session)."""
    return signal.getsignal(signal.SIGINT) is signal.default_int_handler


STATE: dict = {}
"""Set by a caller before it forks the forkserver (test_forkserver)."""


def caller_state(payload):
    """What the caller had put in STATE when the forkserver forked from it."""
    return dict(STATE)


def can_lock(path):
    """Whether this process can take the flock on ``path`` (no copy of a holder's descriptor)."""
    import fcntl

    with open(path, "w") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def usr1_is_default(payload):
    return signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL


def kill_forkserver(payload):
    """Kill this worker's parent, the forkserver; the death signal then takes this worker too."""
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(30)


def created_at(payload):
    """When this worker's process was created (time.time() scale)."""
    import psutil

    return psutil.Process().create_time()
