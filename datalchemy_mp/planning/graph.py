"""The FK dependency DAG: which tables to generate, how many rows, in which order.

Targets come from the plan; FK parents missing from the targets are added (``auto``). A
self-reference is filled from earlier rows of the same table. A cycle between tables is
broken by leaving one nullable FK of the cycle NULL; a cycle with no nullable FK is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datalchemy_mp.contracts.plan import Plan
from datalchemy_mp.contracts.schema import ForeignKey, Schema, Table
from datalchemy_mp.errors import DependencyCycleError, Issue
from datalchemy_mp.planning.toposort import toposort

Key = tuple[str, str]


def qualified(key: Key) -> str:
    return f"{key[0]}.{key[1]}"


@dataclass
class Graph:
    """Tables in generation order with their row counts and dependencies."""

    order: list[Key]
    rows: dict[Key, int]
    requested: dict[Key, int]
    auto: set[Key]
    parents: dict[Key, list[Key]]
    """Tables whose rows a table's FKs point at (self excluded), i.e. its dependencies."""
    broken: set[tuple[Key, str | None, tuple[str, ...]]] = field(default_factory=set)
    """FKs left NULL to break a cycle: (table, constraint name, columns)."""
    fk_disabled: set[Key] = field(default_factory=set)
    warnings: list[Issue] = field(default_factory=list)

    def is_broken(self, table: Key, fk: ForeignKey) -> bool:
        return (table, fk.name, fk.columns) in self.broken

    def to_json(self) -> dict:
        """Plain data for a worker; keys stay [schema, table] pairs (names may hold dots)."""
        return {
            "order": [list(k) for k in self.order],
            "rows": [[*k, v] for k, v in self.rows.items()],
            "requested": [[*k, v] for k, v in self.requested.items()],
            "auto": sorted(list(k) for k in self.auto),
            "parents": [[*k, [list(p) for p in v]] for k, v in self.parents.items()],
            "broken": sorted([list(t), n, list(c)] for t, n, c in self.broken),
            "fk_disabled": sorted(list(k) for k in self.fk_disabled),
        }

    @classmethod
    def from_json(cls, data: dict) -> Graph:
        return cls(
            order=[(s, t) for s, t in data["order"]],
            rows={(s, t): v for s, t, v in data["rows"]},
            requested={(s, t): v for s, t, v in data["requested"]},
            auto={(s, t) for s, t in data["auto"]},
            parents={(s, t): [(ps, pt) for ps, pt in v] for s, t, v in data["parents"]},
            broken={((s, t), n, tuple(c)) for (s, t), n, c in data["broken"]},
            fk_disabled={(s, t) for s, t in data["fk_disabled"]},
        )


def active_fks(schema: Schema, table: Table, graph_fk_disabled: set[Key]) -> list[ForeignKey]:
    """The FKs of ``table`` the engine fills from parent rows (all, unless FKs are disabled)."""
    if table.key in graph_fk_disabled:
        return []
    return [fk for fk in table.foreign_keys if schema.table(*fk.ref) is not None]


def build(schema: Schema, plan: Plan) -> Graph:
    """Select tables, count rows, break cycles and order the tables parents-first."""
    warnings: list[Issue] = []
    fk_disabled = {(s.schema, s.table) for s in plan.fk_strategies if s.mode == "disable"}
    requested: dict[Key, int] = {}
    for t in plan.targets:
        requested[(t.schema, t.table)] = max(requested.get((t.schema, t.table), 0), t.rows)
    selected = _with_ancestors(schema, list(requested), fk_disabled)
    edges = {
        k: [fk for fk in active_fks(schema, schema.tables[k], fk_disabled) if fk.ref != k] for k in selected
    }
    broken = _break_cycles(schema, selected, edges)
    for table, name, cols in sorted(broken, key=str):
        warnings.append(
            Issue(
                "warning",
                "fk_cycle_broken",
                "",
                f"FK {name or cols} of {qualified(table)} is left NULL to break a cycle of FKs",
            )
        )
    parents = {
        k: sorted({fk.ref for fk in edges[k] if (k, fk.name, fk.columns) not in broken}) for k in selected
    }
    order, _ = toposort(selected, parents)  # cycles were broken above
    rows = _row_counts(order, requested, parents)
    auto = set(selected) - set(requested)
    for k in sorted(auto):
        warnings.append(
            Issue(
                "warning",
                "auto_parent",
                "",
                f"{qualified(k)} is not a target; generated with {rows[k]} rows "
                "because other tables reference it",
            )
        )
    graph = Graph(
        order=order,
        rows=rows,
        requested=requested,
        auto=auto,
        parents=parents,
        broken=broken,
        fk_disabled=fk_disabled,
        warnings=warnings,
    )
    _cap_rows(schema, graph)
    return graph


def _with_ancestors(schema: Schema, targets: list[Key], fk_disabled: set[Key]) -> list[Key]:
    seen = list(dict.fromkeys(targets))
    queue = list(seen)
    while queue:
        key = queue.pop(0)
        table = schema.tables.get(key)
        if table is None:
            continue
        for fk in active_fks(schema, table, fk_disabled):
            if fk.ref not in seen:
                seen.append(fk.ref)
                queue.append(fk.ref)
    return [k for k in seen if k in schema.tables]


def _break_cycles(schema: Schema, selected: list[Key], edges: dict[Key, list[ForeignKey]]) -> set:
    """Drop nullable FK edges until the graph has no cycle; raise if a cycle has none."""
    broken: set = set()
    while True:
        cycle = _find_cycle(selected, edges, broken)
        if cycle is None:
            return broken
        candidates = []
        for i, child in enumerate(cycle):
            parent = cycle[(i + 1) % len(cycle)]
            for fk in edges[child]:
                if fk.ref == parent and (child, fk.name, fk.columns) not in broken:
                    table = schema.tables[child]
                    if all((col := table.column(c)) is None or col.nullable for c in fk.columns):
                        candidates.append((child, fk.name, fk.columns))
        if not candidates:
            names = " -> ".join(qualified(k) for k in cycle + [cycle[0]])
            raise DependencyCycleError(f"foreign keys form a cycle with no nullable FK to break it: {names}")
        broken.add(sorted(candidates, key=str)[0])


def _find_cycle(selected: list[Key], edges: dict[Key, list[ForeignKey]], broken: set) -> list[Key] | None:
    state: dict[Key, int] = {}
    stack: list[Key] = []

    def visit(k: Key) -> list[Key] | None:
        state[k] = 1
        stack.append(k)
        for fk in sorted(edges.get(k, []), key=lambda f: (f.ref, f.columns)):
            if (k, fk.name, fk.columns) in broken or fk.ref not in edges:
                continue
            if state.get(fk.ref) == 1:
                return stack[stack.index(fk.ref) :]
            if fk.ref not in state:
                found = visit(fk.ref)
                if found:
                    return found
        stack.pop()
        state[k] = 2
        return None

    for k in sorted(selected):
        if k not in state:
            found = visit(k)
            if found:
                return found
    return None


def _row_counts(order: list[Key], requested: dict[Key, int], parents: dict[Key, list[Key]]) -> dict[Key, int]:
    """Targets keep their rows; an auto parent gets the most rows of any table that needs it."""
    rows = dict(requested)
    for k in reversed(order):
        if k in rows:
            continue
        children = [c for c in order if k in parents[c]]
        rows[k] = max((rows.get(c, 0) for c in children), default=1) or 1
    return rows


def _cap_rows(schema: Schema, graph: Graph) -> None:
    """A one-to-one FK caps a table at its parent's rows; a UNIQUE pair of FKs at the product."""
    for k in graph.order:
        table = schema.tables[k]
        for limit, why in _row_limits(schema, table, graph):
            if graph.rows[k] > limit:
                graph.warnings.append(
                    Issue(
                        "warning",
                        "rows_capped",
                        "",
                        f"{qualified(k)}: {graph.rows[k]} rows requested but {why} allows only "
                        f"{limit}; generating {limit}",
                    )
                )
                graph.rows[k] = limit


def _row_limits(schema: Schema, table: Table, graph: Graph) -> list[tuple[int, str]]:
    fks = [
        fk
        for fk in active_fks(schema, table, graph.fk_disabled)
        if not graph.is_broken(table.key, fk) and fk.ref != table.key
    ]
    out = []
    for cols in table.unique_sets:
        covering = [fk for fk in fks if set(fk.columns) <= set(cols)]
        fk_cols = {c for fk in covering for c in fk.columns}
        if not covering or fk_cols != set(cols):
            continue
        nullable = any(col.nullable for c in cols if (col := table.column(c)) is not None)
        if nullable:
            continue
        limit = 1
        for fk in covering:
            limit *= graph.rows.get(fk.ref, 0)
        names = " x ".join(qualified(fk.ref) for fk in covering)
        out.append((limit, f"UNIQUE ({', '.join(cols)}) over rows of {names}"))
    return out
