"""A real Dask cluster for tests, started as an operator would: `dask scheduler` and `dask worker`
processes on free ports of 127.0.0.1, waited for with bounds, always stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DASK = Path(sys.executable).with_name("dask")
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    address: str
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=30)

    def worker_pids(self) -> dict[str, int]:
        """Address -> pid of each Dask worker process (not its nanny)."""
        with self.client() as client:
            return client.run(os.getpid)

    def wait_for_workers(self, n: int) -> None:
        with self.client() as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT_S)

    def processing(self) -> list[str]:
        """Keys of the tasks the cluster runs or holds (none once a run was cancelled)."""
        with self.client() as client:
            return [key for keys in client.processing().values() for key in keys]

    def logs(self) -> str:
        tails = (f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.log_dir.glob("*"))
        return "\n".join(tails)


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(DASK), *args],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # stopped as a group: nanny, worker and what they started
    )


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@contextlib.contextmanager
def cluster(log_dir: Path, workers: int = 2, env: dict | None = None) -> Iterator[Cluster]:
    """A scheduler and ``workers`` one-thread workers (each under its nanny)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    c = Cluster(address, log_dir)
    try:
        c.processes.append(
            _start(
                ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                log_dir / "scheduler.log",
                full_env,
            )
        )
        for i in range(workers):
            args = ["worker", address, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1"]
            args += ["--no-dashboard", "--name", f"w{i}"]
            c.processes.append(_start(args, log_dir / f"worker{i}.log", full_env))
        c.wait_for_workers(workers)
        yield c
    finally:
        for process in reversed(c.processes):
            _stop(process)
