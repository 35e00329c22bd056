"""Shared helpers for the generator tests: build a generator or transform like the engine."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import datalchemy_mp.generators  # noqa: F401  (registers everything)
from datalchemy_mp.generators.base import (
    BLOCK_ROWS,
    GENERATORS,
    TRANSFORMS,
    Batch,
    ColumnInfo,
    check_params,
)

TODAY = dt.date(2024, 1, 1)


def column(kind: str = "text", **kw: Any) -> ColumnInfo:
    base: dict[str, Any] = {
        "schema": "s",
        "table": "t",
        "name": "c",
        "kind": kind,
        "seed": 42,
        "hints": {"today": TODAY},
    }
    base.update(kw)
    return ColumnInfo(**base)


def build(gen_id: str, params: dict | None = None, **col_kw: Any):
    spec = GENERATORS[gen_id]
    col = column(**col_kw)
    return spec.factory(
        col, check_params(spec.params, params or {}, strict=spec.strict, path="/rules/0/generator/params")
    )


def draw(fn, n: int = 200, start: int = 0, seed: int = 1, row: dict | None = None) -> list:
    return fn(Batch(rng=random.Random(seed), start=start, n=n, row=row or {}))


def draw_blocks(fn, start: int, n: int, seed: int = 0) -> list:
    """Rows [start, start+n) block by block, each block with its own RNG (as the engine)."""
    out: list = []
    pos = start
    while pos < start + n:
        take = min(BLOCK_ROWS - pos % BLOCK_ROWS, start + n - pos)
        out.extend(fn(Batch(rng=random.Random(seed * 1_000_003 + pos // BLOCK_ROWS), start=pos, n=take)))
        pos += take
    return out


def generate(
    gen_id: str, params: dict | None = None, n: int = 200, start: int = 0, seed: int = 1, **col_kw: Any
) -> list:
    return draw(build(gen_id, params, **col_kw), n, start, seed)


def transform(tid: str, params: dict, values: list, seed: int = 1, **col_kw: Any) -> list:
    spec = TRANSFORMS[tid]
    fn = spec.factory(column(**col_kw), check_params(spec.params, params, strict=spec.strict, path="/t"))
    return fn(Batch(rng=random.Random(seed), start=0, n=len(values)), values)
