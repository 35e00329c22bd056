"""A misspelt param is never silently dropped: an error (strict generators) or a warning
(loose ones), naming the closest known param."""

from __future__ import annotations

import pytest

from datalchemy_mp.api import load_inputs
from datalchemy_mp.errors import ValidationFailed
from tests.factory import col, plan_doc, rule, schema_doc, table, write


@pytest.fixture
def schema(tmp_path):
    t = table("pessoas", [col("id", "integer"), col("cpf", "text"), col("idade", "integer")], pk=["id"])
    return write(tmp_path / "schema.json", schema_doc(t))


def test_loose_generator_warns_with_the_closest_name(schema, tmp_path):
    gen = {"id": "semantic.br.cpf", "params": {"formated": True}}
    plan = write(tmp_path / "plan.json", plan_doc({"pessoas": 5}, [rule("pessoas", "cpf", gen)]))
    _, _, warnings = load_inputs(schema, plan)
    (w,) = [w for w in warnings if w.code == "unknown_param"]
    assert w.path == "/rules/0/generator/params/formated"
    assert "did you mean 'formatted'?" in w.message and "ignored" in w.message


def test_strict_generator_fails_with_the_closest_name(schema, tmp_path):
    gen = {"id": "primitive.int", "params": {"min": 1, "mx": 9}}
    plan = write(tmp_path / "plan.json", plan_doc({"pessoas": 5}, [rule("pessoas", "idade", gen)]))
    with pytest.raises(ValidationFailed) as caught:
        load_inputs(schema, plan)
    (issue,) = caught.value.issues
    assert issue.path == "/rules/0/generator/params/mx"
    assert "unknown param 'mx' (did you mean 'max'?)" in issue.message
