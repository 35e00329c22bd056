"""Human sizes ("512MiB", "2GB", "1.5G") to bytes."""

from __future__ import annotations

import re
from decimal import Decimal

# Single letters and IEC names are powers of 1024 (as in ``ulimit``/Docker); SI names are powers
# of 1000.
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1 << 10,
    "kib": 1 << 10,
    "kb": 10**3,
    "m": 1 << 20,
    "mib": 1 << 20,
    "mb": 10**6,
    "g": 1 << 30,
    "gib": 1 << 30,
    "gb": 10**9,
    "t": 1 << 40,
    "tib": 1 << 40,
    "tb": 10**12,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in ``text``, rounded down: K/KiB/M/MiB/G/GiB/T/TiB are binary, KB/MB/GB/TB decimal."""
    match = _SIZE.fullmatch(text)
    unit = _UNITS.get(match[2].lower()) if match else None
    if match is None or unit is None:
        raise ValueError(
            f"invalid size {text!r}: expected a number with an optional unit "
            "(B, K/KiB, M/MiB, G/GiB, T/TiB = powers of 1024; KB, MB, GB, TB = powers of 1000), "
            "e.g. '512MiB', '2GB' or '1.5G'"
        )
    return int(Decimal(match[1]) * unit)
