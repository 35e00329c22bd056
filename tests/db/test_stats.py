"""`introspect --stats` -> generate -> the same pg_stats figures, within stated tolerances.

A database is filled with a known distribution (30 % NULLs, a Zipf column, dates in one year,
prices, a FK that references 40 of 100 parents, emails), ANALYZEd and introspected with
``--stats``; the plan has no rules. The generated rows are loaded into a second database,
ANALYZEd, and compared: NULL share within 0.03, the Zipf column's most common values and
frequencies within 0.03, date and price histogram deciles within 15 days / 6.0, the FK's
distinct parents within 10 %. The PII column's values never reach schema.json or the CSVs.
"""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest

from datalchemy_mp.db.load import load_run
from datalchemy_mp.db.stats import parse_array
from tests import pg
from tests.helpers import generate, read_csv, run_cli

DDL = """
create schema st;
create table st.parent (id serial primary key, label text not null);
create table st.t (
  id serial primary key,
  parent_id int not null references st.parent(id),
  a int,
  z int not null,
  d date not null,
  price numeric(8,2) not null,
  email text not null
);
"""
FILL = """
select setseed(0.25);
insert into st.parent (label) select 'p' || i from generate_series(1, 100) i;
insert into st.t (parent_id, a, z, d, price, email)
select 1 + (random() * 39)::int,
       case when random() < 0.3 then null else (random() * 1000)::int end,
       least(20, floor(1 / (random() * 0.95 + 0.05)))::int,
       date '2023-01-01' + (random() * 364)::int,
       round((random() * random() * 100)::numeric, 2),
       'person' || i || '@real-customer.example'
from generate_series(1, 20000) i;
analyze st.parent;
analyze st.t;
"""


def _stats(dsn: str) -> dict[str, dict]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select attname, null_frac, n_distinct, most_common_vals::text, most_common_freqs::float8[],"
            " histogram_bounds::text from pg_stats where schemaname = 'st' and tablename = 't'"
        ).fetchall()
    return {
        r[0]: {
            "null_frac": r[1],
            "n_distinct": r[2],
            "mcv": parse_array(r[3]) if r[3] else [],
            "freqs": r[4] or [],
            "bounds": parse_array(r[5]) if r[5] else [],
        }
        for r in rows
    }


def _deciles(bounds: list[str], parse) -> list:
    values = [parse(b) for b in bounds]
    return [values[round(k * (len(values) - 1) / 10)] for k in range(1, 10)]


@pytest.fixture
def source_db(fresh_db: str) -> str:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(DDL)
        conn.execute(FILL)
    return fresh_db


def test_generate_follows_the_stats_of_the_source(source_db, pg_dsn, tmp_path):
    schema_file = tmp_path / "schema.json"
    proc = run_cli("introspect", "--dsn", source_db, "--schema", "st", "--stats", "-o", str(schema_file))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(schema_file.read_text())
    cols = {c["name"]: c for t in doc["schemas"][0]["tables"] if t["name"] == "t" for c in t["columns"]}
    assert cols["email"]["stats"]["pii"] is True
    assert (
        "most_common_vals" not in cols["email"]["stats"] and "histogram_bounds" not in cols["email"]["stats"]
    )
    assert "real-customer" not in schema_file.read_text()
    assert cols["z"]["stats"]["most_common_vals"][0] == "1"

    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "plan_version": "0.2",
                "seed": 7,
                "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
                "targets": [
                    {"schema": "st", "table": "parent", "rows": 100},
                    {"schema": "st", "table": "t", "rows": 20000},
                ],
                "rules": [],
            }
        )
    )
    proc, run_dir = generate(schema_file, plan, tmp_path / "out", "--base-date", "2026-11-29")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not any("real-customer" in r["email"] for r in read_csv(run_dir / "st.t.csv"))

    name, target = pg.create_database(pg_dsn)
    try:
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(DDL)
        load_run(run_dir, target)
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("analyze st.t")
        before, after = _stats(source_db), _stats(target)
    finally:
        pg.drop_database(pg_dsn, name)

    assert abs(after["a"]["null_frac"] - before["a"]["null_frac"]) <= 0.03
    assert after["z"]["mcv"][:5] == before["z"]["mcv"][:5]
    for f_before, f_after in zip(before["z"]["freqs"][:5], after["z"]["freqs"][:5], strict=True):
        assert abs(f_before - f_after) <= 0.03
    dates_before = _deciles(before["d"]["bounds"], dt.date.fromisoformat)
    dates_after = _deciles(after["d"]["bounds"], dt.date.fromisoformat)
    assert all(abs((x - y).days) <= 15 for x, y in zip(dates_before, dates_after, strict=True))
    assert all(x.year == 2023 for x in dates_after)
    prices_before, prices_after = (
        _deciles(before["price"]["bounds"], float),
        _deciles(after["price"]["bounds"], float),
    )
    assert all(abs(x - y) <= 6.0 for x, y in zip(prices_before, prices_after, strict=True))
    assert before["parent_id"]["n_distinct"] == 40
    assert 36 <= after["parent_id"]["n_distinct"] <= 40


def test_stats_need_postgres(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "x.db") as conn:
        conn.execute("create table x (a int)")
    proc = run_cli(
        "introspect", "--dsn", f"sqlite:///{tmp_path / 'x.db'}", "--stats", "-o", str(tmp_path / "s.json")
    )
    assert proc.returncode != 0
    assert "needs a Postgres database" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_parse_array():
    assert parse_array('{a,"b c",NULL,"x\\"y"}') == ["a", "b c", None, 'x"y']
    assert parse_array("{1,2,3}") == ["1", "2", "3"]
