from __future__ import annotations

import pytest

from supervisor import parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1048576", 1048576),
        ("512MiB", 512 << 20),
        ("512mib", 512 << 20),
        ("512M", 512 << 20),
        ("2GB", 2 * 10**9),
        ("2GiB", 2 << 30),
        ("1.5G", 3 << 29),
        ("64 KiB", 64 << 10),
        ("10kb", 10_000),
        (" 1T ", 1 << 40),
        ("100B", 100),
        ("0.5K", 512),
        (".5M", 512 << 10),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MiB", "-1M", "12 parsecs", "1e6", "1.2.3G", "nan"], ids=repr)
def test_parse_size_rejects_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid size .*e\.g\. '512MiB'"):
        parse_size(text)
