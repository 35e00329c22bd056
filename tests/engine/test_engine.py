"""One table, correct by construction: keys, uniqueness, self-references, clear failures."""

from __future__ import annotations

import pytest

from tests.factory import col, plan_doc, rule, schema_doc, table, write
from tests.helpers import generate, read_csv, report


def _run(tmp_path, schema: dict, plan: dict, *extra: str):
    s = write(tmp_path / "schema.json", schema)
    p = write(tmp_path / "plan.json", plan)
    return generate(s, p, tmp_path / "out", *extra)


def _rows(run_dir, name):
    return read_csv(run_dir / f"app.{name}.csv")


PARENTS = [
    table(
        "region",
        [col("code", "character(2)", nullable=False, max_length=2), col("seq", "integer", nullable=False)],
        pk=["code", "seq"],
    ),
    table(
        "product",
        [
            col("id", "bigint", nullable=False, default="nextval('p'::regclass)"),
            col("name", "text", nullable=False),
        ],
        pk=["id"],
    ),
]


@pytest.mark.slow  # a subprocess run or a million values
def test_composite_keys_one_to_one_and_self_reference(tmp_path):
    store = table(
        "store",
        [
            col("id", "uuid", nullable=False),
            col("region_code", "character(2)", nullable=False, max_length=2),
            col("region_seq", "integer", nullable=False),
            col("manager_of", "uuid"),
        ],
        pk=["id"],
        fks=[(["region_code", "region_seq"], "region", ["code", "seq"]), (["manager_of"], "store", ["id"])],
    )
    stock = table(
        "stock",
        [
            col("store_id", "uuid", nullable=False),
            col("product_id", "bigint", nullable=False),
            col("qty", "integer", nullable=False),
        ],
        pk=["store_id", "product_id"],
        fks=[(["store_id"], "store", ["id"]), (["product_id"], "product", ["id"])],
        checks=["CHECK (qty > 0 AND qty <= 50)"],
    )
    profile = table(
        "profile",
        [col("store_id", "uuid", nullable=False), col("bio", "text")],
        pk=["store_id"],
        fks=[(["store_id"], "store", ["id"])],
    )
    schema = schema_doc(*PARENTS, store, stock, profile)
    plan = plan_doc({"region": 30, "product": 40, "store": 200, "stock": 5000, "profile": 200})
    proc, run_dir = _run(tmp_path, schema, plan)
    assert proc.returncode == 0, proc.stderr
    regions = {(r["code"], r["seq"]) for r in _rows(run_dir, "region")}
    stores = _rows(run_dir, "store")
    ids = [s["id"] for s in stores]
    assert len(set(ids)) == 200
    assert all((s["region_code"], s["region_seq"]) in regions for s in stores)
    earlier = set()
    for s in stores:  # a self-reference points at an earlier row (or is NULL)
        assert s["manager_of"] == "" or s["manager_of"] in earlier
        earlier.add(s["id"])
    stock_rows = _rows(run_dir, "stock")
    pairs = {(r["store_id"], r["product_id"]) for r in stock_rows}
    assert len(pairs) == len(stock_rows) == 5000
    assert all(1 <= int(r["qty"]) <= 50 for r in stock_rows)
    products = [int(r["id"]) for r in _rows(run_dir, "product")]
    assert products == list(range(1, 41))  # a serial key is a sequence
    profiles = _rows(run_dir, "profile")
    assert len(profiles) == 200  # one-to-one: each parent once
    assert sorted(p["store_id"] for p in profiles) == sorted(ids)


@pytest.mark.slow  # a subprocess run or a million values
def test_unique_exhaustion_is_a_clear_error_naming_the_column(tmp_path):
    t = table("seat", [col("n", "integer", nullable=False)], uniques=[["n"]])
    plan = plan_doc(
        {"seat": 20}, [rule("seat", "n", {"id": "primitive.int.range", "params": {"min": 1, "max": 5}})]
    )
    proc, run_dir = _run(tmp_path, schema_doc(t), plan)
    assert proc.returncode == 1
    assert "app.seat.n" in proc.stderr and "only 5 distinct values" in proc.stderr
    assert report(run_dir)["tables"][0]["status"] == "FAILED"


@pytest.mark.slow  # a subprocess run or a million values
def test_small_vocabulary_on_a_unique_column_gets_real_values_then_suffixes(tmp_path):
    t = table("pipeline", [col("name", "text", nullable=False)], uniques=[["name"]])
    plan = plan_doc({"pipeline": 8}, [rule("pipeline", "name", "domain.crm.pipeline_name")])
    proc, run_dir = _run(tmp_path, schema_doc(t), plan)
    assert proc.returncode == 0, proc.stderr
    names = [r["name"] for r in _rows(run_dir, "pipeline")]
    assert len(set(names)) == 8
    assert {n.split(" ")[0] for n in names} == {"Prospeccao", "Qualificacao", "Fechamento"}


@pytest.mark.slow  # a subprocess run or a million values
def test_rule_that_cannot_fit_its_column_falls_back_and_is_counted(tmp_path):
    t = table(
        "task",
        [col("priority", "integer", nullable=False)],
        checks=["CHECK (priority >= 1 AND priority <= 5)"],
    )
    plan = plan_doc({"task": 300}, [rule("task", "priority", "faker.lorem.raw.Word")])
    proc, run_dir = _run(tmp_path, schema_doc(t), plan)
    assert proc.returncode == 0, proc.stderr
    assert all(1 <= int(r["priority"]) <= 5 for r in _rows(run_dir, "task"))
    rep = report(run_dir)
    assert rep["fallback_count"] > 0 and rep["warnings_by_code"]["rule_fallback"] > 0


@pytest.mark.slow  # a subprocess run or a million values
@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda p: p["rules"].append(
                rule("seat", "n", {"id": "primitive.int.range", "params": {"min": 9, "max": 1}})
            ),
            "/rules/0/generator/params",
        ),
        (lambda p: p["rules"].append(rule("seat", "n", "primitive.nope")), "/rules/0/generator"),
        (lambda p: p["targets"].append({"schema": "app", "table": "ghost", "rows": 1}), "/targets/1/table"),
    ],
    ids=["min>max", "unknown-id", "unknown-table"],
)
def test_bad_plan_is_exit_2_with_path_and_no_traceback(mutate, path, tmp_path):
    t = table("seat", [col("n", "integer", nullable=False)])
    plan = plan_doc({"seat": 3})
    mutate(plan)
    proc, run_dir = _run(tmp_path, schema_doc(t), plan)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and path in proc.stderr
    assert report(run_dir)["status"] == "invalid"
