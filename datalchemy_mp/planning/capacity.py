"""How many rows a table's keys can hold.

A UNIQUE set (or PRIMARY KEY, or unique index) holds at most the product of its factors: for
each column, the distinct values it can take, the least of what its generator states
(``with_capacity``), its type (a boolean 2, an enum its labels, a smallint 65536) and its
CHECK (an ``IN`` list, bounds); for the columns of one FK, the parent's rows. A column whose
generator never repeats a value (a sequence) limits the table's rows whether or not it is
unique. A factor nobody can state is unbounded: the engine's own checks then guard the run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TypeGuard

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.contracts.schema import Table
from datalchemy_mp.generators.base import capacity_of
from datalchemy_mp.planning.columns import FROM_PARENT, ColumnPlan, Source, TablePlan

Key = tuple[str, str]

TYPE_VALUES = {Kind.BOOLEAN: 2, Kind.SMALLINT: 2**16, Kind.INTEGER: 2**32, Kind.BIGINT: 2**64}
"""Distinct values of the fixed-size types."""


@dataclass(frozen=True)
class Space:
    """What bounds the rows of one table: a key's columns and its factors."""

    columns: tuple[str, ...]
    fixed: int | None
    """Product of the columns' distinct values (FK columns aside); None: unbounded."""
    parents: tuple[Key, ...] = ()
    """One factor per FK inside the key: that parent's rows."""
    why: str = ""
    """The factors in words, for messages: ``code: 17576 values x public.region rows``."""

    @property
    def label(self) -> str:
        cols = ", ".join(self.columns)
        return f"UNIQUE ({cols})" if self.parents or len(self.columns) > 1 else f"{cols}"

    def capacity(self, rows: dict[Key, int]) -> int | None:
        if self.fixed is None:
            return None
        return self.fixed * math.prod(rows.get(p, 0) for p in self.parents)


def spaces(tp: TablePlan) -> list[Space]:
    """Every bound on the rows of ``tp``'s table that someone can state."""
    table = tp.table
    plans = {cp.name: cp for cp in tp.columns}
    out = [s for cols in table.unique_sets if (s := _key_space(table, cols, plans)) is not None]
    for cp in tp.columns:
        distinct, every_row = capacity_of(cp.fn)
        if every_row and distinct is not None and not _is_fk(cp) and cp.source != Source.CYCLE_NULL:
            out.append(Space((cp.name,), distinct, why=f"{cp.name}: {_values(distinct)} ({cp.generator_id})"))
    return out


def _is_fk(cp: ColumnPlan) -> bool:
    return cp.source in FROM_PARENT


def _key_space(table: Table, cols: tuple[str, ...], plans: dict[str, ColumnPlan]) -> Space | None:
    fixed, parents, why = 1, [], []
    for fk_cols, parent in _fk_groups(table, cols, plans):
        if parent == table.key:
            return None  # a self-reference: earlier rows of the same table
        parents.append(parent)
        why.append(f"{', '.join(fk_cols)}: the rows of {parent[0]}.{parent[1]}")
    in_fks = {c for fk_cols, _ in _fk_groups(table, cols, plans) for c in fk_cols}
    for name in cols:
        if name in in_fks:
            continue
        cp = plans.get(name)
        if cp is None or cp.source == Source.CYCLE_NULL:
            return None  # not written (generated) or always NULL: never collides
        distinct = column_capacity(cp)
        if distinct is None:
            return None
        fixed *= distinct
        why.append(f"{name}: {_values(distinct)}")
    return Space(tuple(cols), fixed, tuple(parents), " x ".join(why))


def _fk_groups(table: Table, cols: tuple[str, ...], plans: dict[str, ColumnPlan]) -> list:
    """(columns, parent) of each FK whose columns all lie in ``cols`` and are filled from it."""
    groups = []
    for cp in plans.values():
        fk = cp.fk
        if cp.source == Source.FK and fk is not None and set(fk.columns) <= set(cols):
            group = (tuple(fk.columns), fk.ref)
            if group not in groups:
                groups.append(group)
    return groups


def _values(n: int) -> str:
    return f"{n} value" if n == 1 else f"{n} values"


def column_capacity(cp: ColumnPlan) -> int | None:
    """Distinct values column ``cp`` can take: its generator's, its type's and its CHECK's
    least (None: unbounded as far as anyone can state)."""
    bounds = [type_capacity(cp)]
    if not cp.transforms and cp.source not in (Source.AFTER, Source.PARENT_VALUE):
        made = capacity_of(cp.fn)[0]
        if cp.fallback is not None and made is not None:
            other = capacity_of(cp.fallback.fn)[0]
            made = None if other is None else max(made, other)
        bounds.append(made)
    known = [b for b in bounds if b is not None]
    return min(known) if known else None


def type_capacity(cp: ColumnPlan) -> int | None:
    """Distinct values the column's type and CHECK hints allow (None: unbounded)."""
    col, hints = cp.column, cp.info.hints or {}
    if hints.get("choices"):
        return len(set(map(str, hints["choices"])))
    if col.kind == Kind.ENUM:
        return len(col.enum_labels) or None
    lo, hi = hints.get("min"), hints.get("max")
    if col.kind in (Kind.SMALLINT, Kind.INTEGER, Kind.BIGINT) and _number(lo) and _number(hi):
        return max(math.floor(hi) - math.ceil(lo) + 1, 0)  # integer bounds are inclusive
    if col.kind == Kind.NUMERIC and col.precision is not None:
        scale = col.scale or 0
        if _number(lo) and _number(hi):
            return max(math.floor(hi * 10**scale) - math.ceil(lo * 10**scale) + 1, 0)
        return 2 * 10**col.precision - 1
    if col.kind == Kind.DATE and isinstance(lo, dt.date) and isinstance(hi, dt.date):
        return max((_day(hi) - _day(lo)).days + 1, 0)
    return TYPE_VALUES.get(col.kind)


def _number(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _day(v: dt.date) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v
