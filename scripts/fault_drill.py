"""Fault drill: run a real multi-table plan once per fault and show what each table became.

    .venv/bin/python scripts/fault_drill.py [--rows 2000] [--table vendas.contatos]

Each run adds one fault generator (``fault.*``, enabled by DATALCHEMY_MP_FAULTS=1) on one column
of one table of the project's example (plans/crm), then prints one line per table: its status,
the reason and what blocked it. The faulty table must be FAILED with the fault's reason, its
dependents SKIPPED, every other table OK.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "plans/crm/schema.json"
PLAN = ROOT / "plans/crm/full_stack_ptbr.plan.json"
FAULTS = [
    ("raise", {"id": "fault.raise", "params": {"message": "drill", "at_row": 10}}, ()),
    ("exit", {"id": "fault.exit", "params": {"code": 3}}, ()),
    ("segfault", {"id": "fault.segfault"}, ()),
    ("memory", {"id": "fault.memory_hog"}, ("--memory-limit", "300MiB")),
    ("hang", {"id": "fault.hang"}, ("--table-timeout", "5")),
]


def drill(name: str, generator: dict, extra: tuple, table: str, column: str, rows: int, out: Path) -> int:
    doc = orjson.loads(PLAN.read_bytes())
    for t in doc["targets"]:
        t["rows"] = min(t["rows"], rows)
    schema, tname = table.split(".", 1)
    doc["rules"] = [
        r
        for r in doc["rules"]
        if (r.get("schema"), r.get("table"), r.get("column")) != (schema, tname, column)
    ]
    doc["rules"].append(
        {
            "type": "column_generator",
            "schema": schema,
            "table": tname,
            "column": column,
            "generator": generator,
        }
    )
    plan = out / f"{name}.plan.json"
    plan.write_bytes(orjson.dumps(doc))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "datalchemy_mp",
            "generate",
            "-q",
            "-s",
            str(SCHEMA),
            "-p",
            str(plan),
            "-o",
            str(out),
            "--run-id",
            name,
            *extra,
        ],
        env={**os.environ, "DATALCHEMY_MP_FAULTS": "1"},
        capture_output=True,
        text=True,
    )
    report = orjson.loads((out / name / "generation_report.json").read_bytes())
    print(f"== {name}: exit {proc.returncode}, run {report['status']}")
    for t in report["tables"]:
        why = t["reason"] or ""
        if t["signal"]:
            why += f" {t['signal']}"
        if t["blocked_by"]:
            why += f" blocked_by={','.join(t['blocked_by'])}"
        print(f"  {t['schema']}.{t['table']:<22} {t['status']:<9} {why}")
    return proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=2000, help="cap on every target's rows")
    ap.add_argument("--table", default="vendas.contatos", help="the table that gets the fault")
    ap.add_argument("--column", default="cargo", help="the column that gets the fault")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        codes = [drill(n, g, e, args.table, args.column, args.rows, Path(tmp)) for n, g, e in FAULTS]
    sys.exit(0 if all(c == 1 for c in codes) else 1)


if __name__ == "__main__":
    main()
