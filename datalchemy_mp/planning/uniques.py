"""Which UNIQUE sets a table's plan makes distinct by construction, and what that implies:
the rest are checked against a set in memory, so such a table runs as one chunk."""

from __future__ import annotations

from datalchemy_mp.contracts.schema import ForeignKey, Table
from datalchemy_mp.generators.base import GENERATORS, is_distinct
from datalchemy_mp.planning.columns import Source, TablePlan, key_functions


def one_to_one(table: Table, fk: ForeignKey) -> bool:
    """A FK (not a self-reference) whose columns are themselves UNIQUE: each parent row once."""
    return fk.ref != table.key and any(set(s) == set(fk.columns) for s in table.unique_sets)


def fk_pairs(table: Table, fks: list[ForeignKey]) -> list[tuple[ForeignKey, ForeignKey, tuple[str, ...]]]:
    """UNIQUE sets over exactly the columns of two FKs: their parent pairs are enumerated."""
    by_cols = {frozenset(fk.columns): fk for fk in fks if fk.ref != table.key}
    pairs = []
    for cols in table.unique_sets:
        group = [fk for c, fk in by_cols.items() if c <= set(cols)]
        if len(group) == 2 and frozenset().union(*(frozenset(fk.columns) for fk in group)) == set(cols):
            pairs.append((group[0], group[1], tuple(cols)))
    return pairs


def distinct_groups(tp: TablePlan) -> list[set[str]]:
    """Column sets whose values never repeat across rows, by construction."""
    groups = []
    for cp in tp.columns:
        spec = GENERATORS.get(cp.generator_id or "")
        if cp.source == Source.SEQUENCE or (
            spec is not None
            and spec.unique
            and is_distinct(cp.fn)
            and cp.info.unique
            and not cp.transforms
            and cp.source in (Source.RULE, Source.DEFAULT)
        ):
            groups.append({cp.name})
    groups += [set(fk.columns) for fk in tp.fks if one_to_one(tp.table, fk)]
    groups += [set(cols) for _, _, cols in fk_pairs(tp.table, tp.fks)]
    return groups


def unguaranteed_unique_sets(tp: TablePlan) -> list[tuple[str, ...]]:
    """UNIQUE sets (of written columns) that nothing makes distinct: checked from memory."""
    written = {cp.name for cp in tp.columns}
    groups = distinct_groups(tp)
    return [
        tuple(cols)
        for cols in tp.table.unique_sets
        if all(c in written for c in cols) and not any(g <= set(cols) for g in groups)
    ]


def remembered_self_keys(tp: TablePlan) -> list[str]:
    """Key columns a self-reference reads from earlier rows (not functions of the row index)."""
    cols: list[str] = []
    for fk in tp.fks:
        if fk.ref == tp.table.key and key_functions(tp, fk.ref_columns) is None:
            cols += [c for c in fk.ref_columns if c not in cols]
    return cols


def needs_whole_table(tp: TablePlan) -> bool:
    """True when uniqueness is checked from memory or rows reference earlier rows' keys."""
    return bool(unguaranteed_unique_sets(tp) or tp.table.unique_indexes or remembered_self_keys(tp))
