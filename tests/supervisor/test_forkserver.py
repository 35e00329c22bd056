"""What each worker inherits from the forkserver: the caller's main script already imported
once, the preloaded objects frozen out of the garbage collector's reach, and, when the server
forked from the caller, the caller's memory but none of its descriptors or signal handlers."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, os, sys
with open(os.environ["IMPORTS_LOG"], "a") as log:
    log.write(f"{os.getpid()} {__name__}\\n")

if __name__ == "__main__":
    import supervisor
    from supervisor import Limits, Task

    tasks = [Task(f"t{k}", "tests.supervisor.targets:frozen_objects") for k in range(3)]
    result = supervisor.run(tasks, Limits(workers=1, memory_limit_bytes=None))
    print(json.dumps({t: (o.status, o.result) for t, o in result.outcomes.items()}))
"""


def test_a_worker_neither_runs_the_main_script_again_nor_walks_the_preloaded_heap(tmp_path) -> None:
    script, imports = tmp_path / "caller.py", tmp_path / "imports.log"
    script.write_text(SCRIPT)
    env = {**os.environ, "IMPORTS_LOG": str(imports), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert {s for s, _ in outcomes.values()} == {"OK"}, outcomes
    assert all(frozen > 0 for _, frozen in outcomes.values()), outcomes
    names = [line.split()[1] for line in imports.read_text().splitlines()]
    # The caller itself, then the forkserver once; before, every worker ran it again.
    assert names == ["__main__", "__mp_main__"], names


def test_a_worker_takes_ctrl_c_back_once_in_its_own_session() -> None:
    import supervisor
    from supervisor import Limits, Task

    result = supervisor.run(
        [Task("t", "tests.supervisor.targets:sigint_is_default")], Limits(workers=1, memory_limit_bytes=None)
    )
    assert result.outcomes["t"].result is True


FORKING_CALLER = """
import fcntl, json, os, signal, sys, threading, time
from multiprocessing import forkserver

if __name__ == "__main__":
    import supervisor
    from supervisor import Limits, Task
    from tests.supervisor import targets

    if sys.argv[2] == "thread":
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    if sys.argv[2] == "no fork":
        os.fork = lambda: (_ for _ in ()).throw(BlockingIOError(11, "Resource temporarily unavailable"))
    targets.STATE["loaded"] = "before the fork"
    lock = open(sys.argv[1], "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    signal.signal(signal.SIGUSR1, lambda *_: None)
    print("printed once")  # still in the buffer: stdout is a pipe
    forked = supervisor.fork_server()
    again = supervisor.fork_server()
    lock.close()
    tasks = [
        Task("state", "tests.supervisor.targets:caller_state"),
        Task("lock", "tests.supervisor.targets:can_lock", payload=sys.argv[1]),
        Task("usr1", "tests.supervisor.targets:usr1_is_default"),
    ]
    result = supervisor.run(tasks, Limits(workers=1, memory_limit_bytes=None))
    outcomes = {t: [o.status, o.result] for t, o in result.outcomes.items()}
    server = forkserver._forkserver._forkserver_pid
    print(json.dumps({"forked": forked, "again": again, "server": server, "outcomes": outcomes}))
"""


def _run_forking_caller(tmp_path: Path, mode: str) -> tuple[dict, list[str]]:
    script = tmp_path / "caller.py"
    script.write_text(FORKING_CALLER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "lock"), mode],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return json.loads(lines[-1]), lines[:-1]


def test_a_forkserver_forked_from_the_caller_gives_workers_its_memory_but_not_its_files(tmp_path) -> None:
    import psutil

    result, printed = _run_forking_caller(tmp_path, "alone")
    assert result["forked"] is True and result["again"] is False  # one server per process
    assert result["outcomes"] == {
        "state": ["OK", {"loaded": "before the fork"}],  # the caller's memory, as it was
        "lock": ["OK", True],  # the caller's lock went with its descriptor: no copy held it
        "usr1": ["OK", True],  # the caller's signal handlers are not the server's
    }
    assert printed == ["printed once"]  # the caller's unflushed output is not written again
    # The server ends with its caller.
    deadline = time.monotonic() + 10
    while psutil.pid_exists(result["server"]) and time.monotonic() < deadline:
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(result["server"]).status() == psutil.STATUS_ZOMBIE:
                break
        time.sleep(0.05)
    else:
        assert not psutil.pid_exists(result["server"]), "the forked server outlived its caller"


@pytest.mark.parametrize("mode", ["thread", "no fork"])
def test_a_caller_running_threads_or_out_of_processes_gets_a_fresh_forkserver(tmp_path, mode) -> None:
    result, printed = _run_forking_caller(tmp_path, mode)
    assert result["forked"] is False  # a fork would copy the other thread's locks
    assert result["outcomes"] == {
        "state": ["OK", {}],  # a fresh interpreter: nothing of the caller's
        "lock": ["OK", True],
        "usr1": ["OK", True],
    }
    assert printed == ["printed once"]


PER_RUN_CALLER = """
import json
from multiprocessing import forkserver

if __name__ == "__main__":
    import supervisor
    from supervisor import Limits, Task
    from tests.supervisor import targets

    task, limits = Task("s", "tests.supervisor.targets:caller_state"), Limits(1, memory_limit_bytes=None)
    seen = []
    for value in ("first run", "second run"):
        targets.STATE["loaded"] = value
        with supervisor.forked_server() as forked:
            server = forkserver._forkserver._forkserver_pid
            result = supervisor.run([task], limits)
        seen.append([forked, server, result.outcomes["s"].result, forkserver._forkserver._forkserver_pid])
    print(json.dumps(seen))
"""


def test_a_forked_server_lasts_one_block_and_the_next_run_forks_a_fresh_one(tmp_path) -> None:
    import psutil

    script = tmp_path / "caller.py"
    script.write_text(PER_RUN_CALLER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    (forked1, server1, state1, after1), (forked2, server2, state2, after2) = json.loads(done.stdout)
    assert forked1 and forked2 and server1 != server2
    assert state1 == {"loaded": "first run"} and state2 == {"loaded": "second run"}  # each run's own
    assert after1 is None and after2 is None
    assert not psutil.pid_exists(server1)  # ended and reaped as its block ended
