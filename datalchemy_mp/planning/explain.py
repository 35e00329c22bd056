"""How a plan will fill every table and column, said before any row is made (`explain`, `init`).

Built from the same column plans the workers use (planning/columns.py), so what it says is what
a run does: a rule, a default chosen by type and name, a FK, a sequence; the CHECKs generated
inside (constructed) or verified row by row; how UNIQUE sets stay distinct; auto-parent sizes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from typing import Any

from datalchemy_mp import checks as checkmod
from datalchemy_mp.contracts.plan import Options, Plan, Target
from datalchemy_mp.contracts.schema import Schema
from datalchemy_mp.contracts.validate import TABLE_KINDS
from datalchemy_mp.errors import Issue
from datalchemy_mp.generators.base import capacity_of
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning.capacity import spaces
from datalchemy_mp.planning.columns import ColumnPlan, Source, TablePlan
from datalchemy_mp.planning.columns import build as build_table
from datalchemy_mp.planning.sizing import most_rows
from datalchemy_mp.planning.uniques import distinct_groups, fk_pairs, needs_whole_table, one_to_one


@dataclass
class ColumnHow:
    name: str
    kind: str
    source: Source
    generator: str | None
    params: dict
    how: str
    """One line: what fills the column, in words."""
    null_rate: float = 0.0
    transforms: list[str] = field(default_factory=list)


@dataclass
class TableHow:
    qualified: str
    rows: int
    requested: int | None
    """None for an auto parent (not a target)."""
    columns: list[ColumnHow]
    checks: list[tuple[str, str]]
    """(CHECK, how it is met)."""
    uniques: list[tuple[tuple[str, ...], str]]
    one_chunk: bool


def explain(schema: Schema, plan: Plan, base_date: dt.date) -> tuple[list[TableHow], list[Issue]]:
    """Every table of the run, in generation order (the plan is assumed validated), and the
    warnings of the FK graph (auto parents, broken cycles, capped rows)."""
    from datalchemy_mp.planning.sizing import sized_plans

    graph = graphmod.build(schema, plan)
    plans = sized_plans(schema, plan, graph, base_date)
    out = []
    for key in graph.order:
        tp = plans[key]
        out.append(
            TableHow(
                qualified=graphmod.qualified(key),
                rows=graph.rows[key],
                requested=None if key in graph.auto else graph.requested.get(key),
                columns=[_column(tp, cp) for cp in tp.columns],
                checks=_checks(tp),
                uniques=_uniques(tp, graph.rows[key], graph.rows),
                one_chunk=needs_whole_table(tp),
            )
        )
    return out, graph.warnings


def starter_plan(schema: Schema, *, rows: int, seed: int, base_date: dt.date, locale: str = "en_US") -> dict:
    """plan.json with every table a target and every column's chosen generator written out
    as a rule (sequences, FKs and CHECK orderings are left to the engine); a table whose unique
    keys cannot hold ``rows`` gets as many rows as they can."""
    keys = [k for k, t in schema.tables.items() if t.kind in TABLE_KINDS]
    plan = Plan(
        seed=seed,
        schema_version="0.2",
        engine=schema.engine,
        schema_fingerprint=None,
        targets=[Target(s, t, rows, "") for s, t in keys],
        column_rules=[],
        constraint_policies=[],
        fk_strategies=[],
        locale=locale,
        options=Options(base_date=base_date),
        rules_unsupported=[],
        plan_version="0.2",
        file="<init>",
    )
    graph = graphmod.build(schema, plan)
    tps = {}
    for key in graph.order:  # parents first: a child's key space counts its parents' rows
        tp = build_table(schema, plan, graph, key, base_date)
        fit = min(graph.rows[key], most_rows(spaces(tp), graph.rows))
        if fit < graph.rows[key]:
            graph.rows[key] = fit
            tp = build_table(schema, plan, graph, key, base_date)
        tps[key] = tp
    rules = []
    for key in keys:
        tp = tps[key]
        for cp in tp.columns:
            if cp.source not in (Source.RULE, Source.DEFAULT) or cp.generator_id is None:
                continue
            generator: dict[str, Any] = {"id": cp.generator_id}
            params = {k: to_json_value(v) for k, v in cp.params.items() if v is not None}
            if params:
                generator["params"] = params
            rule: dict[str, Any] = {
                "type": "column_generator",
                "schema": key[0],
                "table": key[1],
                "column": cp.name,
                "generator": generator,
            }
            if cp.null_rate:
                rule["transforms"] = [{"transform": "transform.null_rate", "params": {"rate": cp.null_rate}}]
            rules.append(rule)
    doc: dict[str, Any] = {
        "plan_version": "0.2",
        "seed": seed,
        "schema_ref": {"schema_version": "0.2", "engine": schema.engine},
    }
    doc["global"] = {"locale": locale}
    doc["options"] = {"base_date": base_date.isoformat()}
    doc["targets"] = [{"schema": s, "table": t, "rows": graph.rows[(s, t)]} for s, t in keys]
    doc["rules"] = rules
    return doc


def render(tables: list[TableHow]) -> str:
    """The explanation as text: one block per table, one line per column."""
    lines = []
    for t in tables:
        size = f"{t.rows} rows" if t.requested is not None else f"{t.rows} rows (auto parent: not a target)"
        chunk = "; one chunk (uniqueness checked from memory)" if t.one_chunk else ""
        lines.append(f"{t.qualified}: {size}{chunk}")
        width = max((len(c.name) for c in t.columns), default=0)
        for c in t.columns:
            extra = ""
            if c.null_rate:
                extra += f", {c.null_rate:.0%} NULL"
            if c.transforms:
                extra += ", then " + " > ".join(c.transforms)
            lines.append(f"  {c.name:<{width}}  {c.kind:<11} {c.how}{extra}")
        for text, how in t.checks:
            lines.append(f"  CHECK {text}: {how}")
        for cols, how in t.uniques:
            lines.append(f"  UNIQUE ({', '.join(cols)}): {how}")
        lines.append("")
    return "\n".join(lines)


def to_json(tables: list[TableHow]) -> list[dict]:
    return [
        {
            "table": t.qualified,
            "rows": t.rows,
            "auto_parent": t.requested is None,
            "one_chunk": t.one_chunk,
            "columns": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "source": c.source,
                    "generator": c.generator,
                    "params": {k: to_json_value(v) for k, v in c.params.items()},
                    "null_rate": c.null_rate,
                    "transforms": c.transforms,
                    "how": c.how,
                }
                for c in t.columns
            ],
            "checks": [{"check": text, "how": how} for text, how in t.checks],
            "uniques": [{"columns": list(cols), "how": how} for cols, how in t.uniques],
        }
        for t in tables
    ]


# --- pieces --------------------------------------------------------------------------------------


def _column(tp: TablePlan, cp: ColumnPlan) -> ColumnHow:
    params = {k: v for k, v in cp.params.items() if v is not None}
    shown = f"{cp.generator_id} {_params_text(params)}".rstrip() if cp.generator_id else ""
    if cp.source == Source.RULE:
        how = f"rule: {shown}"
        if cp.coerce is not None:
            how += " (values fitted to the column type)"
    elif cp.source == Source.DEFAULT:
        how = f"default by type and name: {shown}"
    elif cp.source == Source.SEQUENCE:
        how = "sequence 1, 2, 3, ..."
    elif cp.source in (Source.FK, Source.PARENT_VALUE) and cp.fk is not None:
        fk = cp.fk
        if cp.source == Source.PARENT_VALUE:
            how = f"parent value: {fk.ref_schema}.{fk.ref_table}.{cp.parent_column} of the row its FK picks"
        else:
            ref_col = fk.ref_columns[fk.columns.index(cp.name)]
            how = f"FK -> {fk.ref_schema}.{fk.ref_table}.{ref_col}"
            if fk.ref == tp.table.key:
                how += " (an earlier row of the same table)"
            elif one_to_one(tp.table, fk):
                how += " (one-to-one: each parent row at most once)"
            elif any(fk in (a, b) for a, b, _ in fk_pairs(tp.table, tp.fks)):
                how += " (parent pairs enumerated: the UNIQUE over both FKs holds)"
            else:
                how += " (a parent row drawn per row)"
    elif cp.source == Source.AFTER:
        how = f"after {', '.join(cp.inputs)} (a CHECK ordering: made from that column)"
    elif cp.source == Source.CYCLE_NULL:
        how = "NULL (this FK is left NULL to break a cycle between tables)"
    else:
        how = str(cp.source)
    return ColumnHow(
        name=cp.name,
        kind=str(cp.column.kind),
        source=cp.source,
        generator=cp.generator_id,
        params=params,
        how=how,
        null_rate=cp.null_rate,
        transforms=[tid for tid, _ in cp.transforms],
    )


def _checks(tp: TablePlan) -> list[tuple[str, str]]:
    text_of = {(c.name or c.expression): c.expression for c in tp.table.checks}
    kinds = {c.name: c.kind for c in tp.table.columns}
    out = []
    for name, expr in tp.checks:
        hinted = sorted(checkmod.column_hints([expr], kinds))
        ordered = checkmod.orderings([expr])
        if tp.check_mode == "warn":
            how = "checked per row; a violation is only a warning (constraint_policy warn)"
        elif hinted or ordered:
            cols = hinted + [f"{o.left} {o.op} {o.right}" for o in ordered]
            how = f"constructed ({', '.join(cols)}), then checked per row"
        else:
            how = "checked per row (a failing row is made again, up to 50 times)"
        out.append((_label(name, text_of.get(name, name)), how))
    for name, message in tp.unsupported:
        out.append((_label(name, text_of.get(name, name)), f"NOT ENFORCED: {message} (check_unsupported)"))
    if tp.check_mode == "ignore":
        out += [(_label(c.name, c.expression), "ignored (constraint_policy ignore)") for c in tp.table.checks]
    return out


def _uniques(tp: TablePlan, rows: int, parent_rows: dict) -> list[tuple[tuple[str, ...], str]]:
    groups = distinct_groups(tp)
    out = []
    for cols in tp.table.unique_sets:
        made = [g for g in groups if g <= set(cols)]
        if made:
            how = f"distinct by construction ({', '.join(sorted(made[0]))})"
            room = _capacity(tp, made[0], parent_rows)
            if room is not None:
                shown = f"{room:,}" if room < 10**12 else f"about {room:.1e}"
                how += f"; capacity {shown} values for {rows:,} rows"
        else:
            how = "checked against the earlier rows, in memory"
        out.append((tuple(cols), how))
    return out


def _capacity(tp: TablePlan, group: set[str], parent_rows: dict) -> int | None:
    """How many distinct values the construction behind ``group`` can make, when known: the
    generator's stated capacity, a one-to-one FK's parent rows, a FK pair's product."""
    if len(group) == 1:
        (name,) = group
        cp = next(c for c in tp.columns if c.name == name)
        if cp.fk is None:
            return capacity_of(cp.fn)[0]
    fks = [fk for fk in tp.fks if set(fk.columns) <= group]
    if not fks or any(fk.ref not in parent_rows for fk in fks):
        return None
    return math.prod(parent_rows[fk.ref] for fk in fks)


def _label(name: str | None, expression: str) -> str:
    return f"{name}: {expression}" if name and name != expression else expression


def _params_text(params: dict) -> str:
    if not params:
        return ""
    return "{" + ", ".join(f"{k}={to_json_value(v)!r}" for k, v in params.items()) + "}"


def to_json_value(v: Any) -> Any:
    """Params as JSON values: dates as ISO text, decimals as numbers."""
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, tuple | list):
        return [to_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json_value(x) for k, x in v.items()}
    return v
