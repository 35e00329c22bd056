"""Signals to a supervisor running in its own process (tests/supervisor/driver.py)."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.supervisor.helpers import wait_dead

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def driver() -> Iterator[subprocess.Popen]:
    """The driver, in its own session as a shell would start it; killed with all it left behind."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.supervisor.driver"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def read_lines(process: subprocess.Popen, until, timeout: float = 20.0) -> list[dict]:
    """JSON lines from the driver's stdout until ``until(lines)`` holds.

    Reads the pipe unbuffered: a buffered reader could hold a line that select() never reports.
    """
    lines: list[dict] = []
    partial = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not until(lines):
            assert selector.select(deadline - time.monotonic()), f"timed out; got {lines}"
            data = os.read(process.stdout.fileno(), 65536)
            assert data, f"driver ended early: {lines}"
            *complete, partial = (partial + data).split(b"\n")
            lines.extend(json.loads(line) for line in complete)
    return lines


def running_workers(process: subprocess.Popen) -> list[int]:
    """Wait until both workers are inside their target; return their pids."""
    lines = read_lines(process, lambda ls: sum(e["kind"] == "progress" for e in ls) == 2)
    return [e["pid"] for e in lines if e["kind"] == "progress"]


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [
        (signal.SIGTERM, False),
        (signal.SIGINT, True),
        (signal.SIGTERM, True),
        (signal.SIGHUP, True),
    ],
    ids=[
        "SIGTERM to the supervisor",
        "Ctrl-C to the terminal's process group",
        "SIGTERM to the process group (timeout, systemd)",
        "SIGHUP to the process group (terminal closed)",
    ],
)
def test_shutdown_signal_cancels_everything_and_leaves_no_worker(driver, signum, to_group) -> None:
    pids = running_workers(driver)
    sent = time.monotonic()
    if to_group:  # the whole group (with the forkserver), which the workers left
        os.killpg(driver.pid, signum)
    else:
        driver.send_signal(signum)
    lines = read_lines(driver, lambda ls: bool(ls) and "interrupted_by" in ls[-1])
    assert time.monotonic() - sent < 5
    assert driver.wait(10) == 0
    result = lines[-1]
    assert result["interrupted_by"] == signal.Signals(signum).name
    outcomes = result["outcomes"]
    assert {k: (o["status"], o["reason"]) for k, o in outcomes.items()} == {
        "stubborn": ("CANCELLED", "shutdown"),
        "hang": ("CANCELLED", "shutdown"),
        "later": ("CANCELLED", "shutdown"),
        "after-later": ("CANCELLED", "shutdown"),
    }
    # SIGTERM from the supervisor, not the SIGINT of the terminal; SIGKILL after the grace.
    assert (outcomes["hang"]["signal"], outcomes["stubborn"]["signal"]) == ("SIGTERM", "SIGKILL")
    assert wait_dead(pids, timeout=0) == []


def test_workers_die_with_a_killed_supervisor(driver) -> None:
    pids = running_workers(driver)
    helpers = [p.pid for p in psutil.Process(driver.pid).children()]  # forkserver, tracker
    driver.kill()
    assert wait_dead(pids + helpers) == []
