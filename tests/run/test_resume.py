"""`generate --resume RUN_DIR`: only the tables that are not OK run again, with the run's frozen
inputs and settings, and the result is byte for byte a clean run; a changed input is refused."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.helpers import ROOT, csv_files, generate, plan_with_fault, report, resume, tables

CRM = ROOT / "plans" / "crm"
FAULTS = {"DATALCHEMY_MP_FAULTS": "1"}
BASE = ("--base-date", "2025-01-15")
FAULTY = "vendas.vendedores"


@pytest.fixture
def failed_run(tmp_path: Path) -> tuple[Path, Path]:
    """A run whose vendas.vendedores failed (6 descendants SKIPPED), the fault now disarmed."""
    armed = tmp_path / "ARMED"
    plan = plan_with_fault(tmp_path, armed)
    armed.touch()
    proc, run_dir = generate(CRM / "schema.json", plan, tmp_path / "out", *BASE, "--workers", "2", env=FAULTS)
    assert proc.returncode == 1, proc.stderr
    assert tables(run_dir)[FAULTY]["status"] == "FAILED"
    assert sum(t["status"] == "SKIPPED" for t in tables(run_dir).values()) == 6
    armed.unlink()
    return run_dir, plan


def test_resume_reruns_only_what_failed_and_matches_a_clean_run(failed_run, tmp_path):
    run_dir, plan = failed_run
    clean, clean_dir = generate(CRM / "schema.json", plan, tmp_path / "clean", *BASE, env=FAULTS)
    assert clean.returncode == 0, clean.stderr
    before = tables(run_dir)
    proc = resume(run_dir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"run_dir={run_dir}"
    assert csv_files(run_dir) == csv_files(clean_dir)
    assert len(csv_files(run_dir)) == 12
    rep = report(run_dir)
    assert rep["status"] == "succeeded" and len(rep["resumed_at"]) == 1
    after = tables(run_dir)
    for name, was in before.items():
        now = after[name]
        assert now["status"] == "OK"
        if was["status"] == "OK":  # kept, not run again
            assert now["pid"] == was["pid"] and now["attempts"] == []
        else:
            assert now["pid"] != was["pid"]
            assert [a["status"] for a in now["attempts"]] == [was["status"]]
    assert after[FAULTY]["attempts"][0]["detail"]["type"] == "RuntimeError"
    assert not (run_dir / ".parts").exists()  # the parents' key files go once every table is OK


def test_resume_refuses_a_changed_plan(failed_run):
    run_dir, plan = failed_run
    before = (run_dir / "generation_report.json").read_bytes()
    doc = orjson.loads(plan.read_bytes())
    doc["seed"] += 1
    plan.write_bytes(orjson.dumps(doc))
    proc = resume(run_dir)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "plan changed since the run" in proc.stderr and str(plan) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (run_dir / "generation_report.json").read_bytes() == before


def test_resume_takes_no_new_settings(tmp_path):
    proc = resume(tmp_path, "--workers", "3")
    assert proc.returncode == 2
    assert "--resume runs with the run's own inputs and settings: drop --workers" in proc.stderr


def test_resume_of_a_directory_without_a_frozen_run_is_refused(tmp_path):
    proc = resume(tmp_path)
    assert proc.returncode == 2
    assert "not a run directory with frozen inputs" in proc.stderr
