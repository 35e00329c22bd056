"""Real-world schemas end to end, as a new user would run them (issue 9).

    .venv/bin/python scripts/realworld.py [--dsn DSN] [--dir ../shared/realworld] [--only NAME]

For each `NAME.sql` in the directory (with `NAME.plan.json` and `NAME_leaf.plan.json` beside
it): a fresh database from the DDL, `introspect`, then for each of the two plans `validate`,
`generate` and `load` into another fresh database built from the same DDL. One line per run:

    NAME PLAN: loaded T/T tables, exit E, S s

T/T = tables whose CSV loaded / tables the run was to generate (its report's tables), E = the
exit code of `generate`, S = its wall time. When the all-or-nothing `load` fails, the CSVs are
loaded once more table by table (parents first, each in its own savepoint) to count what loads,
and the first reasons are printed indented under the line. Exit 0 only when every run loaded
every table. DSN: a Postgres superuser, from --dsn or $DATALCHEMY_MP_TEST_DSN; the databases it
creates are dropped at the end. Without the directory the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "realworld"
PLANS = (("full", "{name}.plan.json"), ("leaf", "{name}_leaf.plan.json"))
COMMAND_TIMEOUT_S = 900
TABLE_TIMEOUT_S = 300  # a table that loops is FAILED by the supervisor, not left to hang the script
MAX_REASONS = int(os.environ.get("REALWORLD_REASONS", "6"))


@dataclass
class RunResult:
    name: str
    plan: str
    loaded: int = 0
    total: int = 0
    exit_code: int | None = None
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.exit_code == 0 and self.total > 0 and self.loaded == self.total

    def line(self) -> str:
        return (
            f"{self.name} {self.plan}: loaded {self.loaded}/{self.total} tables, "
            f"exit {self.exit_code}, {self.seconds:.1f} s"
        )


def with_dbname(dsn: str, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(dsn, dbname=dbname)


class Databases:
    """Databases created on the server for this script, all dropped by `drop_all`."""

    def __init__(self, server_dsn: str):
        self.server_dsn = server_dsn
        self.names: list[str] = []

    def create_from(self, ddl: Path, label: str) -> str:
        name = f"realworld_{label}_{uuid.uuid4().hex[:8]}"
        self._admin(sql.SQL("create database {}").format(sql.Identifier(name)))
        self.names.append(name)
        dsn = with_dbname(self.server_dsn, name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(ddl.read_text(encoding="utf-8"))
        return dsn

    def drop_all(self) -> None:
        for name in self.names:
            self._admin(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        self.names.clear()

    def _admin(self, statement: sql.Composable) -> None:
        with psycopg.connect(self.server_dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m datalchemy_mp ARGS` with its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "datalchemy_mp", *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        cwd=ROOT,
        check=False,
    )


def last_lines(text: str, n: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-n:])


def report_tables(run_dir: Path) -> list[dict]:
    try:
        return orjson.loads((run_dir / "generation_report.json").read_bytes()).get("tables", [])
    except (OSError, ValueError):
        return []


def run_dir_from(output: str) -> Path | None:
    for line in reversed(output.splitlines()):
        if line.startswith("run_dir="):
            return Path(line[len("run_dir=") :].strip())
    return None


def count_loadable(run_dir: Path, dsn: str) -> tuple[int, list[str]]:
    """Load the run's CSVs table by table (each in a savepoint): how many load, and why not."""
    from datalchemy_mp.db.load import _copy_table, find_csv_tables, fk_order

    tables = {t.qualified: t for t in find_csv_tables(run_dir)}
    loaded, reasons = 0, []
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        oids = {}
        for name, t in tables.items():
            row = cur.execute(
                "select c.oid::oid from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = %s and c.relname = %s",
                (t.schema, t.table),
            ).fetchone()
            if row:
                oids[row[0]] = name
        edges = {
            (oids[parent], oids[child])
            for child, parent in cur.execute(
                "select conrelid::oid, confrelid::oid from pg_constraint where contype = 'f' "
                "and conrelid = any(%(o)s) and confrelid = any(%(o)s)",
                {"o": list(oids)},
            )
        }
        order, _cycle = fk_order(list(tables), edges)
        cur.execute("set constraints all deferred")
        for name in order:
            try:
                with conn.transaction():
                    _copy_table(cur, sql, tables[name])
                    cur.execute("set constraints all immediate")
                    cur.execute("set constraints all deferred")
                loaded += 1
            except psycopg.Error as e:
                message = " ".join((e.diag.message_primary or str(e)).split())
                detail = " ".join((e.diag.message_detail or "").split())
                reasons.append(f"{name}: {message}" + (f" ({detail[:160]})" if detail else ""))
        conn.rollback()
    return loaded, reasons


def run_plan(
    name: str, plan_label: str, plan: Path, schema: Path, ddl: Path, dbs: Databases, out: Path
) -> RunResult:
    result = RunResult(name, plan_label)
    validate = cli("validate", "--schema", str(schema), "--plan", str(plan))
    if validate.returncode != 0:
        result.reasons.append(
            f"validate exit {validate.returncode}: {last_lines(validate.stderr + validate.stdout)}"
        )
    started = time.monotonic()
    generate = cli(
        "generate",
        "--schema",
        str(schema),
        "--plan",
        str(plan),
        "--out",
        str(out),
        "--quiet",
        "--table-timeout",
        str(TABLE_TIMEOUT_S),
    )
    result.seconds = time.monotonic() - started
    result.exit_code = generate.returncode
    run_dir = run_dir_from(generate.stdout) or run_dir_from(generate.stderr)
    if run_dir is None or not run_dir.is_dir():
        result.reasons.append(f"generate gave no run directory: {last_lines(generate.stderr)}")
        return result
    tables = report_tables(run_dir)
    result.total = len(tables)
    for t in tables:
        if t.get("status") != "OK":
            detail = t.get("detail") or {}
            why = " ".join(str(detail.get("message") or t.get("blocked_by") or "").split())
            result.reasons.append(f"{t['schema']}.{t['table']}: {t['status']} {t.get('reason')} {why[:200]}")
    if not any(run_dir.glob("*.csv")):
        return result
    target = dbs.create_from(ddl, f"{name}_{plan_label}")
    load = cli("load", str(run_dir), "--dsn", target)
    if load.returncode == 0:
        result.loaded = sum(1 for _ in run_dir.glob("*.csv"))
    else:
        result.reasons.append(f"load exit {load.returncode}: {last_lines(load.stderr, 1)[:400]}")
        fresh = dbs.create_from(ddl, f"{name}_{plan_label}_count")
        result.loaded, why = count_loadable(run_dir, fresh)
        result.reasons.extend(why)
    return result


def run_schema(name: str, directory: Path, dbs: Databases, work: Path) -> list[RunResult]:
    ddl = directory / f"{name}.sql"
    source = dbs.create_from(ddl, name)
    schema = work / f"{name}.schema.json"
    introspected = cli("introspect", "--dsn", source, "-o", str(schema))
    results = []
    for label, pattern in PLANS:
        plan = directory / pattern.format(name=name)
        if introspected.returncode != 0:
            failed = RunResult(name, label, reasons=[f"introspect: {last_lines(introspected.stderr)}"])
            results.append(failed)
            continue
        if not plan.is_file():
            results.append(RunResult(name, label, reasons=[f"plan not found: {plan}"]))
            continue
        results.append(run_plan(name, label, plan, schema, ddl, dbs, work / "out" / f"{name}_{label}"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", default=os.environ.get("DATALCHEMY_MP_TEST_DSN"), help="superuser DSN")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="directory of NAME.sql + plans")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run this schema only")
    parser.add_argument("--keep", type=Path, help="keep schemas and run directories here")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"realworld: skipped, directory not found: {args.dir}")
        return 0
    if not args.dsn:
        print("realworld: no Postgres: pass --dsn or set DATALCHEMY_MP_TEST_DSN", file=sys.stderr)
        return 2
    names = sorted(p.stem for p in args.dir.glob("*.sql"))
    if args.only:
        names = [n for n in names if n in args.only]
    dbs = Databases(args.dsn)
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="realworld-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        try:
            for name in names:
                for result in run_schema(name, args.dir, dbs, work):
                    results.append(result)
                    print(result.line(), flush=True)
                    for reason in result.reasons[:MAX_REASONS]:
                        print(f"    {reason}", flush=True)
                    if len(result.reasons) > MAX_REASONS:
                        print(f"    ... and {len(result.reasons) - MAX_REASONS} more", flush=True)
        finally:
            dbs.drop_all()
    complete = sum(r.complete for r in results)
    loaded = sum(r.loaded for r in results)
    total = sum(r.total for r in results)
    print(f"realworld: {complete}/{len(results)} runs loaded completely, {loaded}/{total} tables")
    return 0 if results and complete == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
