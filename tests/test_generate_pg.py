"""Generated CSVs load into a real Postgres with every constraint on."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from datalchemy_mp.db.introspect import introspect, write_schema
from datalchemy_mp.db.load import load_run
from tests import pg
from tests.helpers import ROOT, generate, report, scaled_plan

pytestmark = pytest.mark.slow  # every test runs the CLI in a subprocess

SHARED_PLANS = "datalchemy/plans"


def _generate_and_load(schema: Path, plan: Path, dsn: str, tmp_path: Path, *extra: str) -> dict:
    proc, run_dir = generate(schema, plan, tmp_path / "out", *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rep = report(run_dir)
    assert rep["status"] == "succeeded"
    loaded = load_run(run_dir, dsn)
    counts = {f"{t.schema}.{t.table}": t.rows for t in loaded}
    for t in rep["tables"]:
        assert counts[f"{t['schema']}.{t['table']}"] == t["rows_generated"]
    return rep


def _shared_plans(shared: Path) -> list[Path]:
    return sorted((shared / SHARED_PLANS).rglob("*.plan.json"))


@pytest.mark.parametrize(
    "name",
    [
        "full_stack_ptbr",
        "crm_realistic",
        "minimal",
        "m2_primitives",
        "m3_ptbr",
        "m4_derives",
        "m5_relationships",
        "faker_ptbr",
        "faker_enus",
        "faker_baseline",
        "crm_domain",
        "finance_domain",
        "logistics_domain",
    ],
)
def test_shared_plan_loads_into_the_crm_database(name, crm_db, shared_dir, tmp_path):
    src = next(p for p in _shared_plans(shared_dir) if p.name == f"{name}.plan.json")
    plan = scaled_plan(src, tmp_path / "plan.json", 400)
    rep = _generate_and_load(shared_dir / "datalchemy/schemas/crm.schema.json", plan, crm_db, tmp_path)
    assert _rules_not_applied(plan, rep) == {}


def _rules_not_applied(plan: Path, rep: dict) -> dict:
    """Rules whose generator made no value, unless the report says the rule was replaced."""
    replaced = {(w["table"], w["column"]) for w in rep["warnings"] if w["code"] == "rule_replaced"}
    rules = [r for r in orjson.loads(plan.read_bytes())["rules"] if r.get("type") == "column_generator"]
    return {
        (r["table"], r["column"]): gen
        for r in rules
        if (gen := r["generator"] if isinstance(r["generator"], str) else r["generator"]["id"])
        not in rep["generator_usage"]
        and (r["table"], r["column"]) not in replaced
    }


def test_full_stack_10k_loads(crm_db, shared_dir, tmp_path):
    plan = shared_dir / SHARED_PLANS / "examples/full_stack_ptbr.plan.json"
    rep = _generate_and_load(
        shared_dir / "datalchemy/schemas/crm.schema.json", plan, crm_db, tmp_path, "--workers", "2"
    )
    assert len(rep["tables"]) == 13
    # crm.cotacoes is an auto parent: a tenth of its largest child (5000 rows)
    assert sum(t["rows_generated"] for t in rep["tables"]) == 10000 * 6 + 5000 * 3 + 500 + 52


def test_project_example_loads(fresh_db, tmp_path):
    pg.apply_sql_files(fresh_db, [ROOT / "plans/crm/schema.sql"])
    plan = scaled_plan(ROOT / "plans/crm/full_stack_ptbr.plan.json", tmp_path / "plan.json", 800)
    _generate_and_load(ROOT / "plans/crm/schema.json", plan, fresh_db, tmp_path)


CHECK_FORMS_DDL = """
create schema app;
create type app.mood as enum ('sad', 'ok', 'happy');
create table app.parent (
  id integer generated always as identity primary key,
  code varchar(12) not null unique check (code ~ '^[A-Z]{2}-[0-9]{4}$'),
  created date not null
);
create table app.forms (
  id uuid primary key,
  parent_id integer not null references app.parent(id),
  a integer not null check (a > 10 and a < 20),
  b numeric(6,2) not null check (b between 1.5 and 99.25),
  c integer check (c >= 0 or c <= -100),
  d integer not null check (d <> 0),
  kind text not null check (kind in ('x', 'y', 'z')),
  kind2 text not null check (kind2 = any (array['p'::text, 'q'::text])),
  email text not null check (position('@' in email) > 1),
  code char(3) not null check (length(code) = 3),
  born date check (born is null or born <= current_date),
  due date check (due >= current_date),
  starts timestamptz not null,
  ends timestamptz check (ends is null or ends > starts),
  lo integer not null,
  hi integer not null check (hi >= lo),
  mood app.mood not null,
  phone text check (phone ~ '^\\+55[0-9]{10,11}$'),
  note varchar(5),
  tags text[],
  doc jsonb,
  ip inet,
  flag boolean not null,
  t time,
  unique (parent_id, a)
);
create table app.tree (
  id serial primary key,
  parent_id integer references app.tree(id),
  label text not null
);
create table app.one (
  forms_id uuid primary key references app.forms(id),
  note text
);
"""


def test_every_check_form_and_key_shape_loads(fresh_db, tmp_path):
    ddl = tmp_path / "forms.sql"
    ddl.write_text(CHECK_FORMS_DDL)
    pg.apply_sql_files(fresh_db, [ddl])
    schema = tmp_path / "schema.json"
    write_schema(introspect(fresh_db, ["app"]), schema)
    plan = tmp_path / "plan.json"
    plan.write_text("""{"plan_version": "0.2", "seed": 3,
      "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
      "targets": [{"schema": "app", "table": "forms", "rows": 3000},
                  {"schema": "app", "table": "parent", "rows": 400},
                  {"schema": "app", "table": "tree", "rows": 500},
                  {"schema": "app", "table": "one", "rows": 3000}],
      "rules": []}""")
    rep = _generate_and_load(schema, plan, fresh_db, tmp_path)
    one = next(t for t in rep["tables"] if t["table"] == "one")
    assert one["rows_generated"] == 3000  # one-to-one: every parent row once
