"""Every CHECK form of issue 9 item 4, created in a real Postgres, introspected as Postgres
prints it, generated and loaded back; CHECKs that cannot be met fail fast and say which."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path

import pytest

from datalchemy_mp.db.introspect import introspect, write_schema
from datalchemy_mp.db.load import load_run
from tests import pg
from tests.helpers import generate, report

HERE = Path(__file__).resolve().parent


def _plan(path: Path, schema: str, tables: list[str], rows: int) -> Path:
    path.write_text(
        json.dumps(
            {
                "plan_version": "0.2",
                "seed": 5,
                "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
                "targets": [{"schema": schema, "table": t, "rows": rows} for t in tables],
                "rules": [],
            }
        )
    )
    return path


def _introspected(dsn: str, ddl: str, schema: str, tmp_path: Path) -> tuple[Path, list[str]]:
    script = tmp_path / "ddl.sql"
    script.write_text(ddl)
    pg.apply_sql_files(dsn, [script])
    doc = introspect(dsn, [schema])
    out = tmp_path / "schema.json"
    write_schema(doc, out)
    return out, sorted(t["name"] for s in doc["schemas"] for t in s["tables"])


def _rows(run_dir: Path, qualified: str) -> list[dict]:
    with open(run_dir / f"{qualified}.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_every_wrapped_check_form_generates_and_loads(fresh_db, tmp_path):
    schema, tables = _introspected(fresh_db, (HERE / "check_forms.sql").read_text(), "cf", tmp_path)
    plan = _plan(tmp_path / "plan.json", "cf", tables, 1000)
    proc, run_dir = generate(schema, plan, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rep = report(run_dir)
    assert rep["status"] == "succeeded"
    assert rep["unsupported"] == []  # every form parses as Postgres prints it
    loaded = {f"{t.schema}.{t.table}": t.rows for t in load_run(run_dir, fresh_db)}
    assert loaded == {f"cf.{t}": 1000 for t in tables}
    # forms constructed from the CHECK, not found by retrying
    by_table = {t["table"]: t for t in rep["tables"]}
    for constructed in ("upper_any", "lower_in", "between_symmetric", "abs_bound", "time_order",
                        "substr_prefix", "left_prefix", "not_forms", "upper_in_or_null", "coalesce_bound",
                        "interval_now"):  # fmt: skip
        assert by_table[constructed]["retries"] == 0, constructed
    assert {r["uf"] for r in _rows(run_dir, "cf.upper_any")} <= {"SP", "RJ", "MG"}
    assert {r["status"] for r in _rows(run_dir, "cf.lower_in")} == {"ativo", "inativo"}
    adults = [dt.date.fromisoformat(r["nasc"]) for r in _rows(run_dir, "cf.interval_now")]
    assert max(adults) <= dt.date.today().replace(year=dt.date.today().year - 18)


SLOW_DDL = """
create schema sl;
create function sl.is_even(integer) returns boolean language sql immutable as $$ select $1 % 2 = 0 $$;
create table sl.never (id serial primary key,
  n integer not null constraint impossivel check (n > 10 and n < 5));
create table sl.rare (id serial primary key, n integer not null constraint n_multiplo check (n % 50 = 0));
create table sl.few (id serial primary key, n integer not null constraint n_mult_10 check (n % 10 = 0));
create table sl.fn (id serial primary key, n integer not null constraint n_par check (sl.is_even(n)));
"""


@pytest.mark.parametrize(
    ("table", "rows", "expected"),
    [
        ("never", 1000, "CHECK impossivel (columns n)"),
        ("rare", 1000, "CHECK n_multiplo (columns n)"),
        ("few", 20000, "CHECK n_mult_10 (columns n)"),
    ],
    ids=["impossible", "one-row-in-50", "one-row-in-10"],
)
def test_unmet_check_fails_the_table_fast_naming_it(fresh_db, tmp_path, table, rows, expected):
    schema, _ = _introspected(fresh_db, SLOW_DDL, "sl", tmp_path)
    plan = _plan(tmp_path / "plan.json", "sl", [table], rows)
    started = time.monotonic()
    proc, run_dir = generate(schema, plan, tmp_path / "out")
    elapsed = time.monotonic() - started
    assert proc.returncode != 0
    failed = report(run_dir)["tables"][0]
    assert failed["status"] == "FAILED"
    assert expected in json.dumps(failed)
    assert elapsed < 60, elapsed  # a bound on retries, not minutes of looping


def test_check_the_engine_cannot_evaluate_is_a_counted_warning(fresh_db, tmp_path):
    schema, _ = _introspected(fresh_db, SLOW_DDL, "sl", tmp_path)
    proc, run_dir = generate(schema, _plan(tmp_path / "plan.json", "sl", ["fn"], 50), tmp_path / "out")
    rep = report(run_dir)
    assert rep["warnings_by_code"]["check_unsupported"] == 1
    [warning] = rep["unsupported"]
    assert warning["table"] == "fn" and "CHECK n_par cannot be evaluated" in warning["message"]
    assert "sl.is_even()" in warning["message"] and "may reject" in warning["message"]
