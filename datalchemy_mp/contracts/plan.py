"""plan.json v0.2: targets, rules (column generators, constraint policies, FK strategies), options."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datalchemy_mp.contracts.jsonfile import Reader, pointer, read_json
from datalchemy_mp.errors import ValidationFailed
from datalchemy_mp.planning import distributions

LOCALES = ("en_US", "pt_BR")
CONSTRAINT_KINDS = ("check", "unique", "not_null", "primary_key", "foreign_key")
POLICY_MODES = ("enforce", "warn", "ignore")
FK_MODES = ("respect", "disable")


@dataclass(frozen=True)
class Target:
    schema: str
    table: str
    rows: int
    path: str


@dataclass(frozen=True)
class TransformRef:
    id: str
    params: dict
    path: str


@dataclass(frozen=True)
class GeneratorRef:
    id: str
    locale: str | None
    params: dict
    path: str
    """JSON path of the generator (``/rules/3/generator`` or ``/rules/3/generator/id``)."""
    params_path: str
    """JSON path of its params (``/rules/3/generator/params`` or legacy ``/rules/3/params``)."""


@dataclass(frozen=True)
class ColumnRule:
    schema: str
    table: str
    column: str
    generator: GeneratorRef
    transforms: tuple[TransformRef, ...]
    path: str


@dataclass(frozen=True)
class ConstraintPolicy:
    schema: str
    table: str
    constraint: str
    mode: str
    path: str


@dataclass(frozen=True)
class FkStrategy:
    schema: str
    table: str
    mode: str
    path: str


@dataclass
class Options:
    strict: bool = False
    allow_fk_disable: bool = False
    base_date: dt.date | None = None
    """Stands for CURRENT_DATE/now() (datalchemy-mp extension; default: the run's UTC date)."""
    use_stats: bool = True
    """Follow the schema's column ``stats`` where present (planning/distributions.py)."""
    fk_distribution: dict | None = None
    """Per-parent child counts: {"kind": poisson|uniform|zipf, "s": ..., "mean": ...}."""


@dataclass
class Plan:
    seed: int
    schema_version: str
    engine: str
    schema_fingerprint: str | None
    targets: list[Target]
    column_rules: list[ColumnRule]
    constraint_policies: list[ConstraintPolicy]
    fk_strategies: list[FkStrategy]
    locale: str | None
    options: Options
    rules_unsupported: list[dict]
    plan_version: Any
    file: str
    issues: list = field(default_factory=list)
    """Warnings found while loading (errors raise instead)."""


def load_plan(path: str | Path, data: bytes | None = None) -> Plan:
    """Load plan.json and check its structure; raise ValidationFailed listing every error."""
    file = str(path)
    doc = read_json(path, "plan", data)
    r = Reader(file)
    if not isinstance(doc, dict):
        r.error("", "schema_violation", "expected a JSON object at the top level")
        raise ValidationFailed(r.issues)
    seed = r.get(doc, "seed", "", int, default=0)
    if seed is not None and not 0 <= seed < 2**64:
        r.error("/seed", "schema_violation", f"expected an unsigned 64-bit integer, got {seed}")
    ref = r.get(doc, "schema_ref", "", dict, default={})
    plan = Plan(
        seed=seed or 0,
        plan_version=doc.get("plan_version"),
        schema_version=r.get(ref, "schema_version", "/schema_ref", str, default="0.2"),
        engine=r.get(ref, "engine", "/schema_ref", str, default="postgres"),
        schema_fingerprint=r.get(ref, "schema_fingerprint", "/schema_ref", str, required=False),
        targets=[],
        column_rules=[],
        constraint_policies=[],
        fk_strategies=[],
        locale=None,
        options=Options(),
        rules_unsupported=[],
        file=file,
    )
    if "plan_version" not in doc:
        r.error("/plan_version", "schema_violation", "missing required field 'plan_version'")
    for i, t in enumerate(r.array(doc, "targets", "")):
        p = pointer("targets", i)
        schema, table = r.get(t, "schema", p, str), r.get(t, "table", p, str)
        rows = r.get(t, "rows", p, int)
        if rows is not None and rows < 0:
            r.error(f"{p}/rows", "schema_violation", f"expected rows >= 0, got {rows}")
        if schema is not None and table is not None and rows is not None:
            plan.targets.append(Target(schema, table, rows, p))
    for i, rule in enumerate(r.array(doc, "rules", "")):
        _load_rule(r, plan, rule, pointer("rules", i))
    glob = r.get(doc, "global", "", dict, required=False, default={})
    plan.locale = r.get(glob, "locale", "/global", str, required=False)
    if plan.locale is not None and plan.locale not in LOCALES:
        r.error(
            "/global/locale", "unsupported_locale", f"expected one of {list(LOCALES)}, got {plan.locale!r}"
        )
    opts = r.get(doc, "options", "", dict, required=False, default={})
    plan.options.strict = r.get(opts, "strict", "/options", bool, required=False, default=False)
    plan.options.allow_fk_disable = r.get(
        opts, "allow_fk_disable", "/options", bool, required=False, default=False
    )
    base = r.get(opts, "base_date", "/options", str, required=False)
    if base is not None:
        try:
            plan.options.base_date = dt.date.fromisoformat(base)
        except ValueError:
            r.error("/options/base_date", "schema_violation", f"expected YYYY-MM-DD, got {base!r}")
    plan.options.use_stats = r.get(opts, "use_stats", "/options", bool, required=False, default=True)
    plan.options.fk_distribution = distributions.parse_option(
        r, opts.get("fk_distribution"), "/options/fk_distribution"
    )
    known = {"strict", "allow_fk_disable", "base_date", "use_stats", "fk_distribution"}
    for key in sorted(set(opts) - known):
        r.warning(f"/options/{key}", "unknown_option", f"option {key!r} is not known and is ignored")
    plan.rules_unsupported = [x for x in doc.get("rules_unsupported") or [] if isinstance(x, dict)]
    plan.issues = [i for i in r.issues if i.severity == "warning"]
    if any(i.severity == "error" for i in r.issues):
        raise ValidationFailed(r.issues)
    return plan


def _load_rule(r: Reader, plan: Plan, rule: Any, p: str) -> None:
    kind = r.get(rule, "type", p, str)
    if kind is None:
        return
    schema, table = r.get(rule, "schema", p, str), r.get(rule, "table", p, str)
    if kind == "column_generator":
        column = r.get(rule, "column", p, str)
        gen = _load_generator(r, rule, p)
        transforms = []
        for j, t in enumerate(r.array(rule, "transforms", p, required=False)):
            tp = f"{p}/transforms/{j}"
            tid = r.get(t, "transform", tp, str)
            params = r.get(t, "params", tp, dict, required=False, default={})
            if tid is not None and not tid.strip():
                r.error(f"{tp}/transform", "transform_empty_id", "transform ID is empty")
            elif tid is not None:
                transforms.append(TransformRef(tid.strip(), params or {}, tp))
        if None not in (schema, table, column) and gen is not None:
            plan.column_rules.append(ColumnRule(schema, table, column, gen, tuple(transforms), p))
    elif kind == "constraint_policy":
        constraint = r.get(rule, "constraint", p, str)
        mode = r.get(rule, "mode", p, str)
        if constraint is not None and constraint not in CONSTRAINT_KINDS:
            r.error(
                f"{p}/constraint",
                "schema_violation",
                f"expected one of {list(CONSTRAINT_KINDS)}, got {constraint!r}",
            )
        elif mode is not None and mode not in POLICY_MODES:
            r.error(f"{p}/mode", "schema_violation", f"expected one of {list(POLICY_MODES)}, got {mode!r}")
        elif None not in (schema, table, constraint, mode):
            plan.constraint_policies.append(ConstraintPolicy(schema, table, constraint, mode, p))
    elif kind == "foreign_key_strategy":
        mode = r.get(rule, "mode", p, str)
        if mode is not None and mode not in FK_MODES:
            r.error(f"{p}/mode", "schema_violation", f"expected one of {list(FK_MODES)}, got {mode!r}")
        elif None not in (schema, table, mode):
            plan.fk_strategies.append(FkStrategy(schema, table, mode, p))
    else:
        r.error(
            f"{p}/type",
            "schema_violation",
            "expected one of ['column_generator', 'constraint_policy', "
            f"'foreign_key_strategy'], got {kind!r}",
        )


def _load_generator(r: Reader, rule: dict, p: str) -> GeneratorRef | None:
    g = rule.get("generator") if isinstance(rule, dict) else None
    legacy = rule.get("params") if isinstance(rule, dict) else None
    if isinstance(g, str):
        gid, locale, params, gpath = g, None, None, f"{p}/generator"
    elif isinstance(g, dict):
        gpath = f"{p}/generator"
        gid = r.get(g, "id", gpath, str)
        locale = r.get(g, "locale", gpath, str, required=False)
        params = g.get("params")
        if locale is not None and locale not in LOCALES:
            r.error(
                f"{gpath}/locale", "unsupported_locale", f"expected one of {list(LOCALES)}, got {locale!r}"
            )
        gpath += "/id"
    else:
        r.get(rule, "generator", p, (str, dict))
        return None
    if gid is None:
        return None
    if not gid.strip():
        r.error(gpath, "empty_generator_id", "generator ID is empty")
        return None
    if params is not None:
        params_path = f"{p}/generator/params"
    else:
        params, params_path = legacy, f"{p}/params"
    if params is None:
        params = {}
    if not isinstance(params, dict):
        r.error(params_path, "invalid_generator_params", "expected an object of params")
        return None
    return GeneratorRef(gid.strip(), locale, params, gpath, params_path)
