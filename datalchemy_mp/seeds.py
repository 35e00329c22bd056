"""The seed tree: plan seed -> table -> column -> block of rows (-> retry attempt).

Seeds come from a keyed hash of names, never from ``hash()`` (salted per process) or a
global RNG, so every process derives the same numbers.
"""

from __future__ import annotations

import hashlib
import random
import struct

MASK64 = (1 << 64) - 1


def derive(parent: int, *parts: str | int) -> int:
    """A 64-bit seed for ``parts`` under ``parent`` (stable across processes and runs)."""
    h = hashlib.blake2b(struct.pack("<Q", parent & MASK64), digest_size=8)
    for part in parts:
        data = part.encode() if isinstance(part, str) else struct.pack("<q", part)
        h.update(struct.pack("<I", len(data)))
        h.update(data)
    return int.from_bytes(h.digest(), "little")


def table_seed(plan_seed: int, schema: str, table: str) -> int:
    return derive(plan_seed, "table", schema, table)


def column_seed(table_key: int, column: str) -> int:
    return derive(table_key, "column", column)


def block_rng(column_key: int, block: int, attempt: int = 0) -> random.Random:
    """The RNG for one column of one block of rows (``attempt`` > 0 for retried rows)."""
    return random.Random(derive(column_key, block, attempt))
