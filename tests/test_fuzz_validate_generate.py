"""Hypothesis mutates the project's own schema and plan and runs `validate` and `generate` on
each case, in real processes with a timeout.

What must hold for every input: both commands exit 0, 1 or 2 without a traceback, the report
ends final, and `validate` exits 2 whenever `generate` does (one code path decides).

The default run is small (CI); `DATALCHEMY_MP_FUZZ_EXAMPLES=N pytest -m slow -k fuzz` runs N
more, randomly drawn.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.helpers import ROOT, report, run_cli

SCHEMA = orjson.loads((ROOT / "plans/crm/schema.json").read_bytes())
PLAN = orjson.loads((ROOT / "plans/crm/full_stack_ptbr.plan.json").read_bytes())
for _target in PLAN["targets"]:
    _target["rows"] = min(_target["rows"], 20)
FINAL = {"succeeded", "failed", "invalid", "cancelled"}
TIMEOUT_S = 240

# Values a mutation may put anywhere: types, keys, numbers, unicode, nesting, references.
TABLE_NAMES = sorted({t["name"] for s in SCHEMA["schemas"] for t in s["tables"]})
COLUMN_NAMES = sorted({c["name"] for s in SCHEMA["schemas"] for t in s["tables"] for c in t["columns"]})
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 7, 255, 999, 1000, 2**31, 2**63, 10**12]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "é", "名前", "a.b", 'q"uote', "🙂", "x" * 300, "NULL", "0001-01-01", "9999-12-31"]),
    st.sampled_from(TABLE_NAMES + COLUMN_NAMES),
    st.sampled_from(["integer", "bigint", "text", "varchar", "numeric", "date", "uuid", "jsonb", "boolean"]),
    st.sampled_from(["(a)(\\1)", "(?=a)b", "[0-9]{3}", "^$", "(", "today", "-5", "now()"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated(draw) -> tuple[dict, dict, list[str]]:
    """The CRM schema and plan with 1 to 3 mutations; returns what was done, for the report."""
    docs = {"schema": copy.deepcopy(SCHEMA), "plan": copy.deepcopy(PLAN)}
    done = []
    for _ in range(draw(st.integers(1, 3))):
        which = draw(st.sampled_from(["schema", "plan", "plan"]))
        node: Any = docs[which]
        path = [which]
        while isinstance(node, dict | list) and node and draw(st.integers(0, 5)) > 0:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            key = draw(st.sampled_from(keys))
            if not isinstance(node[key], dict | list) or not node[key]:
                break
            node, path = node[key], [*path, key]
        if not isinstance(node, dict | list) or not node:
            continue
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["set", "set", "set", "delete", "duplicate"]))
        if action == "set":
            node[key] = draw(VALUES)
        elif action == "delete":
            del node[key]
        elif isinstance(node, list):
            node.append(copy.deepcopy(node[key]))
        else:
            node[draw(st.text(min_size=1, max_size=8))] = copy.deepcopy(node[key])
        done.append(f"{action} {'/'.join(map(str, [*path, key]))}")
    return docs["schema"], docs["plan"], done


def _check(tmp: Path, schema: dict, plan: dict, done: list[str]) -> None:
    schema_file, plan_file = tmp / "schema.json", tmp / "plan.json"
    # json, not orjson: integers past 64 bits are part of what is tried
    schema_file.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    where = f"mutations: {done}"
    validated = run_cli("validate", "-s", str(schema_file), "-p", str(plan_file), timeout=TIMEOUT_S)
    assert validated.returncode in (0, 2), f"{where}\n{validated.stderr}"
    assert "Traceback" not in validated.stderr, f"{where}\n{validated.stderr}"
    out = tmp / "out"
    args = ["generate", "-s", str(schema_file), "-p", str(plan_file), "-o", str(out), "--run-id", "r"]
    generated = run_cli(*args, "--workers", "2", "--table-timeout", "30", timeout=TIMEOUT_S)
    assert generated.returncode in (0, 1, 2), f"{where}\n{generated.stderr}"
    assert "Traceback" not in generated.stderr, f"{where}\n{generated.stderr}"
    if (out / "r" / "generation_report.json").exists():
        assert report(out / "r")["status"] in FINAL, where
    if generated.returncode == 2:
        assert validated.returncode == 2, f"{where}\ngenerate:\n{generated.stderr}"


def _examples(default: int) -> int:
    return int(os.environ.get("DATALCHEMY_MP_FUZZ_EXAMPLES", default))


_SETTINGS = {
    "deadline": None,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],  # each case runs two processes: no shrinking
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@settings(max_examples=_examples(4), derandomize=True, **_SETTINGS)
@given(case=mutated())
def test_validate_and_generate_agree_on_mutated_inputs(case, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("fuzz"), *case)


@pytest.mark.slow
@pytest.mark.skipif(
    "DATALCHEMY_MP_FUZZ_EXAMPLES" not in os.environ,
    reason="a long run: set DATALCHEMY_MP_FUZZ_EXAMPLES=N to run N examples",
)
@settings(max_examples=_examples(60), **_SETTINGS)
@given(case=mutated())
def test_validate_and_generate_agree_on_many_mutated_inputs(case, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("fuzz"), *case)
