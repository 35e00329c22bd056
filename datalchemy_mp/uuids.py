"""The one UUID formatter: 16-byte values as hyphenated text (hex-encoded back to back, or two
uint64 arrays formatted with numpy)."""

from __future__ import annotations

import numpy as np

from datalchemy_mp.generators import bulk

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_VARIANT_OF = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}
"""RFC 4122 variant: the first hex digit of the 4th group becomes one of 8, 9, a, b."""


def hyphenated(h: str, *, version4: bool = False) -> list[str]:
    """``h`` is 32 hex digits per UUID; ``version4`` stamps the version and variant bits
    (a v4 UUID from 122 random bits) instead of copying them."""
    if not version4:
        return [
            f"{h[k : k + 8]}-{h[k + 8 : k + 12]}-{h[k + 12 : k + 16]}-{h[k + 16 : k + 20]}-"
            f"{h[k + 20 : k + 32]}"
            for k in range(0, len(h), 32)
        ]
    var = _VARIANT_OF
    return [
        f"{h[k : k + 8]}-{h[k + 8 : k + 12]}-4{h[k + 13 : k + 16]}-{var[h[k + 16]]}{h[k + 17 : k + 20]}-"
        f"{h[k + 20 : k + 32]}"
        for k in range(0, len(h), 32)
    ]


def version4(hi: np.ndarray, lo: np.ndarray) -> list[str]:
    """Version-4, RFC 4122 variant UUID text of 64+64 random bits per value (6 bits replaced)."""
    n = len(hi)
    raw = np.empty((n, 2), dtype=">u8")
    raw[:, 0], raw[:, 1] = hi, lo
    b = raw.view(np.uint8).reshape(n, 16).copy()
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2] = _HEX[b >> 4]
    digits[:, 1::2] = _HEX[b & 0x0F]
    text = np.full((n, 37), ord("-"), dtype=np.uint8)
    for lo_, hi_, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, at : at + hi_ - lo_] = digits[:, lo_:hi_]
    text[:, 36] = ord("\n")
    return bulk.lines(text)
