"""`generate` under real faults: a failing table is FAILED, its dependents SKIPPED, the rest OK."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psutil
import pytest

from tests.helpers import ROOT, csv_files, generate, read_csv, report, scaled_plan

pytestmark = pytest.mark.slow  # every test runs the CLI in a subprocess

FAULTS = {"DATALCHEMY_MP_FAULTS": "1"}
FAULTY = ("vendas", "contatos")
DEPENDENTS = {
    "vendas.oportunidades",
    "vendas.interacoes",
    "vendas.itens_oportunidade",
    "vendas.propostas",
    "vendas.comissoes",
}
INDEPENDENT = {
    "vendas.clientes",
    "vendas.regioes",
    "vendas.equipes",
    "vendas.vendedores",
    "vendas.produtos",
    "vendas.metas",
}
EXAMPLE_PLAN = ROOT / "plans/crm/full_stack_ptbr.plan.json"


@pytest.fixture
def crm_schema() -> Path:
    """The project's own example (plans/crm), so these tests need nothing beside the checkout."""
    return ROOT / "plans/crm/schema.json"


def _plan_with_fault(tmp_path: Path, generator: dict, rows: int = 300) -> Path:
    plan = scaled_plan(EXAMPLE_PLAN, tmp_path / "plan.json", rows)
    doc = orjson.loads(plan.read_bytes())
    doc["rules"] = [
        r for r in doc["rules"] if (r.get("schema"), r.get("table"), r.get("column")) != (*FAULTY, "cargo")
    ]
    doc["rules"].append(
        {
            "type": "column_generator",
            "schema": FAULTY[0],
            "table": FAULTY[1],
            "column": "cargo",
            "generator": generator,
        }
    )
    plan.write_bytes(orjson.dumps(doc))
    return plan


def _tables(rep: dict) -> dict[str, dict]:
    return {f"{t['schema']}.{t['table']}": t for t in rep["tables"]}


def _assert_isolated(rep: dict, run_dir: Path, reason: str) -> dict:
    tables = _tables(rep)
    assert len(tables) == 12
    failed = tables["vendas.contatos"]
    assert failed["status"] == "FAILED" and failed["reason"] == reason, failed
    assert not (run_dir / "vendas.contatos.csv").exists()
    for name in DEPENDENTS:
        assert tables[name]["status"] == "SKIPPED", tables[name]
        assert tables[name]["reason"] == "parent_failed"
        assert "vendas.contatos" in tables[name]["blocked_by"]
    for name in INDEPENDENT:
        t = tables[name]
        assert t["status"] == "OK", t
        rows = read_csv(run_dir / f"{name}.csv")
        assert len(rows) == t["rows_generated"] == t["rows_requested"]
    assert rep["status"] == "failed"
    return failed


@pytest.mark.parametrize(
    ("generator", "extra", "reason", "check"),
    [
        (
            {"id": "fault.raise", "params": {"message": "boom", "at_row": 7}},
            (),
            "exception",
            lambda t: t["detail"]["type"] == "RuntimeError" and "boom" in t["detail"]["message"],
        ),
        ({"id": "fault.exit", "params": {"code": 3}}, (), "exit_code", lambda t: t["exit_code"] == 3),
        ({"id": "fault.segfault"}, (), "signal", lambda t: t["signal"] == "SIGSEGV"),
        (
            {"id": "fault.memory_hog"},
            ("--memory-limit", "300MiB"),
            "memory_limit_exceeded",
            lambda t: t["peak_rss_bytes"] >= 300 << 20,
        ),
        ({"id": "fault.hang"}, ("--table-timeout", "10"), "timeout", lambda t: True),  # loaded CI
    ],
    ids=["raise", "exit", "segfault", "memory", "hang"],
)
def test_fault_is_isolated(generator, extra, reason, check, crm_schema, tmp_path):
    plan = _plan_with_fault(tmp_path, generator)
    proc, run_dir = generate(crm_schema, plan, tmp_path / "out", "--workers", "2", *extra, env=FAULTS)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"run_dir={run_dir}"
    failed = _assert_isolated(report(run_dir), run_dir, reason)
    assert check(failed), failed


def _start(schema: Path, plan: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datalchemy_mp",
            "generate",
            "--schema",
            str(schema),
            "--plan",
            str(plan),
            "--out",
            str(out),
            "--run-id",
            "run",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, **FAULTS},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_running(run_dir: Path, table: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            t = _tables(report(run_dir)).get(table)
        except (FileNotFoundError, orjson.JSONDecodeError):
            t = None
        if t and t["status"] == "RUNNING" and t["pid"]:
            return t
        time.sleep(0.05)
    raise AssertionError(f"{table} never ran")


def test_worker_killed_from_outside_is_signal_not_memory(crm_schema, tmp_path):
    plan = _plan_with_fault(tmp_path, {"id": "fault.hang"})
    proc = _start(crm_schema, plan, tmp_path / "out", "--workers", "2")
    run_dir = tmp_path / "out" / "run"
    t = _wait_running(run_dir, "vendas.contatos")
    os.kill(t["pid"], signal.SIGKILL)
    proc.communicate(timeout=120)
    assert proc.returncode == 1
    failed = _assert_isolated(report(run_dir), run_dir, "signal")
    assert failed["signal"] == "SIGKILL"


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_shutdown_signal_cancels_and_leaves_no_worker(sig, code, crm_schema, tmp_path):
    plan = _plan_with_fault(tmp_path, {"id": "fault.hang"})
    proc = _start(crm_schema, plan, tmp_path / "out", "--workers", "2")
    run_dir = tmp_path / "out" / "run"
    t = _wait_running(run_dir, "vendas.contatos")
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == code, out + err
    rep = report(run_dir)
    assert rep["status"] == "cancelled"
    tables = _tables(rep)
    assert tables["vendas.contatos"]["status"] == "CANCELLED"
    assert not psutil.pid_exists(t["pid"]) or psutil.Process(t["pid"]).status() == "zombie"
    assert out.strip().splitlines()[-1] == f"run_dir={run_dir}"


def test_same_seed_same_bytes_whatever_the_worker_count(crm_schema, tmp_path):
    plan = scaled_plan(EXAMPLE_PLAN, tmp_path / "plan.json", 5000)
    p1, one = generate(crm_schema, plan, tmp_path / "a", "--workers", "1")
    p4, four = generate(crm_schema, plan, tmp_path / "b", "--workers", "4", "--chunk-rows", "4096")
    assert p1.returncode == 0 and p4.returncode == 0, p1.stderr + p4.stderr
    first, second = csv_files(one), csv_files(four)
    assert len(first) == 12 and first == second
    chunked = [t for t in report(four)["tables"] if t["rows_generated"] == 5000]
    assert chunked  # 5000-row tables ran as two chunks and still have one report entry each


def test_invalid_plan_is_one_clear_error(crm_schema, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(
        '{"plan_version": "0.2", "seed": 1, "schema_ref": {"schema_version": "0.2",'
        ' "engine": "postgres"}, "targets": [{"schema": "vendas", "table": "nope",'
        ' "rows": 5}], "rules": []}'
    )
    proc, run_dir = generate(crm_schema, plan, tmp_path / "out")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "/targets/0/table" in proc.stderr and str(plan) in proc.stderr
    rep = report(run_dir)
    assert rep["status"] == "invalid" and rep["errors"][0]["code"] == "unknown_table"


def test_bad_json_is_one_clear_error(crm_schema, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"plan_version": ')
    proc, _ = generate(crm_schema, plan, tmp_path / "out")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(plan) in proc.stderr and "not valid JSON" in proc.stderr
