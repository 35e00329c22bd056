"""Real distributions: column ``stats`` (from ``introspect --stats``) and FK fan-out.

- A column without a rule that has stats with values (most common values or histogram
  bounds) is filled by ``stats.distribution``; its NULL share is its ``null_frac``. Keys,
  unique columns and FK columns keep their own generators. ``options.use_stats: false`` in
  the plan turns this off.
- A FK's per-parent child counts follow ``options.fk_distribution`` of the plan::

      "fk_distribution": {"kind": "zipf", "s": 1.1, "mean": 4}

  ``kind``: ``poisson`` (the default: each child picks a parent at random, so counts are
  close to Poisson with mean child rows / parent rows), ``uniform`` (every parent used gets
  the same count, give or take one) or ``zipf`` (the parent of rank r, in a random order,
  gets a share proportional to 1 / r^s; ``s`` defaults to 1). ``mean``: children per parent
  that has any; then only ceil(child rows / mean) parents are used. A FK column with stats
  whose ``n_distinct`` says how many parents were referenced uses that many (scaled to the
  rows generated), unless the plan says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from datalchemy_mp.contracts.schema import Column, ForeignKey, Table

KINDS = ("poisson", "uniform", "zipf")


@dataclass(frozen=True)
class Fanout:
    kind: str = "poisson"
    s: float = 1.0
    used: int | None = None
    """Parents that get children (None: all of them)."""


def parse_option(r, value, path: str) -> dict | None:
    """``options.fk_distribution`` checked with the plan reader ``r`` (errors name the path)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        r.error(path, "schema_violation", f"expected an object, got {type(value).__name__}")
        return None
    kind = value.get("kind", "poisson")
    if kind not in KINDS:
        r.error(f"{path}/kind", "schema_violation", f"expected one of {list(KINDS)}, got {kind!r}")
        return None
    out = {"kind": kind}
    for key, low in (("s", 0.0), ("mean", 1.0)):
        v = value.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or v < low:
            r.error(f"{path}/{key}", "schema_violation", f"expected a number >= {low}, got {v!r}")
            return None
        out[key] = float(v)
    for key in sorted(set(value) - {"kind", "s", "mean"}):
        r.warning(f"{path}/{key}", "unknown_option", f"option {key!r} is not known and is ignored")
    return out


def fanout(
    option: dict | None, table: Table | None, fk: ForeignKey, child_rows: int, parent_rows: int
) -> Fanout | None:
    """How ``fk`` spreads ``child_rows`` over ``parent_rows`` (None: the plain random pick)."""
    used = None
    if option and option.get("mean"):
        used = math.ceil(child_rows / option["mean"])
    elif table is not None and len(fk.columns) == 1:
        used = _distinct_from_stats(table.column(fk.columns[0]), child_rows)
    if option is None and used is None:
        return None
    kind = (option or {}).get("kind", "poisson")
    if used is not None:
        used = max(1, min(used, parent_rows))
        if used >= parent_rows:
            used = None
    if kind == "poisson" and used is None:
        return None
    return Fanout(kind=kind, s=(option or {}).get("s", 1.0), used=used)


def _distinct_from_stats(col: Column | None, child_rows: int) -> int | None:
    stats = getattr(col, "stats", None) or {}
    nd = stats.get("n_distinct")
    if not isinstance(nd, int | float) or nd == 0:
        return None
    if nd < 0:
        return math.ceil(-nd * child_rows)
    rows = stats.get("table_rows")
    if not isinstance(rows, int) or rows <= 0:
        return None
    return math.ceil(nd / rows * child_rows)


def stats_generator(col: Column) -> tuple[str, dict] | None:
    """``stats.distribution`` with the column's stats, if they hold values."""
    stats = getattr(col, "stats", None) or {}
    mcv, bounds = stats.get("most_common_vals") or [], stats.get("histogram_bounds") or []
    if not mcv and len(bounds) < 2:
        return None
    return "stats.distribution", {
        "most_common_vals": list(mcv),
        "most_common_freqs": list(stats.get("most_common_freqs") or []),
        "histogram_bounds": list(bounds),
        "null_frac": float(stats.get("null_frac") or 0.0),
    }


def null_rate(col: Column) -> float | None:
    stats = getattr(col, "stats", None) or {}
    frac = stats.get("null_frac")
    return float(frac) if isinstance(frac, int | float) and not isinstance(frac, bool) else None
