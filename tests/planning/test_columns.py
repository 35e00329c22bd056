"""How each column is filled: built from schema + plan alone, the same in supervisor and worker."""

from __future__ import annotations

import datetime as dt

import pytest

from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
from datalchemy_mp.contracts.plan import load_plan
from datalchemy_mp.contracts.schema import load_schema
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning.columns import DEFAULT_NULL_RATE, Source, build, fill_order, key_functions
from datalchemy_mp.planning.uniques import needs_whole_table, unguaranteed_unique_sets
from tests.factory import col, plan_doc, rule, schema_doc, table, write

BASE = dt.date(2024, 5, 1)


@pytest.fixture
def plans(tmp_path):
    team = table(
        "team",
        [
            col("id", "integer", identity="ALWAYS"),
            col("lead_id", "integer"),
            col("name", "text", nullable=False),
        ],
        pk=["id"],
        uniques=[["name"]],
        fks=[(["lead_id"], "person", ["id"])],
    )
    person = table(
        "person",
        [
            col("id", "uuid", nullable=False),
            col("team_id", "integer", nullable=False),
            col("email", "text", nullable=False),
            col("nick", "text"),
            col("started", "date", nullable=False),
            col("ended", "date"),
        ],
        pk=["id"],
        uniques=[["email"]],
        checks=["CHECK ((ended IS NULL) OR (ended >= started))"],
        fks=[(["team_id"], "team", ["id"])],
    )
    schema = load_schema(write(tmp_path / "schema.json", schema_doc(team, person)))
    rules = [rule("person", "email", {"id": "primitive.text.lorem", "params": {"max_words": 3}})]
    plan = load_plan(write(tmp_path / "plan.json", plan_doc({"team": 4, "person": 40}, rules)))
    graph = graphmod.build(schema, plan)
    return {key: build(schema, plan, graph, key, BASE) for key in graph.order}


def _cols(tp):
    return {cp.name: cp for cp in tp.columns}


def test_sources(plans):
    team, person = _cols(plans[("app", "team")]), _cols(plans[("app", "person")])
    assert team["id"].source == Source.SEQUENCE
    assert team["lead_id"].source == Source.CYCLE_NULL  # the nullable FK of the cycle
    assert team["name"].source == Source.DEFAULT and team["name"].generator_id
    assert person["team_id"].source == Source.FK and person["team_id"].fk.ref == ("app", "team")
    assert person["email"].source == Source.RULE and person["email"].params["max_words"] == 3
    assert person["email"].fallback is not None  # rows the rule cannot make valid
    assert person["id"].source == Source.DEFAULT and person["id"].generator_id == "primitive.uuid"
    assert person["ended"].source == Source.AFTER and person["ended"].inputs == ("started",)


def test_null_rates_only_where_a_column_plays_no_role(plans):
    person = _cols(plans[("app", "person")])
    assert person["nick"].null_rate == DEFAULT_NULL_RATE
    assert person["started"].null_rate == 0  # NOT NULL
    assert person["email"].null_rate == 0  # a rule decides


def test_fill_order_puts_inputs_first(plans):
    order = [cp.name for cp in fill_order(plans[("app", "person")].columns)]
    assert order.index("started") < order.index("ended")
    assert "team_id" not in order  # FK columns are filled before the rest


def test_index_functions_and_chunking(plans):
    team, person = plans[("app", "team")], plans[("app", "person")]
    assert key_functions(team, ("id",)) is not None  # a sequence: children compute it
    assert key_functions(person, ("email",)) is None
    assert unguaranteed_unique_sets(person) == [("email",)]  # lorem words cannot construct it
    assert needs_whole_table(person) and not needs_whole_table(_only_keys(team))


def _only_keys(tp):
    tp.table.uniques = [u for u in tp.table.uniques if u != ("name",)]
    return tp
