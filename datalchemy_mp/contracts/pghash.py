"""Postgres's hash partitioning, in Python: which integer keys a hash partition accepts.

`satisfies_hash_partition(parent, modulus, remainder, key...)` holds when the 64-bit combination
of the keys' extended hashes (seeded with HASH_PARTITION_SEED) is `remainder` modulo `modulus`.
The hashes are Bob Jenkins' lookup3 as in src/common/hashfn.c (hash_uint32_extended) and
hashint2/4/8extended; checked against the server in tests/db/test_real_schemas.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
HASH_PARTITION_SEED = 0x7A5B22367996DCFD
_CONSTRAINT_RE = re.compile(
    r"^\(*satisfies_hash_partition\('?\d+'?(?:::oid)?, (?P<m>\d+), (?P<r>\d+), (?P<keys>[^()]+)\)\)*$"
)


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & M32


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    for s1, s2, s3 in ((4, 6, 8), (16, 19, 4)):
        a = ((a - c) & M32) ^ _rot(c, s1)
        c = (c + b) & M32
        b = ((b - a) & M32) ^ _rot(a, s2)
        a = (a + c) & M32
        c = ((c - b) & M32) ^ _rot(b, s3)
        b = (b + a) & M32
    return a, b, c


def _final(a: int, b: int, c: int) -> tuple[int, int, int]:
    c = ((c ^ b) - _rot(b, 14)) & M32
    a = ((a ^ c) - _rot(c, 11)) & M32
    b = ((b ^ a) - _rot(a, 25)) & M32
    c = ((c ^ b) - _rot(b, 16)) & M32
    a = ((a ^ c) - _rot(c, 4)) & M32
    b = ((b ^ a) - _rot(a, 14)) & M32
    c = ((c ^ b) - _rot(b, 24)) & M32
    return a, b, c


def hash_uint32_extended(k: int, seed: int) -> int:
    a = b = c = (0x9E3779B9 + 4 + 3923095) & M32
    if seed:
        a = (a + (seed >> 32)) & M32
        b = (b + (seed & M32)) & M32
        a, b, c = _mix(a, b, c)
    a = (a + (k & M32)) & M32
    a, b, c = _final(a, b, c)
    return ((b << 32) | c) & M64


def hash_int_extended(value: int, seed: int = HASH_PARTITION_SEED) -> int:
    """hashint8extended (hashint2/4extended agree with it on their ranges)."""
    lo, hi = value & M32, (value >> 32) & M32
    lo ^= hi if value >= 0 else (~hi & M32)
    return hash_uint32_extended(lo, seed)


def _combine(a: int, b: int) -> int:
    return (a ^ ((b + 0x49A0F4DD15E5A8E3 + (a << 54) + (a >> 7)) & M64)) & M64


@dataclass(frozen=True)
class HashBound:
    """FOR VALUES WITH (modulus m, remainder r) over integer key columns."""

    modulus: int
    remainder: int
    columns: tuple[str, ...]

    def accepts(self, keys: Sequence[int | None]) -> bool:
        row_hash = 0
        for v in keys:
            if v is not None:
                row_hash = _combine(row_hash, hash_int_extended(int(v)))
        return row_hash % self.modulus == self.remainder


def parse_hash_constraint(constraint: str, names: set[str]) -> HashBound | None:
    """The bound of a hash partition's constraint, when its keys are plain columns."""
    match = _CONSTRAINT_RE.match(constraint.strip())
    if match is None:
        return None
    keys = tuple(k.strip().strip('"') for k in match.group("keys").split(","))
    if not all(k in names for k in keys):
        return None
    return HashBound(int(match.group("m")), int(match.group("r")), keys)
