"""Rows of auto parents (fan-out, raised for keys, capped by capacity) and capacity errors."""

import datetime as dt

import pytest

from datalchemy_mp.contracts.plan import load_plan
from datalchemy_mp.contracts.schema import load_schema
from datalchemy_mp.errors import ValidationFailed
from datalchemy_mp.planning import graph, sizing
from tests.factory import col, plan_doc, schema_doc, table, write


def _size(tmp_path, schema, plan):
    s = load_schema(write(tmp_path / "schema.json", schema))
    p = load_plan(write(tmp_path / "plan.json", plan))
    g = graph.build(s, p)
    sizing.sized_plans(s, p, g, dt.date(2024, 1, 1))
    return g


def _errors(tmp_path, schema, plan) -> list[str]:
    with pytest.raises(ValidationFailed) as err:
        _size(tmp_path, schema, plan)
    return [f"{i.path}: {i.message}" for i in err.value.issues]


P = table("p", [col("id", "integer", nullable=False)], pk=["id"])
Q = table("q", [col("id", "integer", nullable=False)], pk=["id"])


def test_auto_parent_gets_a_tenth_of_its_largest_child(tmp_path):
    c1 = table("c1", [col("p_id", "integer", nullable=False)], fks=[(["p_id"], "p", ["id"])])
    c2 = table("c2", [col("p_id", "integer", nullable=False)], fks=[(["p_id"], "p", ["id"])])
    g = _size(tmp_path, schema_doc(P, c1, c2), plan_doc({"c1": 7, "c2": 301}))
    assert g.auto == {("app", "p")} and g.rows[("app", "p")] == 31
    (w,) = [w for w in g.warnings if w.code == "auto_parent"]
    assert w.message == (
        "app.p is not a target; generated with 31 rows (ceil(301 rows of app.c2 / 10)); "
        'to choose its size, add it to "targets" with "rows"'
    )


def test_auto_parents_grow_for_one_to_one_and_pair_keys(tmp_path):
    one = table("one", [col("p_id", "integer", nullable=False)], pk=["p_id"], fks=[(["p_id"], "p", ["id"])])
    pair = table(
        "pair",
        [col("p_id", "integer", nullable=False), col("q_id", "integer", nullable=False)],
        uniques=[["p_id", "q_id"]],
        fks=[(["p_id"], "p", ["id"]), (["q_id"], "q", ["id"])],
    )
    g = _size(tmp_path, schema_doc(P, Q, one, pair), plan_doc({"one": 500, "pair": 90000}))
    assert g.rows[("app", "p")] == 9000  # a tenth of pair's rows; one needs only 500
    assert g.rows[("app", "q")] == 9000
    g = _size(tmp_path, schema_doc(P, Q, pair), plan_doc({"pair": 1_000_000}))
    assert g.rows[("app", "p")] * g.rows[("app", "q")] >= 1_000_000
    g = _size(tmp_path, schema_doc(P, one), plan_doc({"one": 500}))
    assert g.rows[("app", "p")] == 500
    (w,) = [w for w in g.warnings if w.code == "auto_parent"]
    assert "raised so that every child row can have its own parent key" in w.message


def test_auto_parent_is_capped_by_its_own_key(tmp_path):
    region = table(
        "region",
        [col("id", "integer", nullable=False), col("name", "text", nullable=False)],
        pk=["id"],
        uniques=[["name"]],
        checks=["name = ANY (ARRAY['north'::text, 'south'::text, 'east'::text])"],
    )
    store = table(
        "store", [col("region_id", "integer", nullable=False)], fks=[(["region_id"], "region", ["id"])]
    )
    g = _size(tmp_path, schema_doc(region, store), plan_doc({"store": 8000}))
    assert g.rows[("app", "region")] == 3
    (w,) = [w for w in g.warnings if w.code == "auto_parent"]
    assert "capped at 3, what name can hold (name: 3 values)" in w.message


def test_targets_beyond_capacity_are_errors_naming_table_columns_and_capacity(tmp_path):
    one = table("one", [col("p_id", "integer", nullable=False)], pk=["p_id"], fks=[(["p_id"], "p", ["id"])])
    code = table("code", [col("c", "character(2)", nullable=False, max_length=2)], pk=["c"])
    flag = table(
        "flag",
        [col("b", "boolean", nullable=False), col("k", "smallint", nullable=False)],
        uniques=[["b", "k"]],
        checks=["k >= 1 AND k <= 10"],
    )
    tiny = table("tiny", [col("id", "smallint", nullable=False, default="nextval('tiny_id_seq'::regclass)")])
    errors = _errors(
        tmp_path,
        schema_doc(P, one, code, flag, tiny),
        plan_doc({"p": 3, "one": 10, "code": 9000, "flag": 21, "tiny": 40000}),
    )
    assert errors == [
        "/targets/1/rows: app.one: 10 rows requested, but UNIQUE (p_id) can hold only 3 distinct values "
        "(p_id: the rows of app.p); ask for at most 3 rows, or more rows of the parent tables",
        "/targets/2/rows: app.code: 9000 rows requested, but c can hold only 8930 distinct values "
        "(c: 8930 values); ask for at most 8930 rows",
        "/targets/3/rows: app.flag: 21 rows requested, but UNIQUE (b, k) can hold only 20 distinct values "
        "(b: 2 values x k: 10 values); ask for at most 20 rows",
        "/targets/4/rows: app.tiny: 40000 rows requested, but id can hold only 32767 distinct values "
        "(id: 32767 values (primitive.sequence)); ask for at most 32767 rows",
    ]


def test_integer_key_cannot_take_a_trillion_rows(tmp_path):
    (error,) = _errors(tmp_path, schema_doc(P), plan_doc({"p": 10**12}))
    assert "app.p: 1000000000000 rows requested, but id can hold only 2147483647" in error
