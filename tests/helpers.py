"""Running the tool the way a user does, for tests: the CLI in a real subprocess."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]


def scaled_plan(src: Path, dst: Path, max_rows: int) -> Path:
    """A copy of a plan with every target's rows capped at ``max_rows``."""
    doc = orjson.loads(src.read_bytes())
    for t in doc["targets"]:
        t["rows"] = min(t["rows"], max_rows)
    dst.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return dst


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m datalchemy_mp ARGS`` in a subprocess (real workers, real signals)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "datalchemy_mp", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
    )


def generate(
    schema: Path, plan: Path, out: Path, *extra: str, env: dict | None = None, run_id: str = "run"
) -> tuple[subprocess.CompletedProcess, Path]:
    proc = run_cli(
        "generate",
        "--schema",
        str(schema),
        "--plan",
        str(plan),
        "--out",
        str(out),
        "--run-id",
        run_id,
        *extra,
        env=env,
    )
    return proc, out / run_id


def run_dir_of(proc: subprocess.CompletedProcess) -> Path:
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("run_dir="), proc.stdout + proc.stderr
    return Path(last.removeprefix("run_dir="))


def report(run_dir: Path) -> dict:
    return orjson.loads((run_dir / "generation_report.json").read_bytes())


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def csv_files(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(run_dir.glob("*.csv"))}


def plan_with_fault(tmp_path: Path, armed: Path, generator: str = "fault.raise", rows: int = 400) -> Path:
    """The example plan with a fault on vendas.vendedores.ativo that fires while ``armed`` exists."""
    plan = scaled_plan(ROOT / "plans/crm/full_stack_ptbr.plan.json", tmp_path / "plan.json", rows)
    doc = orjson.loads(plan.read_bytes())
    fault = {"id": generator, "params": {"at_row": 5, "armed_by": str(armed)}}
    rule = {"type": "column_generator", "schema": "vendas", "table": "vendedores", "column": "ativo"}
    doc["rules"].append({**rule, "generator": fault})
    plan.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return plan


def tables(run_dir: Path) -> dict[str, dict]:
    return {f"{t['schema']}.{t['table']}": t for t in report(run_dir)["tables"]}


def resume(run_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    """`generate --resume RUN_DIR` with the fault generators registered."""
    return run_cli("generate", "--resume", str(run_dir), *extra, env={"DATALCHEMY_MP_FAULTS": "1"})
