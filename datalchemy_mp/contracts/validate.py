"""Schema-aware plan checks (CONTRACTS §2.1), plus what upstream only found at run time.

``load_plan`` has already checked the plan's structure; here every reference is resolved
against the schema and the generator registry, and every generator and transform is built
once with its params, so a bad plan fails before any worker starts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import datalchemy_mp.generators  # noqa: F401  (importing the package registers every generator)
from datalchemy_mp import seeds
from datalchemy_mp.contracts.jsonfile import Reader
from datalchemy_mp.contracts.plan import ColumnRule, Plan
from datalchemy_mp.contracts.schema import SCHEMA_VERSION, Column, Schema, Table
from datalchemy_mp.errors import GenerationError, Issue, ParamError, ValidationFailed
from datalchemy_mp.generators.base import (
    GENERATORS,
    TRANSFORMS,
    ColumnInfo,
    GeneratorSpec,
    TransformSpec,
    check_params,
    closest_param,
    unknown_params,
)
from datalchemy_mp.planning.columns import column_info, default_locale

TABLE_KINDS = ("table", "partitioned_table")
PARENT_VALUE = "derive.parent_value"
PARENT_KEYS = ("parent_schema", "parent_table", "parent_column")
DERIVES_WITHOUT_INPUTS = frozenset({"derive.fk"})
"""Derive generators that read their FK, not other columns of the row."""

_SECTIONS = {"schema_ref": 0, "targets": 1, "rules": 2, "rules_unsupported": 3}


def check(schema: Schema, plan: Plan) -> list[Issue]:
    """Raise ValidationFailed if the plan has errors; else return every warning (load's too)."""
    issues = [*plan.issues, *validate(schema, plan)]
    if any(i.severity == "error" for i in issues):
        raise ValidationFailed(issues)
    return issues


def validate(schema: Schema, plan: Plan) -> list[Issue]:
    """Every schema-aware error and warning of ``plan``, in the order of their JSON paths."""
    r = Reader(plan.file)
    _check_schema_ref(r, schema, plan)
    _check_targets(r, schema, plan)
    _check_column_rules(r, schema, plan)
    _check_constraint_policies(r, schema, plan)
    _check_fk_strategies(r, schema, plan)
    _check_unsupported(r, schema, plan)
    return sorted(r.issues, key=_path_order)


# --- schema_ref and targets ------------------------------------------------------------


def _check_schema_ref(r: Reader, schema: Schema, plan: Plan) -> None:
    if plan.engine != schema.engine:
        r.error(
            "/schema_ref/engine",
            "engine_mismatch",
            f"expected engine {schema.engine!r} (the schema's), got {plan.engine!r}",
        )
    # Schema keeps neither field yet: load_schema accepts only SCHEMA_VERSION, and
    # upstream's schema_fingerprint is always null.
    version = getattr(schema, "schema_version", SCHEMA_VERSION)
    if plan.schema_version != version:
        r.error(
            "/schema_ref/schema_version",
            "schema_version_mismatch",
            f"expected schema_version {version!r} (the schema's), got {plan.schema_version!r}",
        )
    _check_fingerprint(r, plan.schema_fingerprint, getattr(schema, "schema_fingerprint", None))


def _check_fingerprint(r: Reader, planned: str | None, actual: str | None) -> None:
    path = "/schema_ref/schema_fingerprint"
    if planned is not None and actual is not None and planned != actual:
        r.error(
            path,
            "schema_fingerprint_mismatch",
            f"expected schema_fingerprint {actual!r} (the schema's), got {planned!r}; "
            "regenerate the plan from the current schema",
        )
    elif planned is not None and actual is None:
        r.error(
            path,
            "schema_fingerprint_missing",
            "the plan expects a schema_fingerprint but the schema has none; "
            "remove it from the plan or use a schema that has one",
        )
    elif planned is None and actual is not None:
        r.warning(
            "/schema_ref",
            "schema_fingerprint_not_set",
            "the schema has a schema_fingerprint but the plan does not; "
            "add it to schema_ref for a stricter check",
        )


def _check_targets(r: Reader, schema: Schema, plan: Plan) -> None:
    if not plan.targets:
        r.error("/targets", "targets_empty", "expected at least one target table")
        return
    seen: set[tuple[str, str]] = set()
    for t in plan.targets:
        if t.rows == 0:
            r.error(f"{t.path}/rows", "rows_zero", "expected rows > 0, got 0")
        if t.schema not in schema.schema_names:
            r.error(
                f"{t.path}/schema",
                "unknown_schema",
                f"expected a schema of the schema file, got {t.schema!r}"
                + _closest(t.schema, schema.schema_names),
            )
            continue
        _check_target_table(r, schema, t.schema, t.table, t.path)
        if (t.schema, t.table) in seen:
            r.error(
                t.path,
                "duplicate_target",
                f"{t.schema}.{t.table} is already a target; expected one target per table",
            )
        seen.add((t.schema, t.table))


def _check_target_table(r: Reader, schema: Schema, sname: str, tname: str, path: str) -> None:
    table = schema.table(sname, tname)
    if table is None:
        r.error(
            f"{path}/table",
            "unknown_table",
            f"expected a table of schema {sname!r}, got {tname!r}"
            + _closest(tname, _table_names(schema, sname)),
        )
    elif table.kind not in TABLE_KINDS:
        r.error(
            f"{path}/table",
            "not_a_table",
            f"expected a table, but {table.qualified} is a {table.kind}: only tables can be generated",
        )


# --- column_generator rules -------------------------------------------------------------


def _check_column_rules(r: Reader, schema: Schema, plan: Plan) -> None:
    chosen: dict[tuple[str, str, str], str] = {}
    derives: dict[tuple[str, str], dict[str, ColumnRule]] = {}
    for rule in plan.column_rules:
        found = _rule_target(r, schema, rule)
        if found is None:
            continue
        table, column = found
        inputs_ok = _check_input_columns(r, table, rule)
        parent_ok = _check_parent_reference(r, schema, table, rule)
        if not _check_generator_choice(r, rule, chosen):
            continue
        if column.generated:
            r.warning(
                f"{rule.path}/column",
                "generated_column_rule",
                f"{table.qualified}.{column.name} is a generated column "
                f"({column.generated}); the database fills it and the CSV leaves it out, "
                "so this rule has no effect",
            )
        _check_generator(r, plan, table, column, rule, inputs_ok and parent_ok)
        _check_transforms(r, plan, table, column, rule)
        if inputs_ok and _is_derive(rule.generator.id) and _inputs(rule):
            derives.setdefault(table.key, {})[column.name] = rule
    for rules in derives.values():
        _check_derive_cycles(r, rules)


def _rule_target(r: Reader, schema: Schema, rule: ColumnRule) -> tuple[Table, Column] | None:
    table = schema.table(rule.schema, rule.table)
    if table is None:
        r.error(
            f"{rule.path}/table",
            "unknown_column_target",
            f"expected a table of the schema, got {rule.schema}.{rule.table}"
            + _closest(rule.table, _table_names(schema, rule.schema)),
        )
        return None
    column = table.column(rule.column)
    if column is None:
        r.error(
            f"{rule.path}/column",
            "unknown_column",
            f"expected a column of {table.qualified}, got {rule.column!r}"
            + _closest(rule.column, [c.name for c in table.columns]),
        )
        return None
    return table, column


def _check_generator_choice(r: Reader, rule: ColumnRule, chosen: dict[tuple[str, str, str], str]) -> bool:
    """False if the rule cannot be used: an empty ID, or another generator for its column."""
    gid = rule.generator.id
    if not gid.strip():
        r.error(rule.generator.path, "empty_generator_id", "expected a generator ID, got ''")
        return False
    first = chosen.setdefault((rule.schema, rule.table, rule.column), gid)
    if first != gid:
        r.error(
            rule.path,
            "duplicate_generator_rule",
            f"{rule.schema}.{rule.table}.{rule.column} already has generator {first!r}; "
            f"expected one generator per column, got {gid!r} too",
        )
        return False
    return True


def _check_generator(
    r: Reader, plan: Plan, table: Table, column: Column, rule: ColumnRule, build: bool
) -> None:
    ref = rule.generator
    spec = GENERATORS.get(ref.id)
    if spec is None:
        r.error(
            ref.path,
            "unknown_generator_id",
            f"expected a registered generator ID, got {ref.id!r}" + _closest(ref.id, GENERATORS),
        )
        return
    if spec.kinds and column.kind not in spec.kinds:
        r.warning(
            ref.path,
            "generator_type_mismatch",
            f"{ref.id} fills {'/'.join(sorted(spec.kinds))} columns, but "
            f"{table.qualified}.{column.name} is {column.data_type} ({column.kind}); "
            "its values are written as they come",
        )
    if build:  # else already reported, and the factory would trip on the same thing
        _build(
            r, "invalid_generator_params", spec, _info(plan, table, column, rule), ref.params, ref.params_path
        )


def _check_transforms(r: Reader, plan: Plan, table: Table, column: Column, rule: ColumnRule) -> None:
    seen: set[str] = set()
    for t in rule.transforms:
        where = f"{t.path}/transform"
        if not t.id.strip():
            r.error(where, "transform_empty_id", "expected a transform ID, got ''")
            continue
        if t.id in seen:
            r.warning(
                where,
                "duplicate_transform",
                f"transform {t.id!r} is already applied to this column; "
                "expected each transform once per rule",
            )
        seen.add(t.id)
        spec = TRANSFORMS.get(t.id)
        if spec is None:
            r.error(
                where,
                "unknown_transform_id",
                f"expected a registered transform ID, got {t.id!r}" + _closest(t.id, TRANSFORMS),
            )
            continue
        _build(
            r,
            "invalid_transform_params",
            spec,
            _info(plan, table, column, rule),
            t.params,
            f"{t.path}/params",
        )


def _build(
    r: Reader, code: str, spec: GeneratorSpec | TransformSpec, info: ColumnInfo, params: Any, params_path: str
) -> None:
    """Check the params and build the generator (or transform) once, as a worker will."""
    try:
        checked = check_params(spec.params, params, strict=spec.strict, path=params_path)
        spec.factory(info, checked)
    except (ParamError, GenerationError) as exc:
        r.error(_error_path(exc.path, params_path), code, f"{spec.id}: {exc.message}")
        return
    for key in unknown_params(spec.params, params):  # a loose generator: ignored, but said
        r.warning(
            f"{params_path}/{key}",
            "unknown_param",
            f"{spec.id} has no param {key!r}{closest_param(spec.params, key)}; it is ignored",
        )


def _error_path(path: str | None, params_path: str) -> str:
    """A factory knows no JSON path: it may name a param (``max``) or nothing."""
    if not path:
        return params_path
    return path if path.startswith("/") else f"{params_path}/{path}"


def _info(plan: Plan, table: Table, column: Column, rule: ColumnRule) -> ColumnInfo:
    locale = rule.generator.locale or default_locale(plan)
    table_key = seeds.table_seed(plan.seed, table.schema, table.name)
    return column_info(
        table, column, locale=locale, table_seed=table_key, seed=seeds.column_seed(table_key, column.name)
    )


# --- derive rules: input_columns, cycles, parent references ----------------------------


def _is_derive(gid: str) -> bool:
    spec = GENERATORS.get(gid)
    return spec.derive if spec is not None else gid.startswith("derive.")


def _needs_inputs(gid: str) -> bool:
    spec = GENERATORS.get(gid)
    if spec is not None and any(p.name == "input_columns" for p in spec.params):
        return True
    return _is_derive(gid) and gid not in DERIVES_WITHOUT_INPUTS


def _inputs(rule: ColumnRule) -> list:
    params = rule.generator.params
    value = params.get("input_columns") if isinstance(params, dict) else None
    return value if isinstance(value, list) else []


def _check_input_columns(r: Reader, table: Table, rule: ColumnRule) -> bool:
    """True unless ``input_columns`` is missing where needed, malformed or names no column."""
    ref = rule.generator
    path = f"{ref.params_path}/input_columns"
    value = ref.params.get("input_columns") if isinstance(ref.params, dict) else None
    if value is None and not _needs_inputs(ref.id):
        return True
    if not isinstance(value, list) or not value:
        got = "nothing" if value is None else _json_value(value)
        r.error(
            path,
            "invalid_input_columns",
            f"{ref.id} expects input_columns: a non-empty array of column names of "
            f"{table.qualified}, got {got}",
        )
        return False
    ok = True
    for i, name in enumerate(value):
        if not isinstance(name, str):
            r.error(
                f"{path}/{i}",
                "invalid_input_columns",
                f"expected a column name (a string), got {_json_value(name)}",
            )
            ok = False
        elif table.column(name) is None:
            r.error(
                f"{path}/{i}",
                "unknown_input_column",
                f"expected a column of {table.qualified}, got {name!r}"
                + _closest(name, [c.name for c in table.columns]),
            )
            ok = False
    return ok


def _check_parent_reference(r: Reader, schema: Schema, table: Table, rule: ColumnRule) -> bool:
    """For derive.parent_value: True unless its parent is missing, unknown or not FK-linked."""
    if rule.generator.id != PARENT_VALUE:
        return True
    params = rule.generator.params if isinstance(rule.generator.params, dict) else {}
    path = rule.generator.params_path
    for key in PARENT_KEYS:
        if not isinstance(params.get(key), str) or not params[key].strip():
            r.error(
                f"{path}/{key}",
                "missing_parent_reference",
                f"{PARENT_VALUE} expects {key}: a string naming the parent {key.removeprefix('parent_')}",
            )
            return False
    parent = _parent_table(r, schema, params, path)
    if parent is None:
        return False
    if parent.column(params["parent_column"]) is None:
        r.error(
            f"{path}/parent_column",
            "unknown_parent_reference",
            f"expected a column of {parent.qualified}, got {params['parent_column']!r}"
            + _closest(params["parent_column"], [c.name for c in parent.columns]),
        )
        return False
    return _check_parent_fk(r, table, parent, params.get("input_columns"), path)


def _parent_table(r: Reader, schema: Schema, params: dict, path: str) -> Table | None:
    sname, tname = params["parent_schema"], params["parent_table"]
    if sname not in schema.schema_names:
        r.error(
            f"{path}/parent_schema",
            "unknown_parent_reference",
            f"expected a schema of the schema file, got {sname!r}" + _closest(sname, schema.schema_names),
        )
        return None
    parent = schema.table(sname, tname)
    if parent is None:
        r.error(
            f"{path}/parent_table",
            "unknown_parent_reference",
            f"expected a table of schema {sname!r}, got {tname!r}"
            + _closest(tname, _table_names(schema, sname)),
        )
    return parent


def _check_parent_fk(r: Reader, table: Table, parent: Table, inputs: Any, path: str) -> bool:
    """The local column (input_columns[0]) must be in an FK of the table to the parent."""
    if not (isinstance(inputs, list) and inputs and isinstance(inputs[0], str)):
        return True  # reported by _check_input_columns
    local = inputs[0]
    if table.column(local) is None:
        return True
    if any(local in fk.columns and fk.ref == parent.key for fk in table.foreign_keys):
        return True
    r.error(
        f"{path}/input_columns/0",
        "parent_value_without_fk",
        f"expected input_columns[0] to be a column of a foreign key of "
        f"{table.qualified} referencing {parent.qualified}; {local!r} is in none",
    )
    return False


def _check_derive_cycles(r: Reader, rules: dict[str, ColumnRule]) -> None:
    """Derive rules of one table whose input_columns lead back to themselves."""
    order = {name: int(rule.path.rsplit("/", 1)[1]) for name, rule in rules.items()}
    reported: set[frozenset[str]] = set()
    for cycle in _cycles(rules, sorted(rules, key=order.__getitem__)):
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
        cycle = cycle[start:] + cycle[:start]
        rule = rules[cycle[0]]
        inputs = _inputs(rule)
        nxt = cycle[1] if len(cycle) > 1 else cycle[0]
        r.error(
            f"{rule.generator.params_path}/input_columns/{inputs.index(nxt)}",
            "derive_cycle",
            f"derive rules of {rule.schema}.{rule.table} form a cycle through input_columns: "
            f"{' -> '.join([*cycle, cycle[0]])}; expected inputs that do not depend on "
            "the column itself",
        )


def _cycles(rules: dict[str, ColumnRule], starts: Iterable[str]) -> list[list[str]]:
    """One cycle per back edge of a depth-first walk of column -> its derive-ruled inputs."""

    def inputs(name: str) -> list[str]:
        return [c for c in _inputs(rules[name]) if c in rules]

    found: list[list[str]] = []
    done: set[str] = set()
    for start in starts:
        if start in done:
            continue
        stack, path = [(start, iter(inputs(start)))], [start]
        while stack:
            name, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                done.add(name)
            elif nxt in path:
                found.append(path[path.index(nxt) :])
            elif nxt not in done:
                stack.append((nxt, iter(inputs(nxt))))
                path.append(nxt)
    return found


# --- constraint policies, FK strategies, unsupported rules ------------------------------


def _check_constraint_policies(r: Reader, schema: Schema, plan: Plan) -> None:
    modes: dict[tuple[str, str, str], str] = {}
    for p in plan.constraint_policies:
        table = schema.table(p.schema, p.table)
        if table is None:
            r.error(
                f"{p.path}/table",
                "unknown_constraint_target",
                f"expected a table of the schema, got {p.schema}.{p.table}"
                + _closest(p.table, _table_names(schema, p.schema)),
            )
            continue
        first = modes.setdefault((p.schema, p.table, p.constraint), p.mode)
        if first != p.mode:
            r.error(
                p.path,
                "duplicate_constraint_policy",
                f"the {p.constraint} policy of {table.qualified} is already {first!r}; "
                f"expected one mode per constraint kind, got {p.mode!r} too",
            )
            continue
        if not _has_constraint(table, p.constraint):
            r.warning(
                p.path,
                "constraint_not_found",
                f"{table.qualified} has no {p.constraint} constraint; the policy has no effect",
            )
        elif p.constraint != "check" and p.mode != "enforce":
            r.warning(
                f"{p.path}/mode",
                "policy_not_applied",
                f"{p.constraint} constraints are always enforced (the output must load into the "
                f"database); mode {p.mode!r} has no effect, only 'check' policies change generation",
            )


def _has_constraint(table: Table, kind: str) -> bool:
    if kind == "not_null":
        return any(not c.nullable for c in table.columns)
    return bool(
        {
            "check": table.checks,
            "unique": table.uniques,
            "primary_key": table.primary_key,
            "foreign_key": table.foreign_keys,
        }.get(kind)
    )


def _check_fk_strategies(r: Reader, schema: Schema, plan: Plan) -> None:
    modes: dict[tuple[str, str], str] = {}
    for s in plan.fk_strategies:
        table = schema.table(s.schema, s.table)
        if table is None:
            r.error(
                f"{s.path}/table",
                "unknown_fk_target",
                f"expected a table of the schema, got {s.schema}.{s.table}"
                + _closest(s.table, _table_names(schema, s.schema)),
            )
            continue
        first = modes.setdefault(table.key, s.mode)
        if first != s.mode:
            r.error(
                s.path,
                "duplicate_fk_strategy",
                f"the foreign key strategy of {table.qualified} is already {first!r}; "
                f"expected one strategy per table, got {s.mode!r} too",
            )
            continue
        if not table.foreign_keys:
            r.warning(
                s.path,
                "fk_strategy_without_fk",
                f"{table.qualified} has no foreign keys; the strategy has no effect",
            )
        if s.mode == "disable" and not plan.options.allow_fk_disable:
            r.warning(
                s.path,
                "fk_disable_without_flag",
                "foreign keys disabled without options.allow_fk_disable; set it to true to acknowledge",
            )


def _check_unsupported(r: Reader, schema: Schema, plan: Plan) -> None:
    for i, rule in enumerate(plan.rules_unsupported):
        ref = rule.get("reference")
        if isinstance(ref, dict):
            _check_unsupported_reference(r, schema, ref, f"/rules_unsupported/{i}/reference")


def _check_unsupported_reference(r: Reader, schema: Schema, ref: dict, path: str) -> None:
    sname, tname, cname = ref.get("schema"), ref.get("table"), ref.get("column")
    if not isinstance(sname, str) or sname not in schema.schema_names:
        r.warning(
            f"{path}/schema",
            "unsupported_unknown_schema",
            f"expected a schema of the schema file, got {sname!r}",
        )
        return
    table = schema.table(sname, tname) if isinstance(tname, str) else None
    if table is None:
        r.warning(
            f"{path}/table",
            "unsupported_unknown_table",
            f"expected a table of schema {sname!r}, got {tname!r}",
        )
    elif cname is not None and (not isinstance(cname, str) or table.column(cname) is None):
        r.warning(
            f"{path}/column",
            "unsupported_unknown_column",
            f"expected a column of {table.qualified}, got {cname!r}",
        )


# --- helpers ------------------------------------------------------------------------------


def _table_names(schema: Schema, sname: str) -> list[str]:
    return [t for s, t in schema.tables if s == sname]


def _closest(word: str, candidates: Iterable[str]) -> str:
    """`` (closest: 'a', 'b')`` for a misspelt name, else nothing."""
    matches = difflib.get_close_matches(word, list(candidates), n=3)
    return f" (closest: {', '.join(repr(m) for m in matches)})" if matches else ""


def _json_value(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list) and not value:
        return "an empty array"
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        dict: "an object",
        list: "an array",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _path_order(issue: Issue) -> tuple[int, int]:
    """Issues sort by section (schema_ref, targets, rules, …) and item index; sorted() is
    stable, so the issues of one item keep the order they were found in."""
    parts = issue.path.split("/")
    section = _SECTIONS.get(parts[1], len(_SECTIONS)) if len(parts) > 1 else -1
    index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
    return section, index
