"""Parent key files: the values children need from a parent table, looked up by row index.

A parent writes, per needed column and chunk, the values as CSV fields, so a child copies
them verbatim. Layout: ``uuid`` columns as 16 raw bytes a row; other columns as a blob of
UTF-8 fields plus an offsets file (int64, rows + 1). Children memory-map the files: a lookup
costs no Python object per parent row.
"""

from __future__ import annotations

import bisect
import mmap
import os
from array import array
from collections.abc import Sequence
from pathlib import Path

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.uuids import hyphenated

_NULL_UUID = bytes(16)
_NULL_TEXT = "00000000-0000-0000-0000-000000000000"


class KeyWriter:
    """Appends formatted values of one column of one chunk."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.uuid = kind == Kind.UUID
        self._data = open(path, "wb", buffering=1 << 20)
        self._offsets = None if self.uuid else open(str(path) + ".off", "wb", buffering=1 << 20)
        self._pos = 0
        if self._offsets is not None:
            self._offsets.write(array("q", [0]).tobytes())

    def append(self, fields: list[str]) -> None:
        if self.uuid:
            self._data.write(b"".join(bytes.fromhex(f.replace("-", "")) if f else _NULL_UUID for f in fields))
            return
        encoded = [f.encode() for f in fields]
        offsets = array("q")
        pos = self._pos
        for e in encoded:
            pos += len(e)
            offsets.append(pos)
        self._pos = pos
        self._data.write(b"".join(encoded))
        assert self._offsets is not None  # text columns have an offsets file
        self._offsets.write(offsets.tobytes())

    def close(self) -> None:
        self._data.close()
        if self._offsets is not None:
            self._offsets.close()


class _Part:
    def __init__(self, path: Path, uuid: bool):
        self.uuid = uuid
        self._file = open(path, "rb")
        size = os.fstat(self._file.fileno()).st_size
        self.data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if uuid:
            self.rows = size // 16
            self.offsets = None
        else:
            with open(str(path) + ".off", "rb") as f:
                self._off_map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            self.offsets = memoryview(self._off_map).cast("q")
            self.rows = len(self.offsets) - 1

    def get(self, j: int) -> str:
        if self.uuid:
            raw = self.data[16 * j : 16 * j + 16]
            if raw == _NULL_UUID:
                return ""
            return hyphenated(raw.hex())[0]
        offsets = self.offsets
        assert offsets is not None  # text columns have an offsets file
        return self.data[offsets[j] : offsets[j + 1]].decode()


class KeyReader:
    """The values of one parent column over all its chunks, by global row index."""

    def __init__(self, paths: Sequence[Path], kind: str):
        self._parts = [_Part(p, kind == Kind.UUID) for p in paths]
        self._starts: list[int] = []
        total = 0
        for part in self._parts:
            self._starts.append(total)
            total += part.rows
        self.rows = total
        self._single = self._parts[0] if len(self._parts) == 1 else None

    def __len__(self) -> int:
        return self.rows

    def get(self, j: int) -> str:
        if self._single is not None:
            return self._single.get(j)
        k = bisect.bisect_right(self._starts, j) - 1
        return self._parts[k].get(j - self._starts[k])

    def take(self, indexes: Sequence[int]) -> list[str]:
        part = self._single
        if part is not None and part.uuid:  # the common case, formatted in one pass
            data = part.data
            h = b"".join([data[16 * j : 16 * j + 16] for j in indexes]).hex()
            out = hyphenated(h)
            if _NULL_TEXT in out:
                out = ["" if u == _NULL_TEXT else u for u in out]
            return out
        get = self.get
        return [get(j) for j in indexes]
