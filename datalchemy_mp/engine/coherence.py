"""Rows that agree with themselves and with their parents, without shared state.

Everything here is a function of (seed, table, column, row index), so a child computes what
it needs of any ancestor row instead of reading it:

- **FK diamonds**: when C references A and B, and B reaches A (one or two FK hops, through
  columns of the same names as C's), C's A is B's A: C picks its B row, then follows B's
  own picks up to A.
- **Creation order**: a row's creation-like timestamp (``criado_em``, ``created_at``,
  ``aberta_em``, ``rental_date``...) is not before the creation of any parent row it
  references; the parent's value is recomputed from the parent's seeds.
- **Run date**: past-like dates (not named due, expires, scheduled...) are not after the run.
- **Status and dates within a row**: paid <-> payment date; won/lost <-> close date and
  probability 100/0; open stage -> no close date; active flag/status <-> end date.

A FK pick is a pure function of the row index only if row retries keep it: the engine keeps
the first pick of a plain FK on retries, unless the FK's columns are in a UNIQUE checked from
memory or in a CHECK (then a grandchild sees the first pick, which is right for most rows).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.contracts.schema import ForeignKey, Schema, Table
from datalchemy_mp.generators import bulk
from datalchemy_mp.generators.base import BLOCK_ROWS, Batch

TEMPORAL = (Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ)
CREATED = (
    "created", "criado", "criada", "createdate", "creation", "cadastr", "registered",
    "aberta", "aberto", "opened", "emitida", "emitido", "issued", "hiredate", "admitido",
    "admissao", "orderdate", "invoicedate", "rentaldate", "paymentdate", "signup", "joined",
    "inicio", "start", "started",
)  # fmt: skip
"""Name parts of the column saying when a row came to be, most telling first."""
FUTURE = (
    "due", "vencimento", "validade", "valid", "expira", "expires", "expiration", "prazo",
    "previsao", "scheduled", "agendad", "deadline", "limite", "required", "entrega", "delivery",
    "proxim", "next", "birth", "nascimento", "planned", "planejad", "return",
)  # fmt: skip
"""Name parts of dates that may lie after the run's date."""
SHARED_TABLES: tuple[str, ...] = (
    "address",
    "endereco",
    "city",
    "cidade",
    "country",
    "pais",
    "language",
    "idioma",
)
SHARED_TABLES += ("currency", "moeda")
"""Lookup tables many rows point at on their own: not owners in a diamond (a customer's
address is not its store's address)."""

PAID = {"paid", "paga", "pago", "quitada", "quitado", "settled"}
UNPAID = {"pending", "pendente", "cancelada", "cancelado", "cancelled", "canceled", "unpaid"}
WON = {"won", "ganho", "ganha", "closed_won"}
LOST = {"lost", "perdido", "perdida", "closed_lost"}
OPEN_STAGES = {"prospeccao", "qualificacao", "proposta", "negociacao", "prospecting"}
OPEN_STAGES |= {"qualification", "proposal", "negotiation", "open"}
ACTIVE = {"active", "ativo", "ativa"}
INACTIVE = {"inactive", "inativo", "inativa"}


def words(name: str) -> tuple[list[str], str]:
    """(words, words joined) of a lower-cased, accent-free name."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    ws = [w for w in re.split(r"[^a-z0-9]+", name) if w]
    return ws, "".join(ws)


def name_has(name: str, *keys: str) -> bool:
    ws, joined = words(name)
    return any(k in ws or (len(k) >= 4 and k in joined) for k in keys)


def created_column(table: Table) -> str | None:
    """The column saying when a row came to be: the first temporal column named so."""
    for key in CREATED:
        for c in table.columns:
            if c.kind in TEMPORAL and not c.generated and name_has(c.name, key):
                return c.name
    return None


def past_like(name: str) -> bool:
    return not name_has(name, *FUTURE)


def _label(v) -> str:
    return _label_of(str(v)) if v is not None else ""


@functools.lru_cache(maxsize=4096)
def _label_of(text: str) -> str:
    return words(text)[1]


# --- within a row ---------------------------------------------------------------------------


@dataclass
class RowRules:
    """Status/date/flag agreement and the run-date cap, applied to a block's raw values."""

    end: dt.datetime
    caps: list[tuple[str, str, tuple[str, ...], object]] = field(default_factory=list)
    """(column, kind, columns it comes after, lowest value allowed)"""
    fixes: list[Callable[[dict, int, random.Random], None]] = field(default_factory=list)

    def apply(self, row: dict[str, list], n: int, rng: random.Random) -> None:
        end = self.end
        for name, kind, after, floor in self.caps:
            values = row[name]
            array = bulk.array_of(values)
            late = _late(values, end)
            if not late or _cap_block(end, values, late, kind, [row[a] for a in after], floor):
                continue
            for k in late:
                values[k] = cap(end, values[k], kind, [row[a][k] for a in after], floor)
            if isinstance(values, bulk.Column) and array is not None:
                bulk.set_array(values, array, late)  # a bulk block keeps its array, late values set
        for fix in self.fixes:
            fix(row, n, rng)

    def fill(self, lows: list, kind: str, rng: random.Random):
        """A past value after every value of ``lows``: when a status says the date exists."""
        present = [_as_dt(x) for x in lows if isinstance(x, dt.date)]
        lo = max(present) if present else self.end - dt.timedelta(days=180)
        span = max(int((self.end - lo).total_seconds()), 0)
        return _back(lo + dt.timedelta(seconds=int(rng.random() * span)), kind)


def cap(end: dt.datetime, v, kind: str, lows: list, floor):
    """``v``, or where it is after the run's ``end``, a value folded into [latest of ``lows``
    (else a year before), end] by a function of ``v`` (no RNG draw)."""
    if not isinstance(v, dt.date) or _as_dt(v) <= end:
        return v
    lo = max([_as_dt(x) for x in lows if isinstance(x, dt.date)] or [end - dt.timedelta(days=365)])
    if floor is not None:
        lo = max(lo, _as_dt(floor))
    span = int((end - lo).total_seconds())
    if span <= 0:
        return _back(lo, kind)
    return _back(lo + dt.timedelta(seconds=_seconds(_as_dt(v)) % span), kind)


def _cap_block(end: dt.datetime, values: list, late: list[int], kind: str, lows: list[list], floor) -> bool:
    """``cap`` of the ``late`` values at once, with numpy, when they and every column in
    ``lows`` are bulk datetime blocks (the same values as ``cap``); False, nothing done, else."""
    array = bulk.array_of(values)
    blocks = [bulk.array_of(x) for x in lows]
    if array is None or array.dtype.kind != "M" or any(b is None or b.dtype.kind != "M" for b in blocks):
        return False
    if (kind == Kind.DATE) != (array.dtype == np.dtype("datetime64[D]")):
        return False
    at = np.asarray(late)
    end_us = _micros_of(end)
    lo = np.full(len(at), NAT)
    for block in blocks:
        lo = np.maximum(lo, micros(block)[at])
    lo[lo == NAT] = end_us - 365 * 86_400 * _US
    if floor is not None:
        lo = np.maximum(lo, _micros_of(_as_dt(floor)))
    folded = _fold(micros(array[at]), lo, end_us).astype("datetime64[us]")
    if kind == Kind.DATE:
        folded = folded.astype("datetime64[D]")
    items = folded.astype(array.dtype)
    if not (items == folded).all():  # would not fit the block's unit: cap value by value
        return False
    for k, value in zip(late, folded.tolist(), strict=True):
        list.__setitem__(values, k, value)
    array = array.copy()
    array[at] = items
    values.array = array  # type: ignore[attr-defined]
    return True


def _micros_of(v: dt.datetime) -> int:
    return (v - _EPOCH) // dt.timedelta(microseconds=1)


def _fold(values: np.ndarray, low: np.ndarray, last: int) -> np.ndarray:
    """Microseconds ``values`` moved into [``low``, ``last``] by a function of themselves (their
    whole seconds modulo the span); ``low`` where the span is under a second (``cap``'s rule)."""
    span = (last - low) // _US
    return np.where(span > 0, low + (values // _US) % np.maximum(span, 1) * _US, low)


def _late(values: list, end: dt.datetime) -> list[int]:
    """Positions of values after ``end`` (a fast pass: most blocks have none)."""
    array = bulk.array_of(values)
    if array is not None and array.dtype.kind == "M":
        bound = np.datetime64(end.date() if array.dtype == np.dtype("datetime64[D]") else end)
        return np.flatnonzero(array > bound).tolist()
    day = end.date()
    out = []
    for k, v in enumerate(values):
        t = type(v)
        if (t is dt.date and v > day) or (t is dt.datetime and v > end):
            out.append(k)
    return out


def _as_dt(v) -> dt.datetime:
    return v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())


_EPOCH = dt.datetime(1970, 1, 1)
_US = 1_000_000
NAT = np.iinfo(np.int64).min
"""Microseconds standing for "no date" (numpy's NaT as int64): below every real instant."""


def _seconds(v: dt.datetime) -> int:
    """Whole seconds since 1970 of a naive timestamp taken as UTC (never the machine's zone)."""
    return (v - _EPOCH) // dt.timedelta(seconds=1)


def micros(values) -> np.ndarray:
    """Microseconds since 1970 (int64, NAT where a value is not a date or timestamp) of a
    block: a list, a bulk column, a datetime64 array, or already such microseconds."""
    array = values if isinstance(values, np.ndarray) else bulk.array_of(values)
    if array is not None and array.dtype == np.int64:
        return array
    if array is not None and array.dtype.kind == "M":
        return array.astype("datetime64[us]").astype(np.int64)
    dates = [v if isinstance(v, dt.date) else None for v in values]
    return np.array(dates, dtype="datetime64[us]").astype(np.int64)


def _from_micros(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


def _back(v: dt.datetime, kind: str):
    return v.date() if kind == Kind.DATE else v


def row_rules(tp, base_date: dt.date) -> RowRules | None:
    """The within-row rules that apply to ``tp`` (a TablePlan), by the names of its columns."""
    from datalchemy_mp.planning.columns import FROM_PARENT

    end = dt.datetime.combine(base_date, dt.time(23, 59, 59))
    rules = RowRules(end=end)
    own = {cp.name: cp for cp in tp.columns if cp.source not in FROM_PARENT}
    created = created_column(tp.table)
    for cp in own.values():
        col = cp.column
        if col.kind not in TEMPORAL or not past_like(col.name):
            continue
        hmin = cp.info.hints.get("min")
        if isinstance(hmin, dt.date) and _as_dt(hmin) > end:
            continue  # the CHECK wants it in the future
        after = tuple(i for i in cp.inputs if i in own and own[i].column.kind in TEMPORAL)
        rules.caps.append((cp.name, col.kind, after, hmin if isinstance(hmin, dt.date) else None))
    _status_rules(rules, tp, own, created)
    return rules if rules.caps or rules.fixes else None


def _find(own: dict, kinds, *keys: str):
    return next((cp for cp in own.values() if cp.column.kind in kinds and name_has(cp.name, *keys)), None)


def _allowed(cp, value) -> bool:
    hints = cp.info.hints
    if cp.column.kind == Kind.ENUM:
        return value in cp.column.enum_labels
    if hints.get("choices"):
        return value in hints["choices"]
    lo, hi = hints.get("min"), hints.get("max")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (lo is None or not isinstance(lo, int | float) or lo <= value) and (
            hi is None or not isinstance(hi, int | float) or value <= hi
        )
    return True


def _status_rules(rules: RowRules, tp, own: dict, created: str | None) -> None:
    texts = (Kind.TEXT, Kind.ENUM)
    numbers = (Kind.SMALLINT, Kind.INTEGER, Kind.BIGINT, Kind.NUMERIC, Kind.REAL, Kind.DOUBLE)
    status = _find(own, texts, "status", "situacao", "estagio", "stage", "state")
    paid_at = _find(own, TEMPORAL, "paga", "pago", "paid", "pagamento", "payment")
    closed_at = _find(own, TEMPORAL, "fechada", "fechado", "closed", "fechamento", "close")
    prob = _find(own, numbers, "probabilidade", "probability")
    ended_at = _find(own, TEMPORAL, "desligado", "demissao", "dismiss", "termination", "enddate", "inativ")
    active = _find(own, (Kind.BOOLEAN,), "ativo", "ativa", "active")
    if status is not None and paid_at is not None and paid_at is not status:
        rules.fixes.append(_dated_status(rules, status.name, paid_at, PAID, UNPAID, created))
    if status is not None and closed_at is not None:
        rules.fixes.append(_dated_status(rules, status.name, closed_at, WON | LOST, OPEN_STAGES, created))
    if status is not None and prob is not None:
        rules.fixes.append(_probability(status.name, prob))
    if ended_at is not None and active is not None:
        rules.fixes.append(_flag_from_date(active.name, ended_at.name))
    elif ended_at is not None and status is not None:
        rules.fixes.append(_status_from_date(status, ended_at.name))


def _dated_status(rules: RowRules, status: str, date_cp, with_date: set, without: set, created: str | None):
    """Statuses in ``with_date`` have the date; those in ``without`` have none (if nullable)."""
    name, kind, nullable = date_cp.name, date_cp.column.kind, date_cp.column.nullable
    lows = tuple(i for i in (*date_cp.inputs, created) if i and i != name)

    def fix(row: dict, n: int, rng: random.Random) -> None:
        values, states = row[name], row[status]
        for k in range(n):
            s = _label(states[k])
            if s in with_date and values[k] is None:
                values[k] = rules.fill([row[i][k] for i in lows if i in row], kind, rng)
            elif s in without and values[k] is not None and nullable:
                values[k] = None

    return fix


def _probability(status: str, prob_cp):
    name = prob_cp.name
    won = 100 if _allowed(prob_cp, 100) else None
    lost = 0 if _allowed(prob_cp, 0) else None

    def fix(row: dict, n: int, rng: random.Random) -> None:
        values, states = row[name], row[status]
        for k in range(n):
            s = _label(states[k])
            if s in WON and won is not None:
                values[k] = won
            elif s in LOST and lost is not None:
                values[k] = lost

    return fix


def _flag_from_date(flag: str, ended: str):
    def fix(row: dict, n: int, rng: random.Random) -> None:
        row[flag] = [d is None for d in row[ended]]

    return fix


def _status_from_date(status_cp, ended: str):
    """An end date makes the status inactive, no end date makes an inactive status active,
    with labels the column allows (seen in the block, or its enum/CHECK list)."""
    name = status_cp.name
    known = list(status_cp.column.enum_labels) or list(status_cp.info.hints.get("choices") or [])

    def fix(row: dict, n: int, rng: random.Random) -> None:
        values = row[name]
        labels = {_label(v): v for v in [*known, *values] if isinstance(v, str)}
        on = next((labels[x] for x in ACTIVE if x in labels), None)
        off = next((labels[x] for x in INACTIVE if x in labels), None)
        for k in range(n):
            s = _label(values[k])
            if row[ended][k] is not None and s in ACTIVE and off is not None:
                values[k] = off
            elif row[ended][k] is None and s in INACTIVE and on is not None:
                values[k] = on

    return fix


# --- across tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Diamond:
    direct: ForeignKey
    """C -> A: its picks are derived"""
    via: ForeignKey
    """C -> B"""
    path: tuple[ForeignKey, ...]
    """B -> ... -> A, one or two FKs"""


def diamonds(schema: Schema, table: Table, usable: Callable[[Table, ForeignKey], bool]) -> list[Diamond]:
    """The FK diamonds of ``table``, in an order where a derived FK is never needed before it
    is derived."""
    fks = [fk for fk in table.foreign_keys if usable(table, fk)]
    found: list[Diamond] = []
    for direct in fks:
        if name_has(direct.ref_table, *SHARED_TABLES):
            continue
        for via in fks:
            if via is direct or set(via.columns) & set(direct.columns):
                continue
            path = _path(schema, via.ref, direct, usable, hops=2)
            if path is not None:
                found.append(Diamond(direct, via, path))
                break
    ordered: list[Diamond] = []
    pending = list(found)
    while pending:
        ready = [d for d in pending if not any(o.direct is d.via for o in pending if o is not d)]
        if not ready:
            break  # a loop of diamonds: leave the rest alone
        ordered += ready
        pending = [d for d in pending if d not in ready]
    return ordered


def _path(schema: Schema, start: tuple, direct: ForeignKey, usable, hops: int) -> tuple | None:
    table = schema.tables.get(start)
    if table is None or hops == 0:
        return None
    for fk in table.foreign_keys:
        if not usable(table, fk):
            continue
        if fk.ref == direct.ref and fk.columns == direct.columns:
            return (fk,)
    for fk in table.foreign_keys:
        if usable(table, fk) and fk.ref != direct.ref:
            rest = _path(schema, fk.ref, direct, usable, hops - 1)
            if rest is not None:
                return (fk, *rest)
    return None


class Lineage:
    """Computes, for any table of the run, which parent row each row references and when each
    row was created, from the seeds alone (cached by block)."""

    def __init__(self, schema: Schema, plan, graph, base_date: dt.date):
        self.schema, self.plan, self.graph, self.base_date = schema, plan, graph, base_date
        self.end = dt.datetime.combine(base_date, dt.time(23, 59, 59))
        self._fills: dict[tuple, dict[int, object]] = {}
        self._diamonds: dict[tuple, list[Diamond]] = {}
        self._picks: dict[tuple, list[int]] = {}
        self._created_plan: dict[tuple, object] = {}
        self._created: dict[tuple, np.ndarray] = {}

    def usable(self, table: Table, fk: ForeignKey) -> bool:
        """A FK whose picks a descendant can follow: to another table, not left NULL."""
        from datalchemy_mp.planning.graph import active_fks

        if fk.ref == table.key or fk.ref not in self.graph.rows or self.graph.is_broken(table.key, fk):
            return False
        return any(f is fk for f in active_fks(self.schema, table, self.graph.fk_disabled))

    def diamonds(self, key: tuple) -> list[Diamond]:
        """The diamonds the engine can follow: the derived FK is not one-to-one, and if it is in
        a UNIQUE pair, the pair's other FK is the via and can be one-to-one (rows permitting)."""
        if key not in self._diamonds:
            from datalchemy_mp.planning.graph import active_fks
            from datalchemy_mp.planning.uniques import fk_pairs, one_to_one

            table = self.schema.tables[key]
            pairs = fk_pairs(table, list(active_fks(self.schema, table, self.graph.fk_disabled)))
            kept = []
            for d in diamonds(self.schema, table, self.usable):
                pair = next((p for p in pairs if d.direct in p[:2]), None)
                if one_to_one(table, d.direct):
                    continue
                if pair is not None and (
                    d.via not in pair[:2] or self.graph.rows[key] > self.graph.rows[d.via.ref]
                ):
                    continue
                kept.append(d)
            self._diamonds[key] = kept
        return self._diamonds[key]

    def fills(self, key: tuple) -> dict[int, Any]:
        """The engine's FK fills of a table, by id of the FK."""
        if key not in self._fills:
            from datalchemy_mp.engine.table import fk_fills
            from datalchemy_mp.planning import columns

            tp = columns.build(self.schema, self.plan, self.graph, key, self.base_date, only=set())
            self._fills[key] = {id(f.fk): f for f in fk_fills(tp, self.graph.rows, self.diamonds(key))}
        return self._fills[key]

    def block_picks(self, key: tuple, fk: ForeignKey, block: int) -> list[int]:
        """First-attempt parent rows of one block of ``key`` along ``fk``, diamonds applied."""
        ck = (key, id(fk), block)
        if ck not in self._picks:
            start = block * BLOCK_ROWS
            n = max(min(BLOCK_ROWS, self.graph.rows[key] - start), 0)
            fills = self.fills(key)
            picks = {
                fid: f.picks(start, n, random.Random(seeds.derive(f.key, block)))
                for fid, f in fills.items()
                if not f.self_ref
            }
            self.derive(key, picks)
            for fid, p in picks.items():
                self._picks[(key, fid, block)] = p
        return self._picks[ck]

    def rows_of(self, key: tuple, fk: ForeignKey, rows: list[int]) -> list[int]:
        out = []
        for r in rows:
            out.append(self.block_picks(key, fk, r // BLOCK_ROWS)[r % BLOCK_ROWS])
        return out

    def derive(self, key: tuple, picks: dict[int, list[int]]) -> None:
        """Replace the picks of diamond FKs by the row their via-parent leads to."""
        for d in self.diamonds(key):
            if id(d.via) not in picks or id(d.direct) not in picks:
                continue
            rows = picks[id(d.via)]
            table = d.via.ref
            for fk in d.path:
                rows = self.rows_of(table, fk, rows)
                table = fk.ref
            picks[id(d.direct)] = rows

    # -- creation order --

    def created_parents(self, key: tuple) -> list[ForeignKey]:
        table = self.schema.tables[key]
        return [
            fk for fk in table.foreign_keys if self.usable(table, fk) and self._created_cp(fk.ref) is not None
        ]

    def _created_cp(self, key: tuple):
        """The plan of ``key``'s creation column, if its values are a function of the row."""
        if key not in self._created_plan:
            from datalchemy_mp.planning import columns
            from datalchemy_mp.planning.columns import Source

            table = self.schema.tables[key]
            name = created_column(table)
            cp = None
            if name is not None:
                tp = columns.build(self.schema, self.plan, self.graph, key, self.base_date, only={name})
                found = next((c for c in tp.columns if c.name == name), None)
                if found is not None and found.source in (Source.RULE, Source.DEFAULT) and not found.inputs:
                    cp = found
            self._created_plan[key] = cp
        return self._created_plan[key]

    def created(self, key: tuple, rows) -> np.ndarray:
        """The creation instants of rows of ``key``, as ``micros`` (NAT where unknown or NULL)."""
        cp = self._created_cp(key)
        rows = np.asarray(rows, dtype=np.int64)
        if cp is None or not len(rows):
            return np.full(len(rows), NAT, dtype=np.int64)
        blocks, at = np.divmod(rows, BLOCK_ROWS)
        unique, which = np.unique(blocks, return_inverse=True)
        if len(unique) <= 64:  # the usual case: a few parent blocks, gathered at once
            stack = np.stack([self._created_block(key, cp, b) for b in unique.tolist()])
            return stack[which, at]
        return np.fromiter(
            (self._created_block(key, cp, b)[k] for b, k in zip(blocks.tolist(), at.tolist(), strict=True)),
            dtype=np.int64,
            count=len(rows),
        )

    def _created_block(self, key: tuple, cp, block: int) -> np.ndarray:
        """``micros`` of the creation values of one block of ``key`` (BLOCK_ROWS long, NAT past
        the table's end)."""
        ck = (key, block)
        if ck not in self._created:
            start = block * BLOCK_ROWS
            n = max(min(BLOCK_ROWS, self.graph.rows[key] - start), 0)
            values = raw_values(cp, start, n)
            parents = [
                self.created(fk.ref, self.block_picks(key, fk, block)[:n]) for fk in self.created_parents(key)
            ]
            moved = self.after_parents(values, parents, cp.column.kind, cp.info.hints.get("max"))
            values = finish_values(cp, moved, start, n)
            hmin = cp.info.hints.get("min")
            floor = hmin if isinstance(hmin, dt.date) else None
            if past_like(cp.name) and not (floor is not None and _as_dt(floor) > self.end):
                values = list(values)
                for k in _late(values, self.end):
                    values[k] = cap(self.end, values[k], cp.column.kind, [], floor)
            out = np.full(BLOCK_ROWS, NAT, dtype=np.int64)
            out[:n] = micros(values)
            self._created[ck] = out
        return self._created[ck]

    def after_parents(self, values: list, parent_values: list, kind: str, ceiling=None) -> list:
        """Each value moved, where it is before its latest parent's, into [parent, run date]
        by a function of the value (no RNG draw: the stream stays as it was). Never past
        `ceiling`, the column's CHECK maximum: a parent later than the CHECK allows leaves the
        value where it is (the CHECK wins). ``parent_values``: one block per parent (lists,
        or ``micros``); a bulk block of values keeps its array."""
        end = self.end if not isinstance(ceiling, dt.date) else min(self.end, _as_dt(ceiling))
        if not len(values) or not parent_values:
            return values
        mine = micros(values)
        low = np.max(np.stack([micros(p) for p in parent_values]), axis=0)  # NAT is below all
        last = _micros_of(end)
        moving = (mine != NAT) & (low != NAT) & (low <= last) & ((mine < low) | (mine > last))
        at = np.flatnonzero(moving)
        if not len(at):
            return values
        new = _fold(mine[at], low[at], last)
        array = bulk.array_of(values)
        if array is not None and array.dtype.kind == "M":  # a bulk block: moved in its array
            moved = new.astype("datetime64[us]")
            fitted = moved.astype(array.dtype)
            if kind == Kind.DATE:
                fits = array.dtype == np.dtype("datetime64[D]")  # a date is the moved day
            else:
                fits = bool((fitted.astype("datetime64[us]") == moved).all())
            if fits:
                array = array.copy()
                array[at] = fitted
                return bulk.column(array)
        out = list(values)
        for k, us in zip(at.tolist(), new.tolist(), strict=True):
            moved_value = _from_micros(us)
            if moved_value != _as_dt(values[k]):
                out[k] = _back(moved_value, kind)
        return out


def raw_values(cp, start: int, n: int) -> list:
    """A column's first-attempt values for rows [start, start+n) as the engine draws them
    (generator, NULL rate), for a column that reads no other column."""
    rng = seeds.block_rng(cp.key, start // BLOCK_ROWS)
    values = cp.fn(Batch(rng=rng, start=start, n=n, row={}, attempt=0))
    if cp.null_rate:
        rnd, rate = rng.random, cp.null_rate
        values = [None if rnd() < rate else v for v in values]
    return values


def finish_values(cp, values: list, start: int, n: int) -> list:
    """Then its transforms and type fitting, as the engine applies them."""
    row = {cp.name: values}
    for tid, fn in cp.transforms:
        t_rng = random.Random(seeds.derive(cp.key, "transform", tid, start, 0))
        row[cp.name] = fn(Batch(rng=t_rng, start=start, n=n, row=row, attempt=0), row[cp.name])
    if cp.coerce is not None:
        row[cp.name] = cp.coerce(row[cp.name])
    return row[cp.name]
