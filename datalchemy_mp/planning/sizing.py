"""Rows of every table: targets as asked (if their keys can hold them), auto parents sized.

An auto parent (a table generated only because others reference it) gets
``ceil(rows of its largest child / FAN_OUT)`` rows, at least 1; more when a child's key needs
them (a one-to-one FK needs a parent row per child row; a UNIQUE over two FKs needs enough
parent pairs); never more than its own keys can hold. A warning states the size and how to
choose another. A target asking for more rows than its keys can hold is an error naming the
table, the key's columns and the capacity, found before any worker starts.
"""

from __future__ import annotations

import datetime as dt
import math

from datalchemy_mp.contracts.plan import Plan
from datalchemy_mp.contracts.schema import Schema
from datalchemy_mp.errors import Issue, ValidationFailed
from datalchemy_mp.planning import columns
from datalchemy_mp.planning.capacity import Space, spaces
from datalchemy_mp.planning.columns import TablePlan
from datalchemy_mp.planning.graph import Graph, Key, qualified
from datalchemy_mp.planning.partitions import tree_offset

FAN_OUT = 10
"""Child rows per auto parent row: an auto parent gets ceil(child rows / FAN_OUT) rows."""
_ROUNDS = 64


def sized_plans(schema: Schema, plan: Plan, graph: Graph, base: dt.date) -> dict[Key, TablePlan]:
    """Every table's TablePlan (every generator built once, so bad params fail early), with
    the auto parents sized; raises ValidationFailed when a target is beyond its capacity."""
    plans = {key: columns.build(schema, plan, graph, key, base) for key in graph.order}
    apply(schema, plan, graph, plans, base)
    return plans


def apply(schema: Schema, plan: Plan, graph: Graph, plans: dict[Key, TablePlan], base: dt.date) -> None:
    """Size the auto parents of ``graph`` from ``plans`` (rebuilt where rows move a partition's
    first row); raises ValidationFailed when a target is beyond its capacity."""
    errors = size(plan, graph, plans)
    if errors:
        raise ValidationFailed(errors)
    for key in graph.order:  # a partition's first row in its tree depends on the rows
        if tree_offset(schema, graph.rows, key) is not None:
            plans[key] = columns.build(schema, plan, graph, key, base)


def size(plan: Plan, graph: Graph, plans: dict[Key, TablePlan]) -> list[Issue]:
    """Set ``graph.rows`` of the auto parents; return the errors (targets beyond capacity) and
    add the auto-parent warnings to ``graph.warnings``."""
    bounds = {k: spaces(plans[k]) for k in graph.order}
    rows = graph.rows
    children = {k: [c for c in graph.order if k in graph.parents[c]] for k in graph.order}
    auto = [k for k in reversed(graph.order) if k in graph.auto]  # children before parents
    fanned = {k: 1 for k in auto}
    for k in auto:
        rows[k] = 1
    for _ in range(_ROUNDS):
        before = dict(rows)
        for k in auto:
            fanned[k] = max([1] + [math.ceil(rows[c] / FAN_OUT) for c in children[k]])
            rows[k] = max(rows[k], fanned[k])
        for c in graph.order:
            for space in bounds[c]:
                _grow_parents(space, rows[c], rows, graph.auto, bounds)
        for k in auto:
            rows[k] = min(rows[k], most_rows(bounds[k], rows))
        if rows == before:
            break
    for k in sorted(auto):
        graph.warnings.append(_auto_warning(k, rows, fanned[k], bounds[k], children[k]))
    return _errors(plan, graph, bounds)


def most_rows(bounds: list[Space], rows: dict[Key, int]) -> int:
    """The most rows a table's keys can hold with its parents' current rows."""
    caps = [c for s in bounds if (c := s.capacity(rows)) is not None]
    return max(min(caps), 0) if caps else math.inf  # type: ignore[return-value]


def _grow_parents(space: Space, need: int, rows: dict[Key, int], auto: set[Key], bounds: dict) -> None:
    """Raise the auto parents of ``space`` until it holds ``need`` rows (each within its own
    capacity), as evenly as they allow."""
    growable = [p for p in dict.fromkeys(space.parents) if p in auto]
    if space.fixed is None or not growable or (space.capacity(rows) or 0) >= need:
        return
    fixed = space.fixed * math.prod(rows[p] for p in space.parents if p not in auto)
    if fixed == 0:
        return
    # Each appearance of a parent is one factor (a table twice in one key counts squared).
    power = {p: space.parents.count(p) for p in growable}
    want = math.ceil(need / fixed)
    even = _root(want, sum(power.values()))
    for p in growable:
        rows[p] = max(rows[p], min(even, most_rows(bounds[p], rows)))
    for p in growable:  # one may be capped: the others make up for it
        have = math.prod(rows[q] ** power[q] for q in growable)
        if have >= want:
            return
        others = have // rows[p] ** power[p]
        target = _root(math.ceil(want / others), power[p])
        rows[p] = max(rows[p], min(target, most_rows(bounds[p], rows)))


def _root(n: int, k: int) -> int:
    """The least r with r**k >= n."""
    r = max(1, round(n ** (1 / k)))
    while r**k < n:
        r += 1
    while r > 1 and (r - 1) ** k >= n:
        r -= 1
    return r


def _auto_warning(
    k: Key, rows: dict[Key, int], fanned: int, bounds: list[Space], children: list[Key]
) -> Issue:
    biggest = max(children, key=lambda c: rows[c], default=None)
    if biggest is None:
        how = "no table references it"
    else:
        how = f"ceil({rows[biggest]} rows of {qualified(biggest)} / {FAN_OUT})"
        if rows[k] > fanned:
            how += ", raised so that every child row can have its own parent key"
        if rows[k] < fanned or any(s.capacity(rows) == rows[k] for s in bounds):
            capped = next((s for s in bounds if s.capacity(rows) == rows[k]), None)
            if capped is not None:
                how += f"; capped at {rows[k]}, what {capped.label} can hold ({capped.why})"
    return Issue(
        "warning",
        "auto_parent",
        "",
        f"{qualified(k)} is not a target; generated with {rows[k]} rows ({how}); "
        f'to choose its size, add it to "targets" with "rows"',
    )


def _errors(plan: Plan, graph: Graph, bounds: dict[Key, list[Space]]) -> list[Issue]:
    paths = {(t.schema, t.table): t.path for t in plan.targets}
    errors = []
    for k in graph.order:
        for space in bounds[k]:
            cap = space.capacity(graph.rows)
            if cap is None or graph.rows[k] <= cap:
                continue
            asked = "requested" if k in paths else "needed by the tables that reference it"
            errors.append(
                Issue(
                    "error",
                    "rows_above_capacity",
                    f"{paths[k]}/rows" if k in paths else "/targets",
                    f"{qualified(k)}: {graph.rows[k]} rows {asked}, but {space.label} can hold only "
                    f"{cap} distinct values ({space.why}); ask for at most {cap} rows"
                    + (", or more rows of the parent tables" if space.parents else ""),
                )
            )
            break
    return sorted(errors, key=lambda i: [int(p) if p.isdigit() else p for p in i.path.split("/")])
