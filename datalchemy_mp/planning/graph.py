"""The FK dependency DAG: which tables to generate and in which order.

Targets come from the plan; FK parents missing from the targets are added (``auto``; their
rows are set by ``planning.sizing``, which needs the tables' column plans). A
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
    auto = set(selected) - set(requested)
    rows = {k: requested.get(k, 0) for k in order}  # auto parents: planning.sizing sizes them
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
