import pytest

from datalchemy_mp.contracts.plan import load_plan
from datalchemy_mp.contracts.schema import load_schema
from datalchemy_mp.errors import DependencyCycleError
from datalchemy_mp.planning import graph
from tests.factory import col, plan_doc, schema_doc, table, write


def _build(tmp_path, schema, plan):
    s = load_schema(write(tmp_path / "schema.json", schema))
    p = load_plan(write(tmp_path / "plan.json", plan))
    return graph.build(s, p)


def test_full_stack_adds_the_missing_parent(shared_dir):
    s = load_schema(shared_dir / "datalchemy/schemas/crm.schema.json")
    p = load_plan(shared_dir / "datalchemy/plans/examples/full_stack_ptbr.plan.json")
    g = graph.build(s, p)
    assert len(g.order) == 13
    assert g.auto == {("crm", "cotacoes")}
    pos = {k: i for i, k in enumerate(g.order)}
    for child, parents in g.parents.items():
        assert all(pos[p] < pos[child] for p in parents)


def _pair(nullable: bool):
    a = table(
        "a",
        [col("id", "integer", nullable=False), col("b_id", "integer", nullable=nullable)],
        pk=["id"],
        fks=[(["b_id"], "b", ["id"])],
    )
    b = table(
        "b",
        [col("id", "integer", nullable=False), col("a_id", "integer", nullable=False)],
        pk=["id"],
        fks=[(["a_id"], "a", ["id"])],
    )
    return schema_doc(a, b)


def test_cycle_is_broken_through_the_nullable_fk(tmp_path):
    g = _build(tmp_path, _pair(True), plan_doc({"a": 5, "b": 5}))
    assert g.order == [("app", "a"), ("app", "b")]
    assert [(t, cols) for t, _, cols in g.broken] == [(("app", "a"), ("b_id",))]
    assert any(w.code == "fk_cycle_broken" for w in g.warnings)


def test_cycle_without_nullable_fk_names_the_tables(tmp_path):
    with pytest.raises(DependencyCycleError, match=r"app\.a -> app\.b -> app\.a"):
        _build(tmp_path, _pair(False), plan_doc({"a": 5}))


def test_self_reference_is_not_a_cycle(tmp_path):
    t = table(
        "node",
        [col("id", "integer", nullable=False), col("parent_id", "integer")],
        pk=["id"],
        fks=[(["parent_id"], "node", ["id"])],
    )
    g = _build(tmp_path, schema_doc(t), plan_doc({"node": 10}))
    assert g.order == [("app", "node")] and not g.broken
