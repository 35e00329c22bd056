"""One table (or one chunk of its rows): generate block by block, valid by construction.

A block is BLOCK_ROWS rows aligned on the global row index; every column of a block draws
from its own RNG, seeded from (table, column, block). A row that breaks NOT NULL, a CHECK or
a UNIQUE is made again from a retry seed, a bounded number of times; then a clear error.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.engine import coherence
from datalchemy_mp.engine.bijection import Permutation
from datalchemy_mp.engine.coherence import Lineage
from datalchemy_mp.engine.index_keys import IndexKeys
from datalchemy_mp.engine.keys import KeyReader, KeyWriter
from datalchemy_mp.errors import GenerationError
from datalchemy_mp.generators import bulk
from datalchemy_mp.generators.base import BLOCK_ROWS, Batch
from datalchemy_mp.output import csv as csvout
from datalchemy_mp.planning.coerce import INVALID
from datalchemy_mp.planning.columns import (
    FROM_PARENT,
    ColumnPlan,
    Source,
    TablePlan,
    fill_order,
    key_functions,
)
from datalchemy_mp.planning.uniques import (
    fk_pairs,
    one_to_one,
    remembered_self_keys,
    unguaranteed_unique_sets,
)

MAX_ATTEMPTS = 200
"""Retries of one row. A row is made again whole, so with two row checks that a quarter and
five sevenths of the values meet (a month in 3..5, a weekday) an attempt succeeds 18 % of the
time: 50 attempts left a 1-in-20,000 chance per row of failing a satisfiable table."""
FALLBACK_AFTER = 10
"""Attempts with a ruled column's own generator before its rows fall back to the default."""
STICKY_FALLBACKS = 64
"""Rows of a block that fell back before the rule is replaced for the rest of the block
(per block, so that the bytes do not depend on how a table is chunked)."""
SUFFIX_AFTER = 20
"""Collisions on a UNIQUE text value before a distinguishing suffix is added instead."""
CHECK_RETRIES_PER_ROW = 8
CHECK_RETRY_SLACK = 256
"""Retries one CHECK may cost a block: CHECK_RETRIES_PER_ROW per row plus the slack. A CHECK
that few generated rows satisfy fails the table at once, naming it, instead of running for
minutes (per block, so that the outcome does not depend on how a table is chunked)."""


_HOW_TO_SATISFY = (
    'give these columns rules whose values satisfy it, or set a "check" constraint policy '
    "(warn or ignore) for the table"
)


@dataclass
class Stats:
    rows: int = 0
    retries: int = 0
    bytes: int = 0
    heuristic: int = 0
    """Values chosen by column type and name, for columns without a rule."""
    generator_usage: Counter = field(default_factory=Counter)
    transform_usage: Counter = field(default_factory=Counter)
    pii: Counter = field(default_factory=Counter)
    warnings: dict[str, dict] = field(default_factory=dict)

    def warn(self, code: str, message: str, column: str | None = None, count: int = 1) -> None:
        key = f"{code}:{column}:{message}"
        entry = self.warnings.setdefault(
            key, {"code": code, "column": column, "message": message, "count": 0}
        )
        entry["count"] += count

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "retries": self.retries,
            "bytes": self.bytes,
            "heuristic": self.heuristic,
            "generator_usage": dict(sorted(self.generator_usage.items())),
            "transform_usage": dict(sorted(self.transform_usage.items())),
            "pii": dict(sorted(self.pii.items())),
            "warnings": list(self.warnings.values()),
        }


@dataclass
class Parents:
    """Key readers of the parent tables, by (parent table, column)."""

    readers: dict[tuple[tuple[str, str], str], KeyReader]
    rows: dict[tuple[str, str], int]
    computed: dict[tuple[tuple[str, str], str], Callable[[list[int]], list]] = field(default_factory=dict)
    """Parent columns whose values are a function of the row index: no file to read."""

    def take(self, table: tuple[str, str], column: str, indexes: list[int]) -> list:
        fn = self.computed.get((table, column))
        if fn is not None:
            return fn(indexes)
        return self.readers[(table, column)].take(indexes)


class Problem(NamedTuple):
    """Why a row is not valid yet, and the columns that can make it so."""

    message: str
    columns: tuple[str, ...]
    unique: bool = False
    """A clash with earlier rows: retried and suffixed, never a reason to drop the rule."""


class _FkFill:
    """Picks a parent row for each child row of one FK."""

    def __init__(self, tp: TablePlan, fk, parent_rows: int, self_ref: bool, index: int):
        self.fk = fk
        self.self_ref = self_ref
        self.parent_rows = parent_rows
        self.key = seeds.derive(tp.table_key, "fk", index)
        table = tp.table
        self.nullable = all(col.nullable for c in fk.columns if (col := table.column(c)) is not None)
        self.permutation: Permutation | None = None
        self.pair: tuple[int, int, int] | None = None  # (position in pair, n1, n2)
        self._pair_perm: Permutation | None = None
        if one_to_one(table, fk):
            self.permutation = Permutation(max(parent_rows, 1), self.key)
        self.spread = None if self_ref or self.permutation else tp.fanouts.get(tuple(fk.columns))
        if self.spread is not None:
            self._spread_picks = spread_picks(self.spread, parent_rows, seeds.derive(self.key, "spread"))

    def picks(self, start: int, n: int, rng: random.Random) -> list[int]:
        if self.permutation is not None:
            return self.permutation.images(np.arange(start, start + n)).tolist()
        if self.pair is not None:
            pos, n1, n2 = self.pair
            pair_perm = self._pair_perm
            assert pair_perm is not None
            ks = pair_perm.images(np.arange(start, start + n))
            return (ks // n2 if pos == 0 else ks % n2).tolist()
        if self.spread is not None:
            return self._spread_picks(start, n, rng)
        if self.parent_rows < 1:
            return [0] * n
        return np.random.default_rng(rng.getrandbits(64)).integers(0, self.parent_rows, n).tolist()


def spread_picks(spread, parent_rows: int, key: int) -> Callable[[int, int, random.Random], list[int]]:
    """Parent rows for children [start, start+n) under a fan-out: ``used`` parents in a keyed
    random order; uniform = round robin over them, zipf = rank r with weight 1/r^s, poisson =
    a uniform pick among them."""
    used = spread.used or parent_rows
    order = Permutation(max(parent_rows, 1), key)
    if spread.kind == "uniform":
        return lambda start, n, rng: order.images(np.arange(start, start + n) % used).tolist()
    if spread.kind == "zipf":
        sums, total = [], 0.0
        for r in range(1, used + 1):  # Python's pow and sums: the same floats on every machine
            total += r**-spread.s
            sums.append(total)
        cumulative = np.array(sums)

        def zipf(start: int, n: int, rng: random.Random) -> list[int]:
            draws = np.array([rng.random() for _ in range(n)]) * total
            ranks = np.minimum(np.searchsorted(cumulative, draws, side="right"), used - 1)
            return order.images(ranks).tolist()

        return zipf

    def poisson(start: int, n: int, rng: random.Random) -> list[int]:
        return order.images(np.array([int(rng.random() * used) for _ in range(n)], dtype=np.int64)).tolist()

    return poisson


def fk_fills(tp: TablePlan, rows: dict[tuple[str, str], int], diamonds: Sequence = ()) -> list[_FkFill]:
    """One fill per FK of the table, in FK order (their seeds depend on it). A UNIQUE pair
    whose second FK is derived from the first through a diamond is unique when the first is:
    the first becomes one-to-one (the lineage keeps only diamonds where that fits)."""
    fills = []
    for i, fk in enumerate(tp.fks):
        self_ref = fk.ref == tp.table.key
        fills.append(_FkFill(tp, fk, 0 if self_ref else rows.get(fk.ref, 0), self_ref, i))
    _setup_pairs(tp, fills)
    fill_of = {id(f.fk): f for f in fills}
    for d in diamonds:
        direct, via = fill_of[id(d.direct)], fill_of[id(d.via)]
        if direct.pair is not None:
            direct.pair = via.pair = None
            via.permutation = Permutation(max(via.parent_rows, 1), via.key)
    return fills


def _setup_pairs(tp: TablePlan, fills: list[_FkFill]) -> None:
    """A UNIQUE over exactly the columns of two FKs: enumerate parent pairs by a permutation."""
    fill_of = {id(f.fk): f for f in fills}
    for fk_a, fk_b, cols in fk_pairs(tp.table, tp.fks):
        a, b = fill_of[id(fk_a)], fill_of[id(fk_b)]
        n1, n2 = a.parent_rows, b.parent_rows
        perm = Permutation(max(n1 * n2, 1), seeds.derive(tp.table_key, "pair", *cols))
        for pos, f in enumerate((a, b)):
            f.permutation = None
            f.pair = (pos, n1, n2)
            f._pair_perm = perm


class TableEngine:
    """Generates rows ``[start, end)`` of one table into a CSV part and parent key files."""

    def __init__(
        self,
        tp: TablePlan,
        parents: Parents,
        *,
        progress: Callable[[int], None] | None = None,
        lineage: Lineage | None = None,
    ):
        self.tp = tp
        self.parents = parents
        self.stats = Stats()
        self.progress = progress
        table = tp.table
        self.names = [cp.name for cp in tp.columns]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.fills = fk_fills(tp, parents.rows, lineage.diamonds(tp.table.key) if lineage else [])
        self.fill_of = {id(f.fk): f for f in self.fills}
        self.active = list(tp.columns)
        self.fill = list(tp.fill_order)
        self.coerced = [k for k, cp in enumerate(self.active) if cp.coerce is not None]
        self.fallbacks: Counter = Counter()
        self.check_retries: Counter = Counter()
        self.check_budget = CHECK_RETRY_SLACK
        self.check_block = (0, 0)
        self.checks = [
            (name, expr.compile(self.index, tp.base_date), tuple(sorted(expr.columns)))
            for name, expr in tp.checks
        ]
        bound = tp.table.hash_bound
        if bound is not None and all(c in self.index for c in bound.columns):
            at = [self.index[c] for c in bound.columns]
            self.checks.append(
                (
                    f"hash partition bound of {table.qualified}",
                    lambda values: bound.accepts([_as_int(values[j]) for j in at]),
                    tuple(bound.columns),
                )
            )
        self_ref_cols = {c for fk in tp.fks if fk.ref == table.key for c in fk.columns}
        self.not_null = [
            i for i, cp in enumerate(tp.columns) if not cp.column.nullable and cp.name not in self_ref_cols
        ]
        self.unique_sets = [tuple(self.index[c] for c in cols) for cols in unguaranteed_unique_sets(tp)]
        self.index_keys = IndexKeys(
            tp.table.unique_indexes,
            self.names,
            tp.base_date,
            lambda message, name: self.stats.warn("unique_index_unchecked", message, None),
        )
        self.seen: list[set] = [set() for _ in range(len(self.unique_sets) + len(self.index_keys))]
        self.self_keys: dict[str, list[str]] = {c: [] for c in remembered_self_keys(tp)}
        """Key values of earlier rows, kept only for self-references whose keys are not
        functions of the row index (those are computed, so such a table can be chunked)."""
        self.self_computed: dict[int, list] = {}
        for f in self.fills:
            if f.self_ref:
                fns = key_functions(tp, f.fk.ref_columns)
                if fns is not None:
                    self.self_computed[id(f.fk)] = fns
        for _, message in tp.unsupported:
            self.stats.warn("check_unsupported", message, None)
        constraint = tp.table.partition.constraint if tp.table.partition else None
        if constraint and "satisfies_hash_partition" in constraint:
            if bound is None or not all(c in self.index for c in bound.columns):
                self.stats.warn(
                    "check_unsupported",
                    f"hash partition bound of {table.qualified} is not checked (only integer keys "
                    f"are): {constraint}",
                    None,
                )
        self._coherence(lineage)

    def _coherence(self, lineage: Lineage | None) -> None:
        """Within-row rules always; diamonds and creation order when the run's lineage is given.
        Plain FK picks are kept on retries (so descendants can recompute them) unless a
        UNIQUE checked from memory or a CHECK involves the FK's columns."""
        tp = self.tp
        self.lineage = lineage
        self.row_rules = coherence.row_rules(tp, tp.base_date)
        volatile = {c for cols in unguaranteed_unique_sets(tp) for c in cols}
        volatile |= {c for _, expr in tp.checks for c in expr.columns}
        volatile |= {self.names[j] for cols in self.index_keys.columns for j in cols}
        self.stable = {
            id(f.fk)
            for f in self.fills
            if not f.self_ref
            and f.permutation is None
            and f.pair is None
            and not set(f.fk.columns) & volatile
        }
        self.first_picks: tuple[int, dict[int, tuple[int, list[int]]]] = (-1, {})
        self.created: str | None = None
        self.created_fks: list = []
        if lineage is not None and lineage.created_parents(tp.table.key):
            cp = lineage._created_cp(tp.table.key)
            if cp is not None:
                self.created, self.created_fks = cp.name, lineage.created_parents(tp.table.key)

    # -- generation ---------------------------------------------------------------------

    def _column_rng(self, cp: ColumnPlan, block: int, attempt: int, row: int) -> random.Random:
        if attempt == 0:
            return seeds.block_rng(cp.key, block)
        return random.Random(seeds.derive(cp.key, "retry", row, attempt))

    def _generate(
        self, start: int, n: int, attempt: int = 0, overrides: dict[str, ColumnPlan] | None = None
    ) -> dict[str, list]:
        """Raw values of rows ``[start, start+n)`` (formatted CSV fields for FK columns).

        ``overrides`` fills some columns without their rule (their fallback plans)."""
        block = start // BLOCK_ROWS
        row: dict[str, list] = {}
        picks: dict[int, list[int]] = {}
        for f in self.fills:
            if f.self_ref:
                continue
            if attempt and id(f.fk) in self.stable and self.first_picks[0] == block:
                first_start, first = self.first_picks[1][id(f.fk)]
                picks[id(f.fk)] = first[start - first_start : start - first_start + n]
                continue
            rng = (
                random.Random(seeds.derive(f.key, block))
                if attempt == 0
                else random.Random(seeds.derive(f.key, "retry", start, attempt))
            )
            picks[id(f.fk)] = f.picks(start, n, rng)
        if attempt == 0:
            self.first_picks = (block, {k: (start, v) for k, v in picks.items()})
        if self.lineage is not None:
            self.lineage.derive(self.tp.table.key, picks)
        for cp in self.active:
            fk = cp.fk
            if cp.source == Source.FK and fk is not None and fk.ref != self.tp.table.key:
                j = picks[id(fk)]
                ref_col = fk.ref_columns[fk.columns.index(cp.name)]
                row[cp.name] = self.parents.take(fk.ref, ref_col, j)
            elif cp.source == Source.PARENT_VALUE and fk is not None and cp.parent_column is not None:
                j = picks[id(fk)]
                row[cp.name] = self.parents.take(fk.ref, cp.parent_column, j)
            elif cp.source in (Source.CYCLE_NULL, Source.FK):
                row[cp.name] = [None] * n
            if cp.source in FROM_PARENT and cp.generator_id:  # derive.fk / derive.parent_value rules
                self.stats.generator_usage[cp.generator_id] += n
        columns = self.active
        order = self.fill
        if overrides:
            columns = [overrides.get(cp.name, cp) for cp in self.active]
            order = fill_order(columns)
        for cp in order:
            batch = Batch(
                rng=self._column_rng(cp, block, attempt, start), start=start, n=n, row=row, attempt=attempt
            )
            fn = cp.fn
            assert fn is not None, cp.name  # every computed column has a generator
            values = fn(batch)
            if len(values) != n:
                raise GenerationError(
                    f"generator {cp.generator_id} returned {len(values)} values for {n} rows",
                    path=cp.info.qualified,
                )
            if cp.null_rate:
                rnd = batch.rng.random
                rate = cp.null_rate
                values = [None if rnd() < rate else v for v in values]
            if cp.name == self.created and self.lineage is not None:
                parents = [self.lineage.created(fk.ref, picks[id(fk)]) for fk in self.created_fks]
                values = self.lineage.after_parents(values, parents, cp.column.kind, cp.info.hints.get("max"))
            row[cp.name] = values
            self.stats.generator_usage[cp.generator_id or cp.source] += n
            if cp.source == Source.DEFAULT:
                self.stats.heuristic += n
            for tag in cp.tags:
                self.stats.pii[tag] += n
        for cp in columns:
            for tid, fn in cp.transforms:
                batch = Batch(
                    rng=random.Random(seeds.derive(cp.key, "transform", tid, start, attempt)),
                    start=start,
                    n=n,
                    row=row,
                    attempt=attempt,
                )
                row[cp.name] = fn(batch, row[cp.name])
                self.stats.transform_usage[tid] += n
            if cp.coerce is not None:
                row[cp.name] = cp.coerce(row[cp.name])
            if cp.column.kind == Kind.NUMERIC and cp.column.scale is not None:
                s = cp.column.scale
                row[cp.name] = [round(v, s) if type(v) is float else v for v in row[cp.name]]
        if self.row_rules is not None:
            self.row_rules.apply(
                row, n, random.Random(seeds.derive(self.tp.table_key, "rows", start, attempt))
            )
        return row

    def _row_problem(self, values: tuple) -> Problem | None:
        for i in self.not_null:
            if values[i] is None:
                return Problem(f"NOT NULL on {self.names[i]}", (self.names[i],))
        for i in self.coerced:
            if values[i] is INVALID:
                return Problem(
                    f"the type of {self.names[i]} ({self.active[i].column.data_type})", (self.names[i],)
                )
        if self.tp.check_mode != "ignore":
            for name, check, cols in self.checks:
                if not check(values):
                    if self.tp.check_mode == "warn":
                        self.stats.warn("check_failed", f"CHECK {name} failed", None)
                        continue
                    return Problem(f"CHECK {name}", cols)
        return None

    def _format_row(self, values: tuple) -> list[str]:
        return [
            v if cp.preformatted and v is not None else cp.fmt([v])[0]
            for cp, v in zip(self.active, values, strict=True)
        ]

    def _keys(self, values: tuple, fields: list[str]) -> list[tuple | None]:
        """The row's key in each checked UNIQUE set, then in each checked unique index (None:
        not constrained, e.g. a NULL, or outside a partial index)."""
        keys: list[tuple | None] = []
        for idx in self.unique_sets:
            key = tuple(fields[i] for i in idx)
            keys.append(None if "" in key else key)  # NULLs never collide in Postgres
        for k in range(len(self.index_keys)):
            keys.append(self.index_keys.key(k, values, fields))
        return keys

    def _unique_clash(self, fields: list[str], values: tuple) -> int | None:
        for k, key in enumerate(self._keys(values, fields)):
            if key is not None and key in self.seen[k]:
                return k
        return None

    def _remember(self, fields: list[str], values: tuple) -> None:
        for k, key in enumerate(self._keys(values, fields)):
            if key is not None:
                self.seen[k].add(key)

    def _clash_columns(self, clash: int) -> tuple[int, ...]:
        if clash < len(self.unique_sets):
            return self.unique_sets[clash]
        return self.index_keys.columns[clash - len(self.unique_sets)]

    def _fix_row(self, i: int, problem: Problem | None) -> tuple[tuple, list[str]]:
        """Make row ``i`` again until it is valid and unique. A ruled column that keeps
        breaking the row falls back to its default; a text key gets a suffix last."""
        overrides: dict[str, ColumnPlan] = {}
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.stats.retries += 1
            if problem is not None and not problem.unique:
                self._spend_check_retry(i, problem)
            if attempt > FALLBACK_AFTER and problem is not None and not problem.unique:
                for c in problem.columns:
                    cp = self.active[self.index[c]]
                    if cp.fallback is not None:
                        overrides[c] = cp.fallback
            raw = self._generate(i, 1, attempt, overrides)
            values = tuple(raw[n][0] for n in self.names)
            problem = self._row_problem(values)
            if problem is not None:
                continue
            fields = self._format_row(values)
            clash = self._unique_clash(fields, values)
            if clash is None:
                self._fell_back(overrides)
                return values, fields
            if attempt >= SUFFIX_AFTER:
                suffixed = self._suffix(values, clash)
                if suffixed is not None:
                    self._fell_back(overrides)
                    return values, suffixed
            cols = tuple(self.names[j] for j in self._clash_columns(clash))
            what = "UNIQUE" if clash < len(self.unique_sets) else f"unique index {self._index_name(clash)}"
            problem = Problem(f"{what} ({', '.join(cols)})", cols, unique=True)
        assert problem is not None  # the loop returns as soon as a row has none
        table = self.tp.table.qualified
        if problem.unique:
            raise GenerationError(
                f"{table}: cannot make row {i + 1} satisfy {problem.message}: the generators keep "
                f"repeating values already used ({MAX_ATTEMPTS} attempts); give the column a "
                "generator with more distinct values, or fewer rows"
            )
        raise GenerationError(
            f"{table}: row {i + 1} still violates {problem.message} (columns {', '.join(problem.columns)}) "
            f"after {MAX_ATTEMPTS} attempts; {_HOW_TO_SATISFY}"
        )

    def _spend_check_retry(self, i: int, problem: Problem) -> None:
        """Count a retry against the block's budget for this CHECK; past it, fail the table."""
        if not problem.message.startswith("CHECK "):
            return
        self.check_retries[problem.message] += 1
        if self.check_retries[problem.message] > self.check_budget:
            first, n = self.check_block
            raise GenerationError(
                f"{self.tp.table.qualified}: {problem.message} (columns {', '.join(problem.columns)}) "
                f"rejects too many generated rows: more than {self.check_budget} retries in the "
                f"block of rows {first + 1}..{first + n}, so it cannot be met by retrying; "
                f"{_HOW_TO_SATISFY}"
            )

    def _index_name(self, clash: int) -> str:
        return self.index_keys.indexes[clash - len(self.unique_sets)].name

    def _fell_back(self, overrides: dict[str, ColumnPlan]) -> None:
        """Count rows whose rule gave way; a rule that never works is replaced for good."""
        for name in overrides:
            self.stats.warn(
                "rule_fallback",
                "the rule's generator gave no valid value for "
                "some rows; they use the column's default generator",
                name,
            )
            self.fallbacks[name] += 1
            if self.fallbacks[name] == STICKY_FALLBACKS:
                j = self.index[name]
                self.stats.warn(
                    "rule_replaced",
                    f"after {STICKY_FALLBACKS} rows in a row, "
                    "the rule's generator is replaced by the default",
                    name,
                )
                fallback = self.active[j].fallback
                assert fallback is not None  # only ruled columns with a fallback are overridden
                self.active[j] = fallback
                self.fill = fill_order(self.active)
                self.coerced = [k for k, cp in enumerate(self.active) if cp.coerce is not None]

    def _suffix(self, values: tuple, clash: int) -> list[str] | None:
        """Distinguish a repeated text value (``Prospeccao 2``, ``ana.silva2@…``), never with a
        placeholder; None when no suffix keeps the row valid."""
        texts = [
            j
            for j in self._clash_columns(clash)
            if self.tp.columns[j].column.kind == Kind.TEXT
            and not self.tp.columns[j].preformatted
            and isinstance(values[j], str)
        ]
        if not texts:
            return None
        j = texts[-1]
        col = self.tp.columns[j].column
        base = values[j]
        for n in range(2, len(self.seen[clash]) + 3):
            if "@" in base:
                local, _, domain = base.rpartition("@")
                candidate = f"{local}{n}@{domain}"
            else:
                candidate = f"{base} {n}"
            if col.max_length is not None and len(candidate) > col.max_length:
                return None
            row = values[:j] + (candidate,) + values[j + 1 :]
            if self._row_problem(row) is not None:
                return None
            fields = self._format_row(row)
            if self._unique_clash(fields, row) is None:
                self.stats.warn("unique_suffix", "a repeated value got a distinguishing suffix", col.name)
                return fields
        return None

    def run(self, start: int, end: int, csv_path: Path, key_paths: dict[str, Path], header: bool) -> Stats:
        writers = {c: KeyWriter(p, self.tp.columns[self.index[c]].column.kind) for c, p in key_paths.items()}
        with open(csv_path, "wb", buffering=1 << 20) as out:
            if header:
                data = csvout.header(self.names)
                out.write(data)
                self.stats.bytes += len(data)
            pos = start
            while pos < end:
                n = min(BLOCK_ROWS - pos % BLOCK_ROWS, end - pos)
                fields = self._block(pos, n)
                data = csvout.encode_rows(fields)
                out.write(data)
                self.stats.bytes += len(data)
                for c, w in writers.items():
                    w.append(fields[self.index[c]])
                pos += n
                self.stats.rows += n
                if self.progress is not None:
                    self.progress(self.stats.rows)
        for w in writers.values():
            w.close()
        for cp in self.tp.columns:
            if cp.generator_id == "pg.unknown":
                message = f"type {cp.column.data_type} is unknown to datalchemy-mp: the column is left NULL"
                self.stats.warn("unknown_type", message, cp.name, count=end - start)
        return self.stats

    def _block(self, start: int, n: int, fresh: bool = True) -> list[list[str]]:
        if fresh:
            self.active = list(self.tp.columns)
            self.fill = list(self.tp.fill_order)
            self.coerced = [k for k, cp in enumerate(self.active) if cp.coerce is not None]
            self.fallbacks.clear()
            self.check_retries.clear()
            self.check_budget = CHECK_RETRIES_PER_ROW * n + CHECK_RETRY_SLACK
            self.check_block = (start, n)
        raw = self._generate(start, n)
        cols = [raw[name] for name in self.names]
        fixed: dict[int, list[str]] = {}
        fixed_values: dict[int, tuple] = {}
        coerced = list(self.coerced)  # fixing rows may replace a rule for good
        if self.not_null or self.checks or coerced:
            for k in sorted(self._suspects(cols, coerced)):
                problem = self._row_problem(tuple(c[k] for c in cols))
                if problem is not None:
                    fixed_values[k], fixed[k] = self._fix_row(start + k, problem)
            if coerced != self.coerced:  # a rule was replaced: make the block again without it
                return self._block(start, n, fresh=False)
            for j in coerced:
                cols[j] = [None if v is INVALID else v for v in cols[j]]
        fields = [
            cp.fmt(values) if not cp.preformatted else ["" if v is None else v for v in values]
            for cp, values in zip(self.active, cols, strict=True)
        ]
        for k, row_fields in fixed.items():
            for j, f in enumerate(row_fields):
                fields[j][k] = f
        if self.unique_sets or self.index_keys:
            for k in range(n):
                row_fields = [f[k] for f in fields]
                row_values = fixed_values[k] if k in fixed_values else tuple(c[k] for c in cols)
                clash = self._unique_clash(row_fields, row_values)
                if clash is not None:
                    cols_ = tuple(self.names[j] for j in self._clash_columns(clash))
                    row_values, row_fields = self._fix_row(start + k, Problem("UNIQUE", cols_, unique=True))
                    for j, f in enumerate(row_fields):
                        fields[j][k] = f
                self._remember(row_fields, row_values)
        if any(f.self_ref for f in self.fills):
            self._fill_self_refs(start, n, fields)
        return fields

    def _suspects(self, cols: list[list], coerced: list[int]) -> set[int]:
        """Rows of a block that may break NOT NULL, a type or a CHECK, found column-wise."""
        bad: set[int] = set()
        for j in self.not_null:
            if bulk.array_of(cols[j]) is None and None in cols[j]:  # a bulk block has no NULL
                bad.update(k for k, v in enumerate(cols[j]) if v is None)
        for j in coerced:
            if INVALID in cols[j]:
                bad.update(k for k, v in enumerate(cols[j]) if v is INVALID)
        if self.tp.check_mode != "ignore":
            rows: list[tuple] | None = None
            for _, check, _ in self.checks:
                block = getattr(check, "block", None)
                if block is not None:  # compiled to read only its own columns
                    bad.update(block(cols))
                    continue
                if rows is None:
                    rows = list(zip(*cols, strict=True))
                bad.update([k for k, r in enumerate(rows) if not check(r)])
        return bad

    def _fill_self_refs(self, start: int, n: int, fields: list[list[str]]) -> None:
        """Point each row at an earlier row of the same table (the first rows are roots)."""
        for f in self.fills:
            if not f.self_ref:
                continue
            rng = random.Random(seeds.derive(f.key, start // BLOCK_ROWS))
            targets = []
            for i in range(start, start + n):
                if i == 0 or (f.nullable and rng.random() < 0.2):
                    targets.append(None if f.nullable else i)
                else:
                    targets.append(int(rng.random() * i))
            cols = [self.index[c] for c in f.fk.columns]
            fns = self.self_computed.get(id(f.fk))
            if fns is not None:
                picked = [t for t in targets if t is not None]
                for c, fn in zip(cols, fns, strict=True):
                    values = iter(fn(picked))
                    fields[c] = ["" if t is None else next(values) for t in targets]
                continue
            refs = [self.self_keys[c] for c in f.fk.ref_columns]
            ref_idx = [self.index[c] for c in f.fk.ref_columns]
            for k, target in enumerate(targets):
                for r, j in zip(refs, ref_idx, strict=True):
                    r.append(fields[j][k])
                for c, r in zip(cols, refs, strict=True):
                    fields[c][k] = "" if target is None else r[target]


def _as_int(value: Any) -> int | None:
    """A key value as an integer (FK keys arrive as CSV text)."""
    return None if value is None or value == "" else int(value)


def open_parents(parent_keys: list[list], rows: dict[tuple[str, str], int]) -> Parents:
    """Key readers from ``[[schema, table, {"column": {"kind": k, "paths": [...]}}], ...]``."""
    readers = {}
    for s, t, cols in parent_keys:
        for col, spec in cols.items():
            readers[((s, t), col)] = KeyReader([Path(p) for p in spec["paths"]], spec["kind"])
    return Parents(readers=readers, rows=rows)
