"""Cron habits of an output directory: one run at a time, OUT/latest, --keep."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from datalchemy_mp.errors import LatestLinkError, RunInProgress
from datalchemy_mp.run import runs
from datalchemy_mp.run.report import REPORT_NAME
from tests.factory import col, plan_doc, rule, schema_doc, table, write
from tests.helpers import ROOT, generate, report

FAULTS = {"DATALCHEMY_MP_FAULTS": "1"}


@pytest.fixture
def schema(tmp_path) -> Path:
    return write(
        tmp_path / "schema.json",
        schema_doc(
            table("a", [col("id", "integer", nullable=False), col("name")], pk=["id"]),
            table(
                "b",
                [col("id", "integer", nullable=False), col("a_id", "integer")],
                pk=["id"],
                fks=[(["a_id"], "a", ["id"])],
            ),
        ),
    )


def fake_run(out: Path, name: str, started_at: str | None, mtime: float | None = None) -> Path:
    run_dir = out / name
    run_dir.mkdir(parents=True)
    doc = {"run_id": name} if started_at is None else {"run_id": name, "started_at": started_at}
    (run_dir / REPORT_NAME).write_bytes(orjson.dumps(doc))
    if mtime is not None:
        os.utime(run_dir / REPORT_NAME, (mtime, mtime))
        os.utime(run_dir, (mtime, mtime))
    return run_dir


# --- pruning and the latest link ----------------------------------------------------------------


def test_prune_keeps_the_newest_runs_by_start_time(tmp_path):
    out = tmp_path / "out"
    # Names sort the other way round from start times: the report decides, not the name.
    r1 = fake_run(out, "c", "2025-01-01T00:00:00.000000Z")
    r2 = fake_run(out, "b", "2025-01-02T00:00:00.000000Z")
    r3 = fake_run(out, "a", "2025-01-03T00:00:00.000000Z")
    no_start = fake_run(out, "z", None, mtime=time.time() - 10 * 365 * 86400)  # by mtime: oldest
    (out / "notes").mkdir()  # no report: not a run, never touched
    (out / "notes.txt").write_text("x")
    assert runs.run_dirs(out) == [r3, r2, r1, no_start]
    assert runs.prune(out, 2) == [no_start, r1]
    assert sorted(p.name for p in out.iterdir()) == ["a", "b", "notes", "notes.txt"]


def test_prune_never_removes_latest_nor_protected_runs(tmp_path):
    out = tmp_path / "out"
    old = fake_run(out, "old", "2025-01-01T00:00:00.000000Z")
    mid = fake_run(out, "mid", "2025-01-02T00:00:00.000000Z")
    new = fake_run(out, "new", "2025-01-03T00:00:00.000000Z")
    runs.point_latest(out, old)
    assert runs.prune(out, 1, protect=[mid]) == []
    assert runs.prune(out, 1) == [mid]
    assert {p.name for p in out.iterdir()} == {"old", "new", "latest"}
    assert runs.latest_run(out) == old.resolve()
    assert new.is_dir()


def test_latest_is_a_relative_link_switched_in_place(tmp_path):
    out = tmp_path / "out"
    first, second = fake_run(out, "r1", None), fake_run(out, "r2", None)
    runs.point_latest(out, first)
    runs.point_latest(out, second)
    assert os.readlink(out / "latest") == "r2"
    assert runs.latest_run(out) == second.resolve()
    assert sorted(p.name for p in out.iterdir()) == ["latest", "r1", "r2"]  # no temp link left


def test_latest_refuses_to_replace_a_real_directory(tmp_path):
    out = tmp_path / "out"
    (out / "latest").mkdir(parents=True)
    with pytest.raises(LatestLinkError, match="not a symlink"):
        runs.point_latest(out, fake_run(out, "r1", None))


# --- the lock -----------------------------------------------------------------------------------


def test_lock_is_exclusive_and_names_its_holder(tmp_path):
    out = tmp_path / "out"
    with runs.exclusive(out):
        assert (out / runs.LOCK_NAME).read_text() == f"{os.getpid()}\n"
        with pytest.raises(RunInProgress) as caught, runs.exclusive(out):
            pass
        assert str(caught.value) == f"another run is in progress in {out} (pid {os.getpid()})"
        assert caught.value.exit_code == 2
    with runs.exclusive(out):  # released on exit
        pass


def test_lock_dies_with_its_holder(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from datalchemy_mp.run import runs\n"
            "with runs.exclusive(sys.argv[1]):\n"
            "    print('locked', flush=True); time.sleep(60)",
            str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(RunInProgress, match=f"pid {holder.pid}"), runs.exclusive(out):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(5)
    with runs.exclusive(out):
        pass


def test_generate_exits_at_once_while_another_run_holds_the_lock(schema, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    plan = write(tmp_path / "plan.json", plan_doc({"a": 5, "b": 5}))
    with open(out / runs.LOCK_NAME, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write("4242\n")
        lock.flush()
        proc, run_dir = generate(schema, plan, out)
    assert proc.returncode == 2
    assert proc.stderr == f"Error: another run is in progress in {out} (pid 4242)\n"
    assert proc.stdout == ""
    assert not run_dir.exists()
    assert (out / runs.LOCK_NAME).read_text() == "4242\n"  # the holder's pid is left alone


# --- real runs ----------------------------------------------------------------------------------


@pytest.mark.slow  # a subprocess run or a million values
def test_keep_and_latest_across_runs(schema, tmp_path):
    out = tmp_path / "out"
    plan = write(tmp_path / "plan.json", plan_doc({"a": 5, "b": 5}))
    for name in ("r1", "r2", "r3"):
        proc, run_dir = generate(schema, plan, out, "--keep", "2", run_id=name)
        assert proc.returncode == 0, proc.stderr
        assert runs.latest_run(out) == run_dir.resolve()
    assert sorted(p.name for p in out.iterdir()) == [runs.LOCK_NAME, "latest", "r2", "r3"]

    faulty = write(
        tmp_path / "faulty.json",
        plan_doc({"a": 5, "b": 5}, [rule("a", "name", {"id": "fault.raise", "params": {"message": "x"}})]),
    )
    proc, run_dir = generate(schema, faulty, out, run_id="r4", env=FAULTS)
    assert proc.returncode == 1, proc.stderr
    assert report(run_dir)["status"] == "failed"
    assert os.readlink(out / "latest") == "r3"

    invalid = write(tmp_path / "invalid.json", plan_doc({"a": 5, "no_such_table": 5}))
    proc, run_dir = generate(schema, invalid, out, "--keep", "2", run_id="r5")
    assert proc.returncode == 2
    assert report(run_dir)["status"] == "invalid"
    assert os.readlink(out / "latest") == "r3"
    # r5 and r4 are the newest two; r3 stays because latest points to it.
    assert sorted(p.name for p in out.iterdir()) == [runs.LOCK_NAME, "latest", "r3", "r4", "r5"]


def test_run_id_latest_is_refused(schema, tmp_path):
    plan = write(tmp_path / "plan.json", plan_doc({"a": 5, "b": 5}))
    proc, _ = generate(schema, plan, tmp_path / "out", run_id="latest")
    assert proc.returncode == 2
    assert "Invalid value for --run-id: 'latest' is the link" in proc.stderr
