"""Values that follow a column's real distribution (``stats`` from ``introspect --stats``).

``stats.distribution`` draws a most common value with its frequency, else a value inside a
histogram bucket (each bucket holds the same share of the other rows, as in ``pg_stats``):
uniform between the bucket's bounds for numbers, dates and timestamps, the lower bound for
other types. NULLs are the engine's (``null_frac``), so frequencies here are of non-NULL rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.errors import ParamError
from datalchemy_mp.generators.base import Batch, BatchFn, ColumnInfo, Param, generator

_INTS = (Kind.SMALLINT, Kind.INTEGER, Kind.BIGINT)
_FLOATS = (Kind.NUMERIC, Kind.REAL, Kind.DOUBLE)


def parse_value(text: str, kind: str):
    """A pg_stats text value as the column's Python value (ValueError if it is not one)."""
    if kind in _INTS:
        return int(text)
    if kind in _FLOATS:
        return float(text)
    if kind == Kind.DATE:
        return dt.date.fromisoformat(text)
    if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        value = dt.datetime.fromisoformat(re.sub(r"([+-]\d\d)$", r"\1:00", text))
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if kind == Kind.BOOLEAN:
        return text in ("t", "true")
    return text


@generator(
    "stats.distribution",
    strict=False,
    example_params={"most_common_vals": ["a", "b"], "most_common_freqs": [0.6, 0.3], "histogram_bounds": []},
    params=(
        Param("most_common_vals", list, default=[], doc="most common values (text forms)"),
        Param("most_common_freqs", list, default=[], doc="their frequencies among all rows"),
        Param("histogram_bounds", list, default=[], doc="bounds of equal-share buckets"),
        Param(
            "null_frac", float, default=0.0, min=0.0, max=1.0, doc="share of NULLs (applied by the engine)"
        ),
    ),
)
def distribution(col: ColumnInfo, params: dict) -> BatchFn:
    """A value drawn from pg_stats' most common values and histogram."""
    try:
        mcv = [parse_value(v, col.kind) for v in params["most_common_vals"] if v is not None]
        bounds = [parse_value(v, col.kind) for v in params["histogram_bounds"] if v is not None]
    except (ValueError, TypeError) as exc:
        raise ParamError(
            f"a statistics value does not fit the column's type: {exc}", path="most_common_vals"
        ) from None
    freqs = [float(f) for f in params["most_common_freqs"]][: len(mcv)]
    non_null = max(1.0 - params["null_frac"], 1e-9)
    mcv_share = min(sum(freqs) / non_null, 1.0) if bounds else 1.0
    if not mcv and len(bounds) < 2:
        raise ParamError("statistics need most common values or at least two histogram bounds", path="")
    cumulative, total = [], 0.0
    for f in freqs or [1.0] * len(mcv):
        total += f
        cumulative.append(total)
    between = _between(col.kind)
    buckets = len(bounds) - 1

    def gen(b: Batch) -> list:
        rnd = b.rng.random
        out = []
        for _ in range(b.n):
            if mcv and (buckets < 1 or rnd() < mcv_share):
                k = bisect.bisect_right(cumulative, rnd() * total)
                out.append(mcv[min(k, len(mcv) - 1)])
            else:
                i = int(rnd() * buckets)
                out.append(between(bounds[i], bounds[i + 1], rnd()))
        return out

    return gen


def _between(kind: str):
    if kind in _INTS:
        return lambda lo, hi, u: lo + int(u * (hi - lo + 1)) if hi > lo else lo
    if kind in _FLOATS:
        return lambda lo, hi, u: lo + u * (hi - lo)
    if kind == Kind.DATE:
        return lambda lo, hi, u: lo + dt.timedelta(days=int(u * ((hi - lo).days + 1)))
    if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        return lambda lo, hi, u: lo + dt.timedelta(seconds=int(u * (hi - lo).total_seconds()))
    return lambda lo, hi, u: lo
