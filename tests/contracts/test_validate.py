"""validate.py: every schema-aware code of CONTRACTS §2.1 and ours, with its exact JSON path."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from datalchemy_mp.contracts.plan import load_plan
from datalchemy_mp.contracts.schema import Schema, load_schema
from datalchemy_mp.contracts.validate import check, validate
from datalchemy_mp.errors import Issue, ParamError, ValidationFailed
from datalchemy_mp.generators.base import (
    ANY,
    GENERATORS,
    NUMBER,
    TEXT,
    TRANSFORMS,
    GeneratorSpec,
    Param,
    TransformSpec,
)
from datalchemy_mp.planning.columns import column_info

SHARED = Path(__file__).resolve().parents[3] / "shared" / "datalchemy"
DATA = Path(__file__).resolve().parent / "data" / "validate"
SHOP_SCHEMA = DATA / "shop.schema.json"


# --- a small fake registry, so these tests do not depend on the real catalog --------------


def _int_factory(col, params):
    if params["min"] > params["max"]:
        raise ParamError(f"expected min <= max, got min={params['min']} > max={params['max']}")
    return lambda batch: [params["min"]] * batch.n


def _any_factory(col, params):
    return lambda batch: [None] * batch.n


def _cut_factory(col, params):
    if params["max_len"] > 10:
        raise ParamError(f"expected max_len <= 10, got {params['max_len']}", path="max_len")
    return lambda batch, values: values


SEEN_COLUMNS = []


def _spy_factory(col, params):
    SEEN_COLUMNS.append(col)
    return lambda batch: [None] * batch.n


def _gen(gid: str, kinds=ANY, params=(), strict=True, derive=False, factory=_any_factory):
    return GeneratorSpec(
        id=gid,
        factory=factory,
        kinds=kinds,
        params=tuple(params),
        strict=strict,
        unique=False,
        description="test",
        tags=(),
        derive=derive,
    )


FAKE_GENERATORS = [
    _gen("test.int", NUMBER, [Param("min", int, 0), Param("max", int, 100)], factory=_int_factory),
    _gen("test.text", TEXT),
    _gen("test.any"),
    _gen("test.spy", factory=_spy_factory),
    _gen("derive.test.copy", strict=False, derive=True, params=[Param("input_columns", list, required=True)]),
]
FAKE_TRANSFORMS = [
    TransformSpec(
        id="test.cut",
        factory=_cut_factory,
        strict=True,
        description="test",
        params=(Param("max_len", int, required=True, min=0),),
    ),
]


@pytest.fixture
def fake_registry(monkeypatch):
    for spec in FAKE_GENERATORS:
        monkeypatch.setitem(GENERATORS, spec.id, spec)
    for gid in ("derive.fk", "derive.parent_value"):
        if gid not in GENERATORS:  # not registered yet: a stand-in
            monkeypatch.setitem(GENERATORS, gid, _gen(gid, strict=False, derive=True))
    for t in FAKE_TRANSFORMS:
        monkeypatch.setitem(TRANSFORMS, t.id, t)


# --- plans ---------------------------------------------------------------------------------


def cg(table: str, column: str, generator, **extra) -> dict:
    return {
        "type": "column_generator",
        "schema": "shop",
        "table": table,
        "column": column,
        "generator": generator,
        **extra,
    }


BASE_PLAN = {
    "plan_version": "0.2",
    "seed": 7,
    "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
    "targets": [
        {"schema": "shop", "table": "users", "rows": 5},
        {"schema": "shop", "table": "orders", "rows": 10},
    ],
    "rules": [
        cg("users", "name", "test.text"),
        cg(
            "orders",
            "total",
            {"id": "test.int", "params": {"min": 0, "max": 50}},
            transforms=[{"transform": "test.cut", "params": {"max_len": 3}}],
        ),
        cg("users", "updated_at", "derive.test.copy", params={"input_columns": ["created_at"]}),
        cg(
            "orders",
            "closed",
            {
                "id": "derive.parent_value",
                "params": {
                    "input_columns": ["user_id"],
                    "parent_schema": "shop",
                    "parent_table": "users",
                    "parent_column": "created_at",
                },
            },
        ),
        {
            "type": "constraint_policy",
            "schema": "shop",
            "table": "orders",
            "constraint": "check",
            "mode": "warn",
        },
        {"type": "foreign_key_strategy", "schema": "shop", "table": "orders", "mode": "respect"},
    ],
    "rules_unsupported": [
        {
            "description": "emails look real",
            "reason": "no generator",
            "reference": {"schema": "shop", "table": "users", "column": "email"},
        },
    ],
}


def _walk(doc, pointer: str):
    *parents, last = pointer.strip("/").split("/")
    for part in parents:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc, (int(last) if isinstance(doc, list) else last)


def put(pointer: str, value) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        parent, key = _walk(doc, pointer)
        parent[key] = value

    return mutate


def drop(pointer: str) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        parent, key = _walk(doc, pointer)
        del parent[key]

    return mutate


def add(pointer: str, value) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        parent, key = _walk(doc, pointer)
        parent[key].append(value)

    return mutate


@pytest.fixture(scope="module")
def shop() -> Schema:
    return load_schema(SHOP_SCHEMA)


def write_plan(tmp_path: Path, mutate: Callable[[dict], None] | None = None) -> Path:
    doc = copy.deepcopy(BASE_PLAN)
    if mutate:
        mutate(doc)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    return path


def issues_of(shop: Schema, tmp_path: Path, mutate=None) -> list[Issue]:
    return validate(shop, load_plan(write_plan(tmp_path, mutate)))


def show(issues: list[Issue]) -> str:
    return "\n".join(str(i) for i in issues) or "(no issues)"


# --- the base plan, the shared plans ----------------------------------------------------


@pytest.mark.usefixtures("fake_registry")
def test_base_plan_has_no_issues(shop, tmp_path):
    issues = issues_of(shop, tmp_path)
    assert issues == [], show(issues)


SHARED_PLANS = [
    pytest.param(p, id=str(p.relative_to(SHARED / "plans")))
    for p in sorted((SHARED / "plans").rglob("*.json"))
] or [pytest.param(None, id="no-shared")]  # then the shared_dir fixture skips (or fails on CI)


@pytest.mark.parametrize("plan_file", SHARED_PLANS)
def test_shared_plans_have_no_errors(shared_dir, plan_file):
    schema = load_schema(SHARED / "schemas" / "crm.schema.json")
    plan = load_plan(plan_file)
    issues = validate(schema, plan)
    missing = {"unknown_generator_id", "unknown_transform_id"}
    errors = [i for i in issues if i.severity == "error" and i.code not in missing]
    assert errors == [], show(issues)
    unregistered = sorted(
        {r.generator.id for r in plan.column_rules if r.generator.id not in GENERATORS}
        | {t.id for r in plan.column_rules for t in r.transforms if t.id not in TRANSFORMS}
    )
    if unregistered:
        pytest.skip("not registered yet: " + ", ".join(unregistered))
    assert all(i.severity == "warning" for i in issues)


def test_shared_plans_exist(shared_dir):
    assert len(list((shared_dir / "datalchemy/plans").rglob("*.json"))) >= 10


# --- one case per error code -------------------------------------------------------------

NEW_RULE = 6  # index of a rule appended to BASE_PLAN's rules

ERROR_CASES = [
    # (id, mutation, code, path, part of the message that says what was expected)
    (
        "engine",
        put("/schema_ref/engine", "sqlite"),
        "engine_mismatch",
        "/schema_ref/engine",
        "expected engine 'postgres'",
    ),
    (
        "schema-version",
        put("/schema_ref/schema_version", "0.1"),
        "schema_version_mismatch",
        "/schema_ref/schema_version",
        "expected schema_version '0.2'",
    ),
    (
        "fingerprint-missing",
        put("/schema_ref/schema_fingerprint", "abc"),
        "schema_fingerprint_missing",
        "/schema_ref/schema_fingerprint",
        "schema has none",
    ),
    ("targets-empty", put("/targets", []), "targets_empty", "/targets", "at least one target"),
    ("rows-zero", put("/targets/1/rows", 0), "rows_zero", "/targets/1/rows", "expected rows > 0"),
    (
        "unknown-schema",
        put("/targets/1/schema", "shpo"),
        "unknown_schema",
        "/targets/1/schema",
        "closest: 'shop'",
    ),
    (
        "unknown-table",
        put("/targets/1/table", "order"),
        "unknown_table",
        "/targets/1/table",
        "closest: 'orders'",
    ),
    (
        "duplicate-target",
        add("/targets", {"schema": "shop", "table": "users", "rows": 3}),
        "duplicate_target",
        "/targets/2",
        "one target per table",
    ),
    (
        "view-target",
        put("/targets/1/table", "active_users"),
        "not_a_table",
        "/targets/1/table",
        "expected a table, but shop.active_users is a view",
    ),
    (
        "rule-table",
        put("/rules/0/table", "user"),
        "unknown_column_target",
        "/rules/0/table",
        "closest: 'users'",
    ),
    (
        "rule-column",
        put("/rules/0/column", "nmae"),
        "unknown_column",
        "/rules/0/column",
        "expected a column of shop.users",
    ),
    (
        "inputs-string",
        put("/rules/2/params/input_columns", "created_at"),
        "invalid_input_columns",
        "/rules/2/params/input_columns",
        "non-empty array of column",
    ),
    (
        "inputs-empty",
        put("/rules/2/params/input_columns", []),
        "invalid_input_columns",
        "/rules/2/params/input_columns",
        "got an empty array",
    ),
    (
        "inputs-missing",
        drop("/rules/2/params/input_columns"),
        "invalid_input_columns",
        "/rules/2/params/input_columns",
        "got nothing",
    ),
    (
        "inputs-not-strings",
        put("/rules/2/params/input_columns", ["created_at", 3]),
        "invalid_input_columns",
        "/rules/2/params/input_columns/1",
        "column name (a string)",
    ),
    (
        "input-unknown-legacy",
        put("/rules/2/params/input_columns", ["created_at", "creatd"]),
        "unknown_input_column",
        "/rules/2/params/input_columns/1",
        "closest: 'created_at'",
    ),
    (
        "input-unknown",
        put("/rules/3/generator/params/input_columns", ["usr_id"]),
        "unknown_input_column",
        "/rules/3/generator/params/input_columns/0",
        "expected a column of shop.orders",
    ),
    (
        "derive-self-cycle",
        put("/rules/2/params/input_columns", ["updated_at"]),
        "derive_cycle",
        "/rules/2/params/input_columns/0",
        "updated_at -> updated_at",
    ),
    (
        "derive-cycle",
        add(
            "/rules",
            cg("users", "created_at", "derive.test.copy", params={"input_columns": ["name", "updated_at"]}),
        ),
        "derive_cycle",
        "/rules/2/params/input_columns/0",
        "updated_at -> created_at -> updated_at",
    ),
    (
        "parent-missing",
        drop("/rules/3/generator/params/parent_table"),
        "missing_parent_reference",
        "/rules/3/generator/params/parent_table",
        "expects parent_table",
    ),
    (
        "parent-schema",
        put("/rules/3/generator/params/parent_schema", "shp"),
        "unknown_parent_reference",
        "/rules/3/generator/params/parent_schema",
        "closest: 'shop'",
    ),
    (
        "parent-table",
        put("/rules/3/generator/params/parent_table", "user"),
        "unknown_parent_reference",
        "/rules/3/generator/params/parent_table",
        "closest: 'users'",
    ),
    (
        "parent-column",
        put("/rules/3/generator/params/parent_column", "created"),
        "unknown_parent_reference",
        "/rules/3/generator/params/parent_column",
        "expected a column of shop.users",
    ),
    (
        "parent-without-fk",
        put("/rules/3/generator/params/input_columns", ["note"]),
        "parent_value_without_fk",
        "/rules/3/generator/params/input_columns/0",
        "foreign key of shop.orders referencing shop.users",
    ),
    (
        "generator-unknown",
        put("/rules/0/generator", "test.txet"),
        "unknown_generator_id",
        "/rules/0/generator",
        "'test.text'",
    ),
    (
        "generator-unknown-object",
        put("/rules/1/generator/id", "test.itn"),
        "unknown_generator_id",
        "/rules/1/generator/id",
        "'test.int'",
    ),
    (
        "param-unknown",
        put("/rules/1/generator/params/step", 2),
        "invalid_generator_params",
        "/rules/1/generator/params/step",
        "known: max, min",
    ),
    (
        "param-type",
        put("/rules/1/generator/params/min", "0"),
        "invalid_generator_params",
        "/rules/1/generator/params/min",
        "expected an integer",
    ),
    (
        "param-cross",
        put("/rules/1/generator/params/min", 60),
        "invalid_generator_params",
        "/rules/1/generator/params",
        "expected min <= max",
    ),
    (
        "param-legacy",
        put("/rules/0/params", {"bogus": 1}),
        "invalid_generator_params",
        "/rules/0/params/bogus",
        "unknown param 'bogus'",
    ),
    (
        "transform-unknown",
        put("/rules/1/transforms/0/transform", "test.cutt"),
        "unknown_transform_id",
        "/rules/1/transforms/0/transform",
        "'test.cut'",
    ),
    (
        "transform-param",
        put("/rules/1/transforms/0/params/max_len", -1),
        "invalid_transform_params",
        "/rules/1/transforms/0/params/max_len",
        "must be >= 0",
    ),
    (
        "transform-factory",
        put("/rules/1/transforms/0/params/max_len", 11),
        "invalid_transform_params",
        "/rules/1/transforms/0/params/max_len",
        "test.cut: expected max_len <= 10",
    ),
    (
        "transform-param-missing",
        drop("/rules/1/transforms/0/params"),
        "invalid_transform_params",
        "/rules/1/transforms/0/params",
        "'max_len' is required",
    ),
    (
        "generator-twice",
        add("/rules", cg("users", "name", "test.any")),
        "duplicate_generator_rule",
        f"/rules/{NEW_RULE}",
        "already has generator 'test.text'",
    ),
    (
        "policy-table",
        put("/rules/4/table", "order"),
        "unknown_constraint_target",
        "/rules/4/table",
        "closest: 'orders'",
    ),
    (
        "policy-twice",
        add(
            "/rules",
            {
                "type": "constraint_policy",
                "schema": "shop",
                "table": "orders",
                "constraint": "check",
                "mode": "enforce",
            },
        ),
        "duplicate_constraint_policy",
        f"/rules/{NEW_RULE}",
        "already 'warn'",
    ),
    ("fk-table", put("/rules/5/table", "ordres"), "unknown_fk_target", "/rules/5/table", "closest: 'orders'"),
    (
        "fk-twice",
        add(
            "/rules", {"type": "foreign_key_strategy", "schema": "shop", "table": "orders", "mode": "disable"}
        ),
        "duplicate_fk_strategy",
        f"/rules/{NEW_RULE}",
        "already 'respect'",
    ),
]


@pytest.mark.usefixtures("fake_registry")
@pytest.mark.parametrize(
    "mutate, code, path, expected", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_error_code(shop, tmp_path, mutate, code, path, expected):
    issues = issues_of(shop, tmp_path, mutate)
    assert [(i.code, i.severity, i.path) for i in issues] == [(code, "error", path)], show(issues)
    assert expected in issues[0].message
    assert issues[0].file == str(tmp_path / "plan.json")
    with pytest.raises(ValidationFailed) as exc:
        check(shop, load_plan(tmp_path / "plan.json"))
    assert code in str(exc.value)


LOAD_CASES = [
    # codes that load_plan already raises; validate never sees such a plan from a file
    ("empty-generator", put("/rules/0/generator", "  "), "empty_generator_id", "/rules/0/generator"),
    ("params-not-object", put("/rules/0/params", 3), "invalid_generator_params", "/rules/0/params"),
    (
        "empty-transform",
        put("/rules/1/transforms/0/transform", ""),
        "transform_empty_id",
        "/rules/1/transforms/0/transform",
    ),
]


@pytest.mark.parametrize("mutate, code, path", [c[1:] for c in LOAD_CASES], ids=[c[0] for c in LOAD_CASES])
def test_load_time_code(tmp_path, mutate, code, path):
    with pytest.raises(ValidationFailed) as exc:
        load_plan(write_plan(tmp_path, mutate))
    assert [(i.code, i.path) for i in exc.value.issues] == [(code, path)]


@pytest.mark.usefixtures("fake_registry")
def test_empty_ids_in_a_plan_built_in_code(shop, tmp_path):
    plan = load_plan(write_plan(tmp_path))
    rule0, rule1 = plan.column_rules[0], plan.column_rules[1]
    rule0 = dataclasses.replace(rule0, generator=dataclasses.replace(rule0.generator, id=" "))
    rule1 = dataclasses.replace(rule1, transforms=(dataclasses.replace(rule1.transforms[0], id=""),))
    plan.column_rules[:2] = [rule0, rule1]
    found = [(i.code, i.path) for i in validate(shop, plan)]
    assert found == [
        ("empty_generator_id", "/rules/0/generator"),
        ("transform_empty_id", "/rules/1/transforms/0/transform"),
    ]


@pytest.mark.usefixtures("fake_registry")
@pytest.mark.parametrize(
    "planned, actual, code, severity, path",
    [
        ("abc", "xyz", "schema_fingerprint_mismatch", "error", "/schema_ref/schema_fingerprint"),
        ("abc", None, "schema_fingerprint_missing", "error", "/schema_ref/schema_fingerprint"),
        (None, "xyz", "schema_fingerprint_not_set", "warning", "/schema_ref"),
    ],
    ids=["mismatch", "missing", "not-set"],
)
def test_fingerprint(tmp_path, planned, actual, code, severity, path):
    schema = load_schema(SHOP_SCHEMA)
    schema.schema_fingerprint = actual  # type: ignore[attr-defined]  # not a Schema field yet
    plan = load_plan(write_plan(tmp_path, put("/schema_ref/schema_fingerprint", planned)))
    issues = validate(schema, plan)
    assert [(i.code, i.severity, i.path) for i in issues] == [(code, severity, path)]
    if planned == "abc" and actual == "xyz":
        assert "expected schema_fingerprint 'xyz'" in issues[0].message


# --- warnings ----------------------------------------------------------------------------

WARNING_CASES = [
    (
        "transform-twice",
        add("/rules/1/transforms", {"transform": "test.cut", "params": {"max_len": 2}}),
        "duplicate_transform",
        "/rules/1/transforms/1/transform",
        "each transform once",
    ),
    (
        "no-check",
        add(
            "/rules",
            {
                "type": "constraint_policy",
                "schema": "shop",
                "table": "tags",
                "constraint": "check",
                "mode": "ignore",
            },
        ),
        "constraint_not_found",
        f"/rules/{NEW_RULE}",
        "shop.tags has no check constraint",
    ),
    (
        "no-not-null",
        add(
            "/rules",
            {
                "type": "constraint_policy",
                "schema": "shop",
                "table": "tags",
                "constraint": "not_null",
                "mode": "warn",
            },
        ),
        "constraint_not_found",
        f"/rules/{NEW_RULE}",
        "has no not_null constraint",
    ),
    (
        "unique-policy-not-applied",
        add(
            "/rules",
            {
                "type": "constraint_policy",
                "schema": "shop",
                "table": "orders",
                "constraint": "primary_key",
                "mode": "ignore",
            },
        ),
        "policy_not_applied",
        f"/rules/{NEW_RULE}/mode",
        "primary_key constraints are always enforced",
    ),
    (
        "fk-strategy-no-fk",
        add("/rules", {"type": "foreign_key_strategy", "schema": "shop", "table": "tags", "mode": "respect"}),
        "fk_strategy_without_fk",
        f"/rules/{NEW_RULE}",
        "shop.tags has no foreign keys",
    ),
    (
        "fk-disable",
        put("/rules/5/mode", "disable"),
        "fk_disable_without_flag",
        "/rules/5",
        "options.allow_fk_disable",
    ),
    (
        "unsupported-schema",
        put("/rules_unsupported/0/reference/schema", "nope"),
        "unsupported_unknown_schema",
        "/rules_unsupported/0/reference/schema",
        "got 'nope'",
    ),
    (
        "unsupported-table",
        put("/rules_unsupported/0/reference/table", "nope"),
        "unsupported_unknown_table",
        "/rules_unsupported/0/reference/table",
        "got 'nope'",
    ),
    (
        "unsupported-column",
        put("/rules_unsupported/0/reference/column", "nope"),
        "unsupported_unknown_column",
        "/rules_unsupported/0/reference/column",
        "expected a column of shop.users",
    ),
    (
        "type-mismatch",
        put("/rules/0/generator", "test.int"),
        "generator_type_mismatch",
        "/rules/0/generator",
        "shop.users.name is text",
    ),
    (
        "generated-column",
        put("/rules/0/column", "name_upper"),
        "generated_column_rule",
        "/rules/0/column",
        "generated column",
    ),
]


@pytest.mark.usefixtures("fake_registry")
@pytest.mark.parametrize(
    "mutate, code, path, expected", [c[1:] for c in WARNING_CASES], ids=[c[0] for c in WARNING_CASES]
)
def test_warning_code(shop, tmp_path, mutate, code, path, expected):
    issues = issues_of(shop, tmp_path, mutate)
    assert [(i.code, i.severity, i.path) for i in issues] == [(code, "warning", path)], show(issues)
    assert expected in issues[0].message
    assert check(shop, load_plan(tmp_path / "plan.json")) == issues


@pytest.mark.usefixtures("fake_registry")
@pytest.mark.parametrize(
    "mutate",
    [
        add("/rules", cg("users", "name", "test.text")),
        add("/rules", cg("orders", "user_id", "derive.fk")),
        add(
            "/rules",
            {
                "type": "constraint_policy",
                "schema": "shop",
                "table": "orders",
                "constraint": "check",
                "mode": "warn",
            },
        ),
    ],
    ids=["same-generator-twice", "derive-fk-needs-no-inputs", "same-policy-twice"],
)
def test_accepted(shop, tmp_path, mutate):
    issues = issues_of(shop, tmp_path, mutate)
    assert issues == [], show(issues)


@pytest.mark.usefixtures("fake_registry")
def test_fk_disable_with_flag_is_quiet(shop, tmp_path):
    def mutate(doc):
        put("/rules/5/mode", "disable")(doc)
        doc["options"] = {"allow_fk_disable": True}

    assert issues_of(shop, tmp_path, mutate) == []


# --- check(), order, column_info ---------------------------------------------------------


@pytest.mark.usefixtures("fake_registry")
def test_check_returns_load_warnings_too(shop, tmp_path):
    def mutate(doc):
        doc["options"] = {"null_rate": 0.1}
        put("/rules/5/mode", "disable")(doc)

    warnings = check(shop, load_plan(write_plan(tmp_path, mutate)))
    assert [(i.code, i.severity) for i in warnings] == [
        ("unknown_option", "warning"),
        ("fk_disable_without_flag", "warning"),
    ]


@pytest.mark.usefixtures("fake_registry")
def test_check_lists_every_error(shop, tmp_path):
    def mutate(doc):
        put("/rules/0/column", "nmae")(doc)
        put("/targets/1/rows", 0)(doc)

    with pytest.raises(ValidationFailed) as exc:
        check(shop, load_plan(write_plan(tmp_path, mutate)))
    assert [i.code for i in exc.value.issues] == ["rows_zero", "unknown_column"]
    assert "2 error(s)" in str(exc.value)


@pytest.mark.usefixtures("fake_registry")
def test_issues_follow_path_order(shop, tmp_path):
    def mutate(doc):
        put("/rules_unsupported/0/reference/table", "nope")(doc)
        put("/rules/5/table", "nope")(doc)
        put("/rules/2/params/input_columns", ["updated_at"])(doc)  # cycle, found last
        put("/rules/1/generator/params/step", 1)(doc)
        put("/targets/0/rows", 0)(doc)
        put("/schema_ref/engine", "sqlite")(doc)

    paths = [i.path for i in issues_of(shop, tmp_path, mutate)]
    assert paths == [
        "/schema_ref/engine",
        "/targets/0/rows",
        "/rules/1/generator/params/step",
        "/rules/2/params/input_columns/0",
        "/rules/5/table",
        "/rules_unsupported/0/reference/table",
    ]


@pytest.mark.usefixtures("fake_registry")
@pytest.mark.parametrize(
    "generator, global_locale, locale",
    [
        ("test.spy", None, "en_US"),
        ("test.spy", "pt_BR", "pt_BR"),
        ({"id": "test.spy", "locale": "pt_BR"}, "en_US", "pt_BR"),
    ],
    ids=["default", "global", "generator-wins"],
)
def test_factory_sees_the_column(shop, tmp_path, generator, global_locale, locale):
    def mutate(doc):
        doc["rules"] = [cg("users", "email", generator), cg("users", "name", "test.spy")]
        if global_locale:
            doc["global"] = {"locale": global_locale}

    SEEN_COLUMNS.clear()
    assert issues_of(shop, tmp_path, mutate) == []
    email, name = SEEN_COLUMNS
    assert (email.qualified, email.locale, email.unique, email.max_length) == (
        "shop.users.email",
        locale,
        True,
        120,
    )
    assert (name.qualified, name.unique, name.locale) == ("shop.users.name", False, global_locale or "en_US")
    assert email.seed != name.seed


def test_column_info(shop):
    users = shop.table("shop", "users")
    email = column_info(users, users.column("email"), locale="pt_BR")
    assert (email.unique, email.kind, email.max_length, email.locale, email.nullable) == (
        True,
        "text",
        120,
        "pt_BR",
        False,
    )
    status = column_info(users, users.column("status"), locale="en_US")
    assert (status.unique, status.kind, status.enum_labels) == (False, "enum", ("active", "blocked"))
    orders = shop.table("shop", "orders")
    total = column_info(orders, orders.column("total"), locale="en_US")
    assert (total.precision, total.scale, total.qualified) == (12, 2, "shop.orders.total")


# --- a few stable IDs of the real catalog (skipped until registered) ----------------------


def need(gid: str) -> GeneratorSpec:
    spec = GENERATORS.get(gid)
    if spec is None:
        pytest.skip(f"{gid} is not registered yet")
    return spec


def test_real_int_range_min_above_max(shop, tmp_path):
    need("primitive.int.range")
    plan = write_plan(
        tmp_path,
        put(
            "/rules", [cg("orders", "user_id", {"id": "primitive.int.range", "params": {"min": 9, "max": 1}})]
        ),
    )
    issues = validate(shop, load_plan(plan))
    assert [i.code for i in issues] == ["invalid_generator_params"], show(issues)
    assert issues[0].path.startswith("/rules/0/generator/params")


def test_real_cpf_on_an_integer_column(shop, tmp_path):
    spec = need("semantic.br.cpf")
    if not spec.kinds or "integer" in spec.kinds:
        pytest.skip("semantic.br.cpf declares no kinds that exclude integer")
    plan = write_plan(tmp_path, put("/rules", [cg("orders", "user_id", "semantic.br.cpf")]))
    issues = validate(shop, load_plan(plan))
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("generator_type_mismatch", "warning", "/rules/0/generator")
    ], show(issues)


def test_real_updated_after_created(shop, tmp_path):
    need("derive.updated_after_created")
    rule = cg(
        "users",
        "updated_at",
        "derive.updated_after_created",
        params={"input_columns": ["created_at"], "max_seconds": 60},
    )
    issues = validate(shop, load_plan(write_plan(tmp_path, put("/rules", [rule]))))
    assert issues == [], show(issues)
    rule["params"]["input_columns"] = ["created"]
    issues = validate(shop, load_plan(write_plan(tmp_path, put("/rules", [rule]))))
    assert [(i.code, i.path) for i in issues] == [("unknown_input_column", "/rules/0/params/input_columns/0")]
