"""Keys unique across a partition tree: every table of the tree that a run generates (the
partitioned parent and any partition targeted in the same plan) lands in the same set of leaf
partitions, so their key columns share one key space. Each member draws its keys from the
tree root's column seeds at row indexes shifted past the rows of the members before it (in
name order): row i of a member is row offset + i of the tree, by construction, in any chunking.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from datalchemy_mp.contracts.pghash import HashBound
from datalchemy_mp.contracts.schema import Schema, Table
from datalchemy_mp.generators.base import Batch, BatchFn, by_index

Key = tuple[str, str]


def tree_root(schema: Schema, table: Table) -> Key | None:
    """The top partitioned table above `table` (itself if it is one); None outside any tree."""
    if table.partition is None and table.partition_strategy is None:
        return None
    key, seen = table.key, set()
    while key not in seen:
        seen.add(key)
        current = schema.tables.get(key)
        if current is None or current.partition is None:
            return key
        key = current.partition.parent
    return key


def tree_key_columns(schema: Schema, table: Table) -> set[str]:
    """Columns of `table` that its own or an ancestor's range or list partition key reads (a
    hash key tells nothing apart: rows of every member may share a leaf whatever their key)."""
    current: Table | None = table
    found: set[str] = set()
    seen: set[tuple[str, str]] = set()
    while current is not None and current.key not in seen:
        seen.add(current.key)
        if current.partition_strategy in ("range", "list"):
            found.update(current.partition_columns)
        current = schema.tables.get(current.partition.parent) if current.partition else None
    return found


def shared_key_columns(schema: Schema, table: Table) -> set[str]:
    """Key columns that must be distinct across the tree: the PRIMARY KEY/UNIQUE columns the
    partition key does not read (those are what tells two rows of one leaf apart)."""
    routed = tree_key_columns(schema, table)
    return {c for cols in table.unique_sets for c in cols if c not in routed}


def tree_offset(schema: Schema, rows: dict[Key, int], key: Key) -> tuple[Key, int] | None:
    """(tree root, first row index of `key` in the tree's key space), when another table of the
    same tree is generated too; else None (nothing to share)."""
    table = schema.tables[key]
    root = tree_root(schema, table)
    if root is None:
        return None
    members = sorted(k for k in rows if tree_root(schema, schema.tables[k]) == root)
    if len(members) < 2:
        return None
    return root, sum(rows[k] for k in members[: members.index(key)])


def shifted(fn: BatchFn, offset: int) -> BatchFn:
    """`fn` reading row index `offset + i` for row i (its `by_index` too, if it has one)."""

    def gen(b: Batch) -> list:
        return fn(dataclasses.replace(b, start=b.start + offset))

    values_of = getattr(fn, "by_index", None)
    if values_of is not None:
        gen.by_index = lambda idx: values_of([i + offset for i in idx])  # type: ignore[attr-defined]
    return gen


def hash_window_keys(bound: HashBound) -> BatchFn:
    """Integer keys a hash partition accepts, by construction: row i takes the first accepted
    integer of the window [W*i + 1, W*(i+1)], W = 64 * modulus (a window holds none with odds
    about e**-64), so keys are distinct and a function of the row index."""
    width = 64 * bound.modulus

    def values_of(indexes: Sequence[int]) -> list:
        out = []
        for i in indexes:
            start = width * i + 1
            out.append(next((n for n in range(start, start + width) if bound.accepts([n])), start))
        return out

    return by_index(values_of)
