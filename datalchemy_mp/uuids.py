"""The one UUID formatter: 16-byte values, hex-encoded back to back, as hyphenated text."""

from __future__ import annotations

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
