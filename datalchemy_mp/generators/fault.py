"""Fault generators for drills (registered only when DATALCHEMY_MP_FAULTS=1).

Each fires at row ``params.at_row`` (default 0) and otherwise yields a valid value for its
column, taken from the column's default generator.
"""

from __future__ import annotations

import ctypes
import errno
import os
import time
from collections.abc import Callable

from datalchemy_mp.generators.base import GENERATORS, Batch, BatchFn, ColumnInfo, Param, generator

AT_ROW = Param("at_row", int, default=0, min=0, doc="global row index at which the fault fires")
ARMED_BY = Param(
    "armed_by",
    str,
    default="",
    doc="a file path: the fault fires only while this file exists (a drill that heals, for resume)",
)
_HOARD: list[bytearray] = []


def _fallback(col: ColumnInfo) -> BatchFn:
    from datalchemy_mp.generators.defaults import default_generator

    gen_id, params = default_generator(col, None, False)
    spec = GENERATORS[gen_id]
    return spec.factory(col, {**{p.name: p.default for p in spec.params}, **params})


def _fault(fire: Callable[[dict], None]) -> Callable:
    def factory(col: ColumnInfo, params: dict) -> BatchFn:
        valid = _fallback(col)
        at, armed_by = params["at_row"], params["armed_by"]

        def fn(b: Batch) -> list:
            if b.start + b.n > at and (not armed_by or os.path.exists(armed_by)):
                for i in range(b.start, b.start + b.n):
                    if i >= at:
                        fire(params)
            return valid(b)

        return fn

    return factory


def _memory_hog(params: dict) -> None:
    chunk = bytearray(64 << 20)
    for i in range(0, len(chunk), 4096):  # touch every page so it counts in RSS
        chunk[i] = 1
    _HOARD.append(chunk)


def _segfault(params: dict) -> None:
    ctypes.string_at(0)


def _exit(params: dict) -> None:
    os._exit(params["code"])


def _raise(params: dict) -> None:
    raise RuntimeError(params["message"])


def _disk_full(params: dict) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _hang(params: dict) -> None:
    while True:
        time.sleep(3600)


generator(
    "fault.memory_hog",
    params=(AT_ROW, ARMED_BY),
    description="Allocates and keeps about 64 MiB per row from at_row on",
)(_fault(_memory_hog))
generator("fault.segfault", params=(AT_ROW, ARMED_BY), description="A real SIGSEGV at at_row")(
    _fault(_segfault)
)
generator(
    "fault.exit",
    params=(AT_ROW, ARMED_BY, Param("code", int, default=3, min=0, max=255)),
    description="os._exit(code) at at_row",
)(_fault(_exit))
generator(
    "fault.raise",
    params=(AT_ROW, ARMED_BY, Param("message", str, default="fault.raise")),
    description="Raises RuntimeError(message) at at_row",
)(_fault(_raise))
generator("fault.hang", params=(AT_ROW, ARMED_BY), description="Sleeps forever at at_row")(_fault(_hang))
generator(
    "fault.disk_full",
    params=(AT_ROW, ARMED_BY),
    description="Raises OSError ENOSPC at at_row, as a full disk does",
)(_fault(_disk_full))
