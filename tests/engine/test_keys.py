"""Parent key files: written per chunk, read back by global row index, as CSV fields."""

from __future__ import annotations

import pytest

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.engine.keys import KeyReader, KeyWriter
from datalchemy_mp.uuids import hyphenated

UUIDS = hyphenated("".join(f"{i:032x}" for i in range(1, 8)))


def _write(path, kind, chunks):
    paths = []
    for k, fields in enumerate(chunks):
        p = path / f"k.{k}"
        w = KeyWriter(p, kind)
        for block in (fields[:2], fields[2:]):  # several appends per chunk
            w.append(block)
        w.close()
        paths.append(p)
    return KeyReader(paths, kind)


@pytest.mark.parametrize("chunks", [[UUIDS], [UUIDS[:3], UUIDS[3:5], UUIDS[5:]]], ids=["one", "three"])
def test_uuid_keys_round_trip_with_nulls(tmp_path, chunks):
    chunks = [list(c) for c in chunks]
    chunks[0][1] = ""  # a NULL key
    reader = _write(tmp_path, Kind.UUID, chunks)
    flat = [f for c in chunks for f in c]
    assert len(reader) == len(flat) == 7
    assert reader.take([6, 0, 1, 6]) == [flat[6], flat[0], "", flat[6]]
    assert [reader.get(j) for j in range(7)] == flat
    assert (tmp_path / "k.0").stat().st_size == 16 * len(chunks[0])  # 16 bytes a row, no offsets


def test_text_keys_round_trip_across_chunks(tmp_path):
    chunks = [["a", '"b,c"', ""], ["São", "x" * 300], ["42"]]
    reader = _write(tmp_path, Kind.TEXT, chunks)
    flat = [f for c in chunks for f in c]
    assert len(reader) == 6
    assert reader.take([5, 3, 1, 0, 2, 4]) == [flat[5], flat[3], flat[1], flat[0], flat[2], flat[4]]
