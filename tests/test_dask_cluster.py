"""`generate --dask` on a real cluster (`dask scheduler` + two `dask worker`, started by their own
CLI): the same bytes as a local run, a lost worker, a memory hog, SIGTERM, resume."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psutil
import pytest

from tests.dask_cluster import Cluster, cluster
from tests.helpers import ROOT, csv_files, generate, plan_with_fault, report, resume, tables

pytest.importorskip("distributed", reason="the [dask] extra is not installed")
pytestmark = pytest.mark.slow

CRM = ROOT / "plans" / "crm"
SCHEMA = CRM / "schema.json"
FAULTS = {"DATALCHEMY_MP_FAULTS": "1"}
BASE = ("--base-date", "2025-01-15")
FAULTY = "vendas.vendedores"


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory) -> Cluster:
    with cluster(tmp_path_factory.mktemp("dask-logs"), workers=2, env=FAULTS) as c:
        yield c


@pytest.fixture
def healthy(dask_cluster: Cluster) -> Cluster:
    """The cluster, with its two workers back (a test may have killed one)."""
    dask_cluster.wait_for_workers(2)
    return dask_cluster


def sha256s(run_dir: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in csv_files(run_dir).items()}


@pytest.fixture
def start_cli():
    """Start `generate` in the background; whatever a test leaves running is killed after it."""
    started: list[subprocess.Popen] = []

    def start(plan: Path, out: Path, *extra: str) -> subprocess.Popen:
        args = ["generate", "-s", str(SCHEMA), "-p", str(plan), "-o", str(out), "--run-id", "run"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "datalchemy_mp", *args, *BASE, *extra],
            cwd=ROOT,
            env={**os.environ, **FAULTS},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)


def wait_running(run_dir: Path, table: str, timeout: float = 90) -> dict:
    """The table's report entry once it runs on a worker with a known pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            t = tables(run_dir).get(table)
        except (FileNotFoundError, orjson.JSONDecodeError):
            t = None
        if t and t["status"] == "RUNNING" and t["pid"]:
            return t
        time.sleep(0.05)
    raise AssertionError(f"{table} never ran")


def dask_worker_of(pid: int) -> psutil.Process:
    """The Dask worker process that runs table worker ``pid`` (through its forkserver)."""
    return psutil.Process(pid).parent().parent()


def test_the_example_through_the_cluster_has_the_bytes_of_a_local_run(healthy, tmp_path):
    plan = CRM / "full_stack_ptbr.plan.json"
    local, local_dir = generate(SCHEMA, plan, tmp_path / "local", *BASE)
    dask, dask_dir = generate(SCHEMA, plan, tmp_path / "dask", *BASE, "--dask", healthy.address)
    assert local.returncode == 0, local.stderr
    assert dask.returncode == 0, dask.stderr + healthy.logs()
    assert len(sha256s(dask_dir)) == 12
    assert sha256s(dask_dir) == sha256s(local_dir)
    rep = report(dask_dir)
    workers = {t["detail"]["worker"] for t in rep["tables"]}
    assert workers == set(healthy.worker_pids())  # both workers took tables
    assert rep["workers"] == 2  # the cluster's threads, by default


def test_a_memory_hog_fails_its_table_and_the_dask_worker_survives(healthy, tmp_path):
    armed = tmp_path / "ARMED"
    armed.touch()
    plan = plan_with_fault(tmp_path, armed, "fault.memory_hog")
    pids = healthy.worker_pids()
    extra = ("--dask", healthy.address, "--memory-limit", "300MiB")
    proc, run_dir = generate(SCHEMA, plan, tmp_path / "out", *BASE, *extra, env=FAULTS)
    assert proc.returncode == 1, proc.stderr
    t = tables(run_dir)
    assert t[FAULTY]["status"] == "FAILED" and t[FAULTY]["reason"] == "memory_limit_exceeded", t[FAULTY]
    assert t[FAULTY]["peak_rss_bytes"] >= 300 << 20
    assert {name for name, s in t.items() if s["status"] == "OK"} >= {"vendas.regioes", "vendas.clientes"}
    assert all(s["status"] == "SKIPPED" for s in t.values() if FAULTY in s["blocked_by"])
    assert healthy.worker_pids() == pids  # the same two worker processes, alive


def test_sigterm_to_the_cli_cancels_the_clusters_tasks(healthy, start_cli, tmp_path):
    armed = tmp_path / "ARMED"
    armed.touch()
    plan = plan_with_fault(tmp_path, armed, "fault.hang")
    proc = start_cli(plan, tmp_path / "out", "--dask", healthy.address)
    run_dir = tmp_path / "out" / "run"
    hung = wait_running(run_dir, FAULTY)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, out + err
    assert out.strip().splitlines()[-1] == f"run_dir={run_dir}"
    rep = report(run_dir)
    assert rep["status"] == "cancelled"
    assert tables(run_dir)[FAULTY]["status"] == "CANCELLED"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (psutil.pid_exists(hung["pid"]) or healthy.processing()):
        time.sleep(0.1)
    assert not psutil.pid_exists(hung["pid"]) or psutil.Process(hung["pid"]).status() == "zombie"
    assert healthy.processing() == []


def test_a_run_on_the_cluster_resumes_to_the_bytes_of_a_clean_run(healthy, tmp_path):
    armed = tmp_path / "ARMED"
    plan = plan_with_fault(tmp_path, armed)
    clean, clean_dir = generate(SCHEMA, plan, tmp_path / "clean", *BASE, env=FAULTS)
    armed.touch()
    proc, run_dir = generate(SCHEMA, plan, tmp_path / "out", *BASE, "--dask", healthy.address, env=FAULTS)
    assert clean.returncode == 0 and proc.returncode == 1, clean.stderr + proc.stderr
    armed.unlink()
    again = resume(run_dir, "--dask", healthy.address)
    assert again.returncode == 0, again.stderr
    assert csv_files(run_dir) == csv_files(clean_dir)
    assert tables(run_dir)[FAULTY]["attempts"][0]["reason"] == "exception"


def test_a_dask_worker_lost_mid_table(healthy, start_cli, tmp_path):
    """The worker running vendas.vendedores is killed: the scheduler runs the table again on the
    other worker (same bytes, the lost worker named in the report), or it is FAILED worker_lost."""
    armed = tmp_path / "ARMED"
    plan = plan_with_fault(tmp_path, armed, "fault.hang")
    clean, clean_dir = generate(SCHEMA, plan, tmp_path / "clean", *BASE, env=FAULTS)
    assert clean.returncode == 0, clean.stderr
    armed.touch()
    proc = start_cli(plan, tmp_path / "out", "--dask", healthy.address)
    run_dir = tmp_path / "out" / "run"
    hung = wait_running(run_dir, FAULTY)
    victim = dask_worker_of(hung["pid"])
    lost = {pid: address for address, pid in healthy.worker_pids().items()}[victim.pid]
    armed.unlink()  # the next attempt runs through
    victim.kill()
    out, err = proc.communicate(timeout=180)
    t = tables(run_dir)
    if t[FAULTY]["status"] == "OK":
        assert proc.returncode == 0, out + err
        assert t[FAULTY]["detail"]["worker_lost"] == [lost]
        assert csv_files(run_dir) == csv_files(clean_dir)
    else:
        assert (t[FAULTY]["status"], t[FAULTY]["reason"]) == ("FAILED", "worker_lost"), t[FAULTY]
        assert all(s["status"] == "SKIPPED" for s in t.values() if FAULTY in s["blocked_by"])
    assert sum(s["status"] == "OK" for s in t.values()) >= 5
