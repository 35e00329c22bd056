"""``derive.*``: values computed from other columns of the same row (``input_columns``).

The engine generates the inputs first and hands them in ``batch.row`` (pre-transform values);
column names match case-insensitively. ``derive.fk`` and ``derive.parent_value`` live in
``relational.py``: the engine fills them from parent rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

import numpy as np

from datalchemy_mp import seeds
from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators import bulk
from datalchemy_mp.generators._util import TieredTokens
from datalchemy_mp.generators.base import (
    DATE,
    NUMBER,
    TEMPORAL,
    TEXT,
    TIMESTAMP,
    Batch,
    BatchFn,
    ColumnInfo,
    Param,
    generator,
)

INPUTS = Param("input_columns", list, required=True, doc="names of the columns read")


def _inputs(params: dict, least: int = 1, most: int | None = None) -> list[str]:
    cols = params["input_columns"]
    if not all(isinstance(c, str) and c for c in cols):
        raise ParamError("param 'input_columns' must be a list of column names", path="input_columns")
    if len(cols) < least or (most is not None and len(cols) > most):
        want = f"{least}" if most == least else f"{least}..{most if most else 'n'}"
        raise ParamError(
            f"param 'input_columns' needs {want} column(s), got {len(cols)}", path="input_columns"
        )
    return cols


def column(b: Batch, name: str, col: ColumnInfo) -> list:
    """The values of input column ``name`` in this block (matched case-insensitively)."""
    if name in b.row:
        return b.row[name]
    lowered = name.lower()
    for key, values in b.row.items():
        if key.lower() == lowered:
            return values
    raise GenerationError(
        f"{col.qualified}: input column {name!r} has no values in this row "
        f"(known: {', '.join(sorted(b.row)) or 'none'})"
    )


# --- email_from_name -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-_.]+")
_DROP = re.compile(r"[^a-z0-9.]")


def email_part(value) -> str:
    """``"João  da-Silva"`` -> ``"joao.da.silva"``: accents folded (upstream dropped the
    letter: ``joo``), separators to one dot, other characters dropped."""
    if value is None:
        return ""
    return _email_part(str(value))


@functools.lru_cache(maxsize=1 << 16)  # names repeat: most rows hit the cache
def _email_part(value: str) -> str:
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _DROP.sub("", _SEPARATORS.sub(".", text))
    return re.sub(r"\.+", ".", text).strip(".")


@generator(
    "derive.email_from_name",
    kinds=TEXT,
    strict=False,
    derive=True,
    unique=True,
    tags=("pii.email",),
    params=(
        INPUTS,
        Param("domain", str, default="example.com"),
    ),
    example_params={"input_columns": ["nome"]},
)
def email_from_name(col: ColumnInfo, params: dict) -> BatchFn:
    """``ana.silva@example.com`` from the name columns (``user<N>`` when they are empty);
    on a unique column a distinct number per row follows the name (``ana.silva4821@…``)."""
    names = _inputs(params)
    domain = params["domain"]
    tokens = TieredTokens(seeds.derive(col.seed, "email")) if col.unique else None

    def gen(b: Batch) -> list:
        parts = [[email_part(v) for v in column(b, name, col)] for name in names]
        toks = tokens.block(b.start, b.n) if tokens is not None else [""] * b.n
        out = []
        for k, pieces in enumerate(zip(*parts, strict=True)):
            local = ".".join(p for p in pieces if p) or f"user{b.start + k + 1}"
            out.append(f"{local}{toks[k]}@{domain}")
        return out

    return gen


# --- updated_after_created / end_after_start ---------------------------------------------------

AFTER_PARAMS = (
    Param("input_columns", list, required=True, doc="[the earlier column]"),
    Param("min_seconds", int, doc="least gap for timestamps and times (default 0)"),
    Param("max_seconds", int, doc="largest gap: timestamps 86400, times 3600 by default"),
    Param("min_days", int, doc="least gap for dates (default 0)"),
    Param("max_days", int, doc="largest gap for dates (default 30)"),
)


def _gap(params: dict, unit: str, default_max: int) -> tuple[int, int]:
    """The (least, largest) gap in ``unit`` ("days" or "seconds"): the unit's own params,
    else the other unit's converted, else 0..default (negative values count as 0)."""
    per_day = 86400
    if unit == "days":
        lo, hi = params.get("min_days"), params.get("max_days")
        if lo is None and params.get("min_seconds") is not None:
            lo = -(-params["min_seconds"] // per_day)
        if hi is None and params.get("max_seconds") is not None:
            hi = params["max_seconds"] // per_day
    else:
        lo, hi = params.get("min_seconds"), params.get("max_seconds")
        if lo is None and params.get("min_days") is not None:
            lo = params["min_days"] * per_day
        if hi is None and params.get("max_days") is not None:
            hi = params["max_days"] * per_day
    lo = max(lo or 0, 0)
    hi = default_max if hi is None else max(hi, 0)
    return lo, max(hi, lo)


def _check_gaps(params: dict) -> None:
    for low, high in (("min_seconds", "max_seconds"), ("min_days", "max_days")):
        lo, hi = params.get(low), params.get(high)
        if lo is not None and hi is not None and max(lo, 0) > max(hi, 0):
            raise ParamError(f"param {low!r} ({lo}) must be <= param {high!r} ({hi})", path=low)


def _after(col: ColumnInfo, params: dict) -> BatchFn:
    (source,) = _inputs(params, 1, 1)
    _check_gaps(params)
    day_lo, day_hi = _gap(params, "days", 30)
    ts_lo, ts_hi = _gap(params, "seconds", 86400)
    t_lo, t_hi = _gap(params, "seconds", 3600)
    to_date = col.kind in DATE
    to_timestamp = col.kind in TIMESTAMP
    td, combine, midnight = dt.timedelta, dt.datetime.combine, dt.time()
    last = dt.datetime(2000, 1, 1, 23, 59, 59)

    def gen(b: Batch) -> list:
        values = column(b, source, col)
        start = bulk.array_of(values)
        if start is not None and start.dtype.kind == "M" and (to_date or to_timestamp):
            return _after_block(b, start, to_date, (ts_lo, ts_hi), (day_lo, day_hi))
        r = b.rng.random
        out: list = []
        for v in values:
            if v is None:
                out.append(None)
            elif isinstance(v, dt.datetime):
                stamp = v + td(0, ts_lo + int(r() * (ts_hi - ts_lo + 1)))
                out.append(stamp.date() if to_date else stamp)
            elif isinstance(v, dt.date):
                day = v + td(day_lo + int(r() * (day_hi - day_lo + 1)))
                out.append(combine(day, midnight) if to_timestamp else day)
            elif isinstance(v, dt.time):
                clock = combine(dt.date(2000, 1, 1), v) + td(0, t_lo + int(r() * (t_hi - t_lo + 1)))
                out.append(min(clock, last).time())
            else:
                raise GenerationError(
                    f"{col.qualified}: input {source!r} holds "
                    f"{type(v).__name__} {v!r}, expected a date, time or "
                    "timestamp"
                )
        return out

    return gen


def _after_block(
    b: Batch, start: np.ndarray, to_date: bool, seconds: tuple[int, int], days: tuple[int, int]
) -> list:
    """``_after`` for a bulk block of dates or timestamps (no NULLs: a bulk block has none)."""
    if start.dtype == np.dtype("datetime64[D]"):
        out = start + b.np.integers(days[0], days[1] + 1, len(start)).astype("timedelta64[D]")
    else:
        out = start + b.np.integers(seconds[0], seconds[1] + 1, len(start)).astype("timedelta64[s]")
    return bulk.column(out.astype("datetime64[D]") if to_date else out.astype("datetime64[s]"))


for _id, _what in (
    ("derive.updated_after_created", "an update time after the creation time"),
    ("derive.end_after_start", "an end after the start"),
):
    generator(
        _id,
        kinds=TEMPORAL,
        strict=False,
        derive=True,
        params=AFTER_PARAMS,
        example_params={"input_columns": ["data_inicio"]},
        description=f"{_what}: the input plus a random gap in [min, max] (min_seconds/min_days honoured)",
    )(_after)


# --- money_total -----------------------------------------------------------------------------


@generator(
    "derive.money_total",
    kinds=NUMBER,
    strict=False,
    derive=True,
    params=(
        Param("input_columns", list, required=True, doc="[price, quantity, discount?]"),
        Param(
            "discount_percent",
            bool,
            default=False,
            doc="the discount is a percentage of price*quantity (upstream: an amount)",
        ),
    ),
    example_params={"input_columns": ["preco", "quantidade"]},
)
def money_total(col: ColumnInfo, params: dict) -> BatchFn:
    """``price * quantity - discount`` (unrounded; the CSV applies the column scale)."""
    names = _inputs(params, 2, 3)
    percent = params["discount_percent"]

    def number(v, name: str):
        if v is None or (isinstance(v, int | float) and not isinstance(v, bool)):
            return v
        try:
            return float(v)
        except (TypeError, ValueError):
            raise GenerationError(f"{col.qualified}: input {name!r} holds {v!r}, expected a number") from None

    def gen(b: Batch) -> list:
        prices = [number(v, names[0]) for v in column(b, names[0], col)]
        qtys = [number(v, names[1]) for v in column(b, names[1], col)]
        discounts = [number(v, names[2]) for v in column(b, names[2], col)] if len(names) == 3 else [0] * b.n
        out: list[float | None] = []
        for p, q, d in zip(prices, qtys, discounts, strict=True):
            if p is None or q is None:
                out.append(None)
                continue
            gross = float(p) * float(q)
            d = d or 0
            out.append(gross * (1 - d / 100) if percent else gross - d)
        return out

    return gen


# --- template ---------------------------------------------------------------------------------


@generator(
    "derive.template",
    kinds=TEXT,
    strict=True,
    derive=True,
    params=(
        INPUTS,
        Param("template", str, required=True, doc="text with {column} placeholders"),
    ),
    example_params={"input_columns": ["nome"], "template": "Contato: {nome}"},
)
def template(col: ColumnInfo, params: dict) -> BatchFn:
    """Text from a template over other columns: ``"{nome} {sobrenome}"`` (NULL -> empty)."""
    names = _inputs(params)
    text = params["template"]
    missing = [n for n in re.findall(r"\{([^{}]+)\}", text) if n not in names]
    if missing:
        raise ParamError(f"param 'template' names {missing}, which are not in input_columns", path="template")

    def gen(b: Batch) -> list:
        cols = [column(b, n, col) for n in names]
        out = []
        for values in zip(*cols, strict=True):
            s = text
            for n, v in zip(names, values, strict=True):
                s = s.replace("{" + n + "}", "" if v is None else str(v))
            out.append(s)
        return out

    return gen
