"""How each column of a table is filled: by a rule, a FK, a CHECK ordering or a sensible default.

Built identically in the supervisor (to validate) and in each worker (to generate), from the
schema, the plan and the graph alone.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from datalchemy_mp import checks as checkmod
from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import INTEGERS, TIMESTAMPS, Kind
from datalchemy_mp.contracts.plan import ColumnRule, Plan
from datalchemy_mp.contracts.schema import Column, ForeignKey, Schema, Table
from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators import base
from datalchemy_mp.generators.base import GENERATORS, TRANSFORMS, Batch, BatchFn, ColumnInfo
from datalchemy_mp.output.csv import Formatter, format_text, formatter
from datalchemy_mp.planning import distributions
from datalchemy_mp.planning.coerce import coercer
from datalchemy_mp.planning.distributions import Fanout
from datalchemy_mp.planning.graph import Graph, active_fks
from datalchemy_mp.planning.partitions import hash_window_keys, shared_key_columns, shifted, tree_offset

DEFAULT_NULL_RATE = 0.1
"""Share of NULLs in a nullable column that has no rule and no role in a key."""


class Source(StrEnum):
    """Where a column's values come from."""

    RULE = "rule"  # the plan's generator
    DEFAULT = "default"  # chosen by type and name
    SEQUENCE = "sequence"  # serial/identity: 1, 2, 3...
    FK = "fk"  # a parent's key
    PARENT_VALUE = "parent_value"  # derive.parent_value: another column of the parent row
    AFTER = "after"  # made from an earlier column by a CHECK ordering (fim >= inicio)
    CYCLE_NULL = "cycle_null"  # the FK left NULL to break a cycle


FROM_PARENT = (Source.FK, Source.PARENT_VALUE)
"""Sources whose values are copied from a parent's key files (CSV fields already)."""


@dataclass
class ColumnPlan:
    column: Column
    info: ColumnInfo
    source: Source
    generator_id: str | None = None
    params: dict = field(default_factory=dict)
    """The generator's params, defaults filled in (what `init` writes and `explain` shows)."""
    fn: BatchFn | None = None
    transforms: list[tuple[str, Any]] = field(default_factory=list)
    inputs: tuple[str, ...] = ()
    null_rate: float = 0.0
    fmt: Formatter = format_text
    """Its values as CSV fields (set by build() from the column's kind)."""
    key: int = 0
    tags: tuple[str, ...] = ()
    fk: ForeignKey | None = None
    parent_column: str | None = None
    coerce: Callable[[list], list] | None = None
    """Fits a ruled generator's values to the column type (INVALID where they cannot fit)."""
    fallback: ColumnPlan | None = None
    """How the column is filled without its rule: used for rows the rule cannot make valid."""
    by_index: Callable[[list[int]], list] | None = None
    """Its values as a pure function of the row index (sequences, UUID keys): children compute
    them instead of reading a key file."""

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def preformatted(self) -> bool:
        """Values copied from a parent's key file are CSV fields already."""
        return self.source in FROM_PARENT


@dataclass
class TablePlan:
    table: Table
    columns: list[ColumnPlan]
    """Columns written to the CSV, in ordinal order (generated columns left out)."""
    fill_order: list[ColumnPlan]
    """Columns to compute after the FK columns, inputs before the columns that read them."""
    fks: list[ForeignKey]
    checks: list[tuple[str, Any]]
    """(name, CheckExpr) of the CHECKs to enforce."""
    check_mode: str
    unsupported: list[tuple[str, str]]
    table_key: int
    base_date: dt.date
    fanouts: dict[tuple[str, ...], Fanout] = field(default_factory=dict)
    """How FKs (by their columns) spread children over parents, where not a plain pick."""


def column_info(
    table: Table,
    col: Column,
    *,
    locale: str,
    seed: int = 0,
    table_seed: int = 0,
    hints: dict | None = None,
    tree_unique: bool = False,
) -> ColumnInfo:
    """``tree_unique``: a key column shared by a partition tree (distinct on its own)."""
    return ColumnInfo(
        schema=table.schema,
        table=table.name,
        name=col.name,
        kind=col.kind,
        data_type=col.data_type,
        max_length=col.max_length,
        precision=col.precision,
        scale=col.scale,
        nullable=col.nullable,
        unique=tree_unique or (col.name,) in table.unique_sets,
        key=tree_unique or any(col.name in cols for cols in table.unique_sets),
        enum_labels=col.enum_labels,
        element_kind=col.element_kind,
        seed=seed,
        locale=locale,
        hints=hints or {},
        table_seed=table_seed,
    )


def default_locale(plan: Plan) -> str:
    """The plan's locale; a plan that uses ``semantic.br.*`` without one gets pt_BR defaults."""
    if plan.locale:
        return plan.locale
    if any(r.generator.id.startswith("semantic.br.") for r in plan.column_rules):
        return "pt_BR"
    return "en_US"


def build(
    schema: Schema,
    plan: Plan,
    graph: Graph,
    key: tuple[str, str],
    base_date: dt.date,
    only: set[str] | None = None,
) -> TablePlan:
    """How every column of ``key`` is filled (``only``: just these columns, e.g. the parent
    keys a child computes)."""
    table = schema.tables[key]
    table_key = seeds.table_seed(plan.seed, *key)
    rules = {r.column: r for r in plan.column_rules if (r.schema, r.table) == key}
    mode = next(
        (p.mode for p in plan.constraint_policies if (p.schema, p.table) == key and p.constraint == "check"),
        "enforce",
    )
    parsed, unsupported = _parse_checks(table) if mode != "ignore" else ([], [])
    kinds = {c.name: c.kind for c in table.columns}
    hints = checkmod.column_hints([c for _, c in parsed], kinds, today=base_date) if parsed else {}
    fks = [fk for fk in active_fks(schema, table, graph.fk_disabled)]
    fk_of = {c: fk for fk in fks for c in fk.columns}
    locale = default_locale(plan)
    use_stats = plan.options.use_stats
    tree = tree_offset(schema, graph.rows, key)
    keyed = shared_key_columns(schema, table) if tree is not None else set()
    plans: dict[str, ColumnPlan] = {}
    for col in table.columns:
        if col.generated or (only is not None and col.name not in only):
            continue
        rule = rules.get(col.name)
        col_locale = (rule.generator.locale if rule else None) or locale
        col_hints = _hints(col, hints.get(col.name, {}), base_date)
        seed_key = table_key
        if tree is not None and col.name in keyed:  # one key space for the partition tree
            seed_key = seeds.table_seed(plan.seed, *tree[0])
        info = column_info(
            table,
            col,
            locale=col_locale,
            seed=seeds.column_seed(seed_key, col.name),
            tree_unique=col.name in keyed,
            table_seed=table_key,
            hints=col_hints,
        )
        # the block RNG stays the table's own: only index-keyed values share the tree's space
        cp = ColumnPlan(
            column=col, info=info, source=Source.DEFAULT, key=seeds.column_seed(table_key, col.name)
        )
        fk = fk_of.get(col.name)
        if rule is not None and rule.generator.id == "derive.parent_value":
            _parent_value(cp, rule, fk_of, table)
        elif fk is not None and (rule is None or rule.generator.id == "derive.fk"):
            cp.source, cp.fk = (Source.CYCLE_NULL if graph.is_broken(key, fk) else Source.FK), fk
            cp.generator_id = rule.generator.id if rule else None
        elif rule is not None and rule.generator.id == "derive.fk":
            raise ParamError(
                f"derive.fk needs a FK column; {col.name!r} is in no FK of {table.qualified}",
                path=rule.generator.path,
            )
        elif rule is not None:
            _from_rule(cp, rule)
            cp.fallback = _unruled(
                ColumnPlan(column=col, info=info, source=Source.DEFAULT, key=info.seed), use_stats
            )
        else:
            _unruled(cp, use_stats)
        if rule is not None:
            cp.transforms = [(t.id, _transform(info, t.id, t.params, t.path)) for t in rule.transforms]
        bound = table.hash_bound
        if (
            bound is not None
            and bound.columns == (col.name,)
            and col.kind in INTEGERS
            and getattr(cp.fn, "by_index", None) is not None
        ):  # a sequence or unique integer key of a hash partition: accepted keys only
            cp.fn = hash_window_keys(bound)
        if tree is not None and tree[1] and col.name in keyed and cp.fn is not None:
            cp.fn = shifted(cp.fn, tree[1])
        plans[col.name] = cp
    if mode != "ignore":
        _apply_orderings(plans, [c for _, c in parsed])
        for cp in plans.values():
            if cp.fallback is not None:
                _apply_orderings({**plans, cp.name: cp.fallback}, [c for _, c in parsed])
    _apply_null_rates(plans, table, use_stats)
    checked = {c for _, expr in parsed for c in expr.columns}
    for cp in plans.values():
        cp.fmt = formatter(cp.column.kind, cp.column.scale)
        fn = getattr(cp.fn, "by_index", None)
        if (
            fn is not None
            and cp.source in (Source.RULE, Source.DEFAULT, Source.SEQUENCE)
            and not cp.transforms
            and not cp.null_rate
            and cp.coerce is None
            and cp.name not in checked
        ):
            cp.by_index = fn
        if cp.fallback is not None:
            cp.fallback.fmt = cp.fmt
    columns = list(plans.values())
    return TablePlan(
        table=table,
        columns=columns,
        fill_order=fill_order(columns),
        fks=fks,
        checks=parsed,
        check_mode=mode,
        unsupported=unsupported,
        table_key=table_key,
        base_date=base_date,
        fanouts=_fanouts(plan, graph, table, fks),
    )


def _fanouts(plan: Plan, graph: Graph, table: Table, fks: list[ForeignKey]) -> dict:
    out = {}
    for fk in fks:
        if fk.ref == table.key or fk.ref not in graph.rows or table.key not in graph.rows:
            continue
        option = plan.options.fk_distribution
        stats_ok = plan.options.use_stats
        spread = distributions.fanout(
            option, table if stats_ok else None, fk, graph.rows[table.key], graph.rows[fk.ref]
        )
        if spread is not None:
            out[tuple(fk.columns)] = spread
    return out


def _parse_checks(table: Table) -> tuple[list, list]:
    parsed, unsupported = [], []
    for check in table.checks:
        try:
            parsed.append((check.name or check.expression, checkmod.parse_check(check.expression)))
        except checkmod.UnsupportedCheck as exc:
            name = check.name or check.expression
            unsupported.append(
                (
                    name,
                    f"CHECK {name} cannot be evaluated ({exc}): rows are not checked against it "
                    "and the database may reject them; give its columns rules that satisfy it, "
                    'or set a "check" constraint policy for the table',
                )
            )
    return parsed, unsupported


def _hints(col: Column, hints: dict, base_date: dt.date) -> dict:
    """CHECK hints with ``today`` resolved, plus the range numeric(p,s) can hold."""
    out = {
        k: (base_date if v == "today" else float(v) if isinstance(v, decimal.Decimal) else v)
        for k, v in hints.items()
    }
    for bound in ("min", "max"):  # generators make naive timestamps, read as UTC
        v = out.get(bound)
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            out[bound] = v.astimezone(dt.UTC).replace(tzinfo=None)
    for bound in ("min", "max"):
        value = out.get(bound)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:  # generators work in UTC
            out[bound] = value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if isinstance(value, dt.datetime) and out.get(f"{bound}_exclusive"):
            out[bound] = value + (dt.timedelta(seconds=1) if bound == "min" else -dt.timedelta(seconds=1))
        day = out.get(bound)
        if col.kind in TIMESTAMPS and isinstance(day, dt.date) and not isinstance(day, dt.datetime):
            out[bound] = dt.datetime.combine(day, dt.time(12))
    if col.kind == Kind.NUMERIC and col.precision is not None:
        scale = col.scale or 0
        limit = 10 ** (col.precision - scale) - 10**-scale
        out["max"] = min(out.get("max", limit), limit)
        out["min"] = max(out.get("min", -limit), -limit)
        if out.pop("min_exclusive", False):
            out["min"] = out["min"] + 10**-scale
        if out.pop("max_exclusive", False):
            out["max"] = out["max"] - 10**-scale
    out["today"] = base_date
    return out


def _unruled(cp: ColumnPlan, use_stats: bool = False) -> ColumnPlan:
    """A sequence for identity/serial columns, else the default for the column's type and name."""
    if cp.column.is_sequence:
        _from_generator(cp, "primitive.sequence", {}, Source.SEQUENCE)
        return cp
    found = distributions.stats_generator(cp.column) if use_stats and not cp.info.unique else None
    if found is not None:
        try:
            _from_generator(cp, *found, Source.DEFAULT)
            return cp
        except ParamError:
            pass  # values that do not fit the type: the default generator instead
    _from_default(cp, cp.column)
    return cp


def _from_rule(cp: ColumnPlan, rule: ColumnRule) -> None:
    ref = rule.generator
    spec = GENERATORS.get(ref.id)
    if spec is None:
        raise ParamError(f"unknown generator ID {ref.id!r}", path=ref.path)
    params = base.check_params(spec.params, ref.params, strict=spec.strict, path=ref.params_path)
    cp.source, cp.generator_id, cp.tags, cp.params = Source.RULE, ref.id, spec.tags, params
    cp.fn = _factory(spec, cp.info, params, ref.params_path)
    col = cp.column
    if not spec.kinds or col.kind not in spec.kinds or col.kind == Kind.ENUM or col.max_length is not None:
        cp.coerce = coercer(col.kind, col.enum_labels, col.max_length)
    if spec.derive:
        cols = params.get("input_columns") or []
        cp.inputs = tuple(cols)


def _from_generator(cp: ColumnPlan, gen_id: str, params: dict, source: Source) -> None:
    spec = GENERATORS[gen_id]
    checked = base.check_params(spec.params, params, strict=spec.strict, path="")
    cp.source, cp.generator_id, cp.tags, cp.params = source, gen_id, spec.tags, checked
    cp.fn = _factory(spec, cp.info, checked, "")
    if spec.derive:
        cp.inputs = tuple(checked.get("input_columns") or [])


def _from_default(cp: ColumnPlan, col: Column) -> None:
    from datalchemy_mp.generators.defaults import default_generator

    gen_id, params = default_generator(cp.info, col.default, bool(col.identity))
    _from_generator(cp, gen_id, params, Source.DEFAULT)


def _factory(spec: base.GeneratorSpec, info: ColumnInfo, params: dict, path: str) -> BatchFn:
    try:
        return spec.factory(info, params)
    except ParamError as exc:
        raise ParamError(exc.message, path=exc.path or path) from None


def _transform(info: ColumnInfo, tid: str, params: dict, path: str) -> Any:
    spec = TRANSFORMS.get(tid)
    if spec is None:
        raise ParamError(f"unknown transform ID {tid!r}", path=f"{path}/transform")
    checked = base.check_params(spec.params, params, strict=spec.strict, path=f"{path}/params")
    try:
        return spec.factory(info, checked)
    except ParamError as exc:
        raise ParamError(exc.message, path=exc.path or f"{path}/params") from None


def _parent_value(cp: ColumnPlan, rule: ColumnRule, fk_of: dict, table: Table) -> None:
    params = rule.generator.params
    local = (params.get("input_columns") or [None])[0]
    fk = fk_of.get(local)
    if fk is None:
        raise ParamError(
            f"{local!r} is not a FK column of {table.qualified}",
            path=f"{rule.generator.params_path}/input_columns/0",
        )
    cp.source, cp.generator_id, cp.fk = Source.PARENT_VALUE, rule.generator.id, fk
    cp.parent_column = params.get("parent_column")
    cp.inputs = (local,)


_AFTER_STEP = {
    Kind.DATE: dt.timedelta(days=30),
    Kind.TIMESTAMP: dt.timedelta(days=30),
    Kind.TIMESTAMPTZ: dt.timedelta(days=30),
    Kind.TIME: dt.timedelta(hours=2),
}


def _apply_orderings(plans: dict[str, ColumnPlan], parsed: list) -> None:
    """``a >= b`` between two columns: compute the unruled one from the other, by construction."""
    for o in checkmod.orderings(parsed):
        if o.op in ("<=", "<"):
            o = o.flipped()
        left, right = o.left, o.right
        later, earlier = plans.get(left), plans.get(right)
        if later is None or earlier is None or later.source != Source.DEFAULT:
            continue
        if earlier.source == Source.AFTER and earlier.inputs == (later.name,):
            continue
        later.source, later.generator_id = Source.AFTER, "engine.after"
        later.fn = _after_fn(later.info, o)
        later.inputs = (right,)


def _after_fn(info: ColumnInfo, o: checkmod.Ordering) -> BatchFn:
    """Values at or after `o.right` (plus `o.offset`), within a month (2 hours for times)."""
    kind, source, shifted = info.kind, o.right, o.shifted
    strict = o.op == ">"

    if kind in _AFTER_STEP:
        span = _AFTER_STEP[kind]
        seconds = int(span.total_seconds())
        unit = dt.timedelta(days=1) if kind == Kind.DATE else dt.timedelta(seconds=1)

        def after_temporal(b: Batch) -> list:
            rnd = b.rng.random
            out = []
            for v in map(shifted, b.row[source]):
                if kind == Kind.TIME and isinstance(v, dt.time):  # later the same day, never past midnight
                    day = dt.date(2000, 1, 1)
                    full = dt.datetime.combine(day, v) + dt.timedelta(seconds=int(rnd() * seconds) + strict)
                    out.append(full.time() if full.date() == day else dt.time(23, 59, 59))
                    continue
                if v is None or kind == Kind.TIME or not isinstance(v, dt.date):
                    out.append(v)
                    continue
                if kind == Kind.DATE:
                    if isinstance(v, dt.datetime):  # the first date at or after it
                        v = v.date() + dt.timedelta(days=v.time() != dt.time())
                    step = dt.timedelta(days=int(rnd() * span.days) + strict)
                else:
                    if not isinstance(v, dt.datetime):
                        v = dt.datetime.combine(v, dt.time())
                    step = dt.timedelta(seconds=int(rnd() * seconds)) + (unit if strict else dt.timedelta())
                out.append(v + step)
            return out

        return after_temporal

    def after_number(b: Batch) -> list:
        rnd = b.rng.random
        hi = info.hints.get("max")
        out = []
        for v in map(shifted, b.row[source]):
            if v is None or isinstance(v, str):
                out.append(v)
                continue
            room = (hi - v) if hi is not None else max(abs(v), 10)
            step = rnd() * max(room, 0)
            if kind in INTEGERS:
                step = int(step) + strict
            elif strict:
                step = step or 10 ** -(info.scale or 2)
            out.append(v + step)
        return out

    return after_number


def _apply_null_rates(plans: dict[str, ColumnPlan], table: Table, use_stats: bool) -> None:
    keyed = {c for cols in table.unique_sets for c in cols}
    for cp in plans.values():
        col = cp.column
        if col.nullable and cp.source in (Source.DEFAULT, Source.AFTER) and col.name not in keyed:
            real = distributions.null_rate(col) if use_stats else None
            cp.null_rate = DEFAULT_NULL_RATE if real is None else real


def key_functions(tp: TablePlan, names: tuple[str, ...]) -> list[Callable[[list[int]], list]] | None:
    """Formatted values of columns ``names`` for given row indexes, if all are index functions."""
    plans = {cp.name: cp for cp in tp.columns}
    if not all(n in plans and plans[n].by_index is not None for n in names):
        return None
    return [_formatted(plans[n]) for n in names]


def _formatted(cp: ColumnPlan) -> Callable[[list[int]], list]:
    """The CSV fields of a column that is a function of the row index."""
    fmt, by_index = cp.fmt, cp.by_index
    assert by_index is not None
    return lambda idx: fmt(by_index(idx))


def fill_order(columns: list[ColumnPlan]) -> list[ColumnPlan]:
    """Generated columns after the columns they read (ordinal order otherwise)."""
    pending = [c for c in columns if c.source not in (Source.FK, Source.CYCLE_NULL, Source.PARENT_VALUE)]
    done = {c.name for c in columns if c.source in (Source.FK, Source.CYCLE_NULL, Source.PARENT_VALUE)}
    order: list[ColumnPlan] = []
    while pending:
        progressed = False
        for cp in list(pending):
            if all(i in done or i not in {c.name for c in pending} for i in cp.inputs):
                order.append(cp)
                done.add(cp.name)
                pending.remove(cp)
                progressed = True
        if not progressed:
            names = ", ".join(c.name for c in pending)
            raise GenerationError(f"columns read each other in a cycle: {names}")
    return order
