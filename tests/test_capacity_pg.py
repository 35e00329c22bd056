"""Keys within their capacity, into a real Postgres: short text keys from their whole space,
sequences within their type, capacity errors before any work, auto parents sized by fan-out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datalchemy_mp.db.introspect import introspect, write_schema
from datalchemy_mp.db.load import load_run
from tests import pg
from tests.helpers import generate, read_csv, report, run_cli

DDL = """
create schema cap;
create table cap.code2 (code char(2) primary key);
create table cap.code3 (code char(3) primary key, label text);
create table cap.code5 (code char(5) primary key, name text not null);
create table cap.vcode5 (code varchar(5) primary key, note text);
create table cap.hexcode (
  id serial primary key,
  tag varchar(8) not null unique check (tag ~ '^[A-F0-9]{4}$')
);
create table cap.small (id smallserial primary key, note text);
create table cap.keyed (kind varchar(10) not null default '/', n integer not null, primary key (kind, n));
create table cap.region (
  id serial primary key,
  name text not null unique check (name in ('north', 'south', 'east', 'west'))
);
create table cap.store (
  id serial primary key,
  region_id integer not null references cap.region(id),
  code char(6) not null unique
);
create table cap.profile (code char(5) primary key references cap.code5(code), note text);
"""


@pytest.fixture
def cap_db(fresh_db: str, tmp_path: Path) -> tuple[str, Path]:
    ddl = tmp_path / "capacity.sql"
    ddl.write_text(DDL)
    pg.apply_sql_files(fresh_db, [ddl])
    schema = tmp_path / "schema.json"
    write_schema(introspect(fresh_db, ["cap"]), schema)
    return fresh_db, schema


def _plan(tmp_path: Path, targets: dict[str, int], name: str = "plan.json") -> Path:
    path = tmp_path / name
    doc = {
        "plan_version": "0.2",
        "seed": 11,
        "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
        "targets": [{"schema": "cap", "table": t, "rows": n} for t, n in targets.items()],
        "rules": [],
    }
    path.write_text(json.dumps(doc))
    return path


def _generate_and_load(schema: Path, plan: Path, dsn: str, tmp_path: Path) -> tuple[dict, Path]:
    proc, run_dir = generate(schema, plan, tmp_path / "out", "--workers", "2", "--chunk-rows", "32768")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rep = report(run_dir)
    loaded = {f"{t.schema}.{t.table}": t.rows for t in load_run(run_dir, dsn)}
    for t in rep["tables"]:
        assert loaded[f"{t['schema']}.{t['table']}"] == t["rows_generated"]
    return rep, run_dir


def _column(run_dir: Path, table: str, column: str) -> list[str]:
    return [r[column] for r in read_csv(run_dir / f"cap.{table}.csv")]


def test_short_text_keys_and_sequences_fill_their_space_and_load(cap_db, tmp_path):
    dsn, schema = cap_db
    targets = {
        "code2": 94**2 + 94,  # char(2) at capacity: every string of printable ASCII but the blank
        "code3": 5000,
        "code5": 8000,
        "vcode5": 8000,
        "hexcode": 16**4,  # at capacity of its CHECK: every 4-digit upper-case hex string
        "small": 32767,  # smallserial at capacity
        "keyed": 3000,
        "profile": 8000,  # one-to-one on a char(5) key: every code5 row once
    }
    rep, run_dir = _generate_and_load(schema, _plan(tmp_path, targets), dsn, tmp_path)
    assert {t["table"]: t["rows_generated"] for t in rep["tables"]} == targets
    code3 = _column(run_dir, "code3", "code")
    assert all(re.fullmatch("[A-Z]{3}", c) for c in code3)  # natural first: upper-case letters
    assert all(re.fullmatch("[A-Z]{5}", c) for c in _column(run_dir, "code5", "code"))
    assert len(set(_column(run_dir, "code2", "code"))) == 94**2 + 94
    assert all(re.fullmatch("[A-F0-9]{4}", t) for t in _column(run_dir, "hexcode", "tag"))
    assert max(int(i) for i in _column(run_dir, "small", "id")) == 32767
    assert "/" not in set(_column(run_dir, "keyed", "kind"))  # a key never takes its constant DEFAULT
    assert sorted(_column(run_dir, "profile", "code")) == sorted(_column(run_dir, "code5", "code"))


def test_targets_beyond_capacity_are_rejected_by_validate(cap_db, tmp_path):
    _, schema = cap_db
    plan = _plan(tmp_path, {"code2": 94**2 + 95, "small": 32768, "hexcode": 70000})
    for command in ("validate", "generate"):
        extra = ("--out", str(tmp_path / "out")) if command == "generate" else ()
        proc = run_cli(command, "--schema", str(schema), "--plan", str(plan), *extra)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "/targets/0/rows: cap.code2: 8931 rows requested, but code can hold only 8930" in proc.stderr
        assert "/targets/1/rows: cap.small: 32768 rows requested, but id can hold only 32767" in proc.stderr
        assert (
            "/targets/2/rows: cap.hexcode: 70000 rows requested, but tag can hold only 65536" in proc.stderr
        )


def test_auto_parents_are_sized_by_fan_out_within_their_capacity(cap_db, tmp_path):
    dsn, schema = cap_db
    plan = _plan(tmp_path, {"store": 8000, "profile": 3000})
    proc = run_cli("validate", "--schema", str(schema), "--plan", str(plan))
    assert proc.returncode == 0, proc.stderr
    assert (
        "cap.region is not a target; generated with 4 rows (ceil(8000 rows of cap.store / 10); "
        "capped at 4, what name can hold (name: 4 values)); "
        'to choose its size, add it to "targets" with "rows"'
    ) in proc.stderr
    assert "cap.code5 is not a target; generated with 3000 rows" in proc.stderr  # one-to-one
    rep, run_dir = _generate_and_load(schema, plan, dsn, tmp_path)
    rows = {t["table"]: t["rows_generated"] for t in rep["tables"]}
    assert rows == {"region": 4, "code5": 3000, "store": 8000, "profile": 3000}
    assert sorted(_column(run_dir, "region", "name")) == ["east", "north", "south", "west"]


@pytest.mark.slow
def test_char3_key_at_capacity_loads(cap_db, tmp_path):
    dsn, schema = cap_db
    rep, run_dir = _generate_and_load(schema, _plan(tmp_path, {"code3": 94**3}), dsn, tmp_path)
    assert rep["tables"][0]["rows_generated"] == 94**3
