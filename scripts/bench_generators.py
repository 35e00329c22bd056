"""Values per second of common generators, block by block as the engine calls them.

    .venv/bin/python scripts/bench_generators.py [--rows N] [--repeat R]

Each case is timed ``--repeat`` times and the best run is shown (other processes on the
machine only ever slow a run down).
"""

from __future__ import annotations

import argparse
import random
import time

import datalchemy_mp.generators  # noqa: F401  (registers everything)
from datalchemy_mp.generators.base import BLOCK_ROWS, GENERATORS, Batch, ColumnInfo, check_params

CASES = [
    # (label, generator ID, params, column kind, unique, locale)
    ("uuid", "primitive.uuid", {}, "uuid", False, "en_US"),
    ("uuid (unique)", "primitive.uuid", {}, "uuid", True, "en_US"),
    ("cpf", "semantic.br.cpf", {}, "text", False, "pt_BR"),
    ("cpf (unique)", "semantic.br.cpf", {}, "text", True, "pt_BR"),
    ("cnpj", "semantic.br.cnpj", {}, "text", False, "pt_BR"),
    ("cnpj (unique)", "semantic.br.cnpj", {}, "text", True, "pt_BR"),
    ("email.safe", "semantic.br.email.safe", {}, "text", False, "pt_BR"),
    ("email.safe (unique)", "semantic.br.email.safe", {}, "text", True, "pt_BR"),
    ("br name", "semantic.br.name", {}, "text", False, "pt_BR"),
    ("br phone", "semantic.br.phone", {}, "text", False, "pt_BR"),
    ("br phone (unique)", "semantic.br.phone", {}, "text", True, "pt_BR"),
    ("int.range", "primitive.int.range", {"min": 1, "max": 1000}, "integer", False, "en_US"),
    ("int.range (unique)", "primitive.int.range", {"min": 1, "max": 10**9}, "integer", True, "en_US"),
    ("decimal.numeric", "primitive.decimal.numeric", {}, "numeric", False, "en_US"),
    ("timestamp", "primitive.timestamp", {}, "timestamp", False, "en_US"),
    ("date", "primitive.date", {}, "date", False, "en_US"),
    ("bool", "primitive.bool", {}, "boolean", False, "en_US"),
    ("faker Name (pt_BR)", "faker.name.raw.Name", {}, "text", False, "pt_BR"),
    ("faker SafeEmail (unique)", "faker.internet.raw.SafeEmail", {}, "text", True, "en_US"),
]


def bench(gen_id: str, params: dict, kind: str, unique: bool, locale: str, rows: int, repeat: int) -> float:
    spec = GENERATORS[gen_id]
    col = ColumnInfo(
        schema="bench",
        table="t",
        name="c",
        kind=kind,
        unique=unique,
        seed=7,
        locale=locale,
        scale=2 if kind == "numeric" else None,
    )
    fn = spec.factory(col, check_params(spec.params, params, strict=spec.strict, path=""))
    fn(Batch(rng=random.Random(0), start=0, n=16))  # warm-up: lazy tables, Faker instances
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for start in range(0, rows, BLOCK_ROWS):
            n = min(BLOCK_ROWS, rows - start)
            values = fn(Batch(rng=random.Random(start), start=start, n=n))
            assert len(values) == n
        best = min(best, time.perf_counter() - t0)
    return rows / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for label, gen_id, params, kind, unique, locale in CASES:
        rows = args.rows // 10 if gen_id.startswith("faker.") and not unique else args.rows
        rate = bench(gen_id, params, kind, unique, locale, rows, args.repeat)
        print(f"{label:<26} {gen_id:<32} {rate / 1000:>8.0f}k values/s  ({rows} rows)")


if __name__ == "__main__":
    main()
