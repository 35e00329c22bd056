"""Values per second of the most used generators, block by block as the engine calls them,
each block then formatted as CSV fields.

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
from datalchemy_mp.output.csv import formatter

CASES = [
    # (label, generator ID, params, column kind, unique, locale): the 20 generators most used by
    # the columns of the example plans (shared crm full_stack_ptbr, plans/crm, plans/bench), with
    # the unique variants that keys use.
    ("uuid (unique)", "primitive.uuid", {}, "uuid", True, "en_US"),
    ("timestamp", "primitive.timestamp", {}, "timestamp", False, "en_US"),
    ("br phone", "semantic.br.phone", {}, "text", False, "pt_BR"),
    ("br phone (unique)", "semantic.br.phone", {}, "text", True, "pt_BR"),
    ("bool", "primitive.bool", {}, "boolean", False, "en_US"),
    ("email.safe", "semantic.br.email.safe", {}, "text", False, "pt_BR"),
    ("email.safe (unique)", "semantic.br.email.safe", {}, "text", True, "pt_BR"),
    ("br name", "semantic.br.name", {}, "text", False, "pt_BR"),
    ("date", "primitive.date", {}, "date", False, "en_US"),
    ("decimal.numeric", "primitive.decimal.numeric", {}, "numeric", False, "en_US"),
    ("enum", "primitive.enum", {}, "enum", False, "en_US"),
    ("end_after_start", "derive.end_after_start", {"input_columns": ["start"]}, "timestamp", False, "en_US"),
    ("sequence (unique)", "primitive.sequence", {}, "bigint", True, "en_US"),
    ("money.brl", "semantic.br.money.brl", {}, "numeric", False, "pt_BR"),
    ("company.name", "semantic.br.company.name", {}, "text", False, "pt_BR"),
    ("cnpj (unique)", "semantic.br.cnpj", {}, "text", True, "pt_BR"),
    (
        "updated_after_created",
        "derive.updated_after_created",
        {"input_columns": ["start"]},
        "timestamp",
        False,
        "en_US",
    ),
    ("br city", "semantic.br.city", {}, "text", False, "pt_BR"),
    ("int.range", "primitive.int.range", {"min": 1, "max": 1000}, "integer", False, "en_US"),
    ("int.range (unique)", "primitive.int.range", {"min": 1, "max": 10**9}, "integer", True, "en_US"),
    ("br url (unique)", "semantic.br.url", {}, "text", True, "pt_BR"),
    ("br sentence", "semantic.br.sentence", {}, "text", False, "pt_BR"),
    ("product.name", "semantic.br.product.name", {}, "text", False, "pt_BR"),
    ("cpf (unique)", "semantic.br.cpf", {}, "text", True, "pt_BR"),
]
"""A derive generator reads a ``start`` column made by primitive.timestamp in the same block."""


def bench(gen_id: str, params: dict, kind: str, unique: bool, locale: str, rows: int, repeat: int) -> float:
    """Values per second of one generator, its CSV formatting included (best of ``repeat``)."""
    col = ColumnInfo(
        schema="bench",
        table="t",
        name="c",
        kind=kind,
        unique=unique,
        seed=7,
        locale=locale,
        scale=2 if kind == "numeric" else None,
        enum_labels=("draft", "open", "won", "lost") if kind == "enum" else (),
    )
    fn = make(gen_id, col, params)
    fmt = formatter(kind, col.scale)
    starts = make("primitive.timestamp", ColumnInfo("bench", "t", "start", "timestamp", seed=8), {})
    blocks = []
    for start in range(0, rows, BLOCK_ROWS):
        n = min(BLOCK_ROWS, rows - start)
        inputs = {"start": starts(Batch(rng=random.Random(-start), start=start, n=n))}
        blocks.append((start, n, inputs))
    fn(Batch(rng=random.Random(0), start=0, n=16, row={"start": blocks[0][2]["start"][:16]}))  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for start, n, inputs in blocks:
            values = fn(Batch(rng=random.Random(start), start=start, n=n, row=dict(inputs)))
            assert len(fmt(values)) == n
        best = min(best, time.perf_counter() - t0)
    return rows / best


def make(gen_id: str, col: ColumnInfo, params: dict):
    spec = GENERATORS[gen_id]
    return spec.factory(col, check_params(spec.params, params, strict=spec.strict, path=""))


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
