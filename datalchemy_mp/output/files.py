"""Writing a file the user named: never replace what is not a regular file of ours."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from supervisor import write_atomic


def write_output(target: str | Path, data: bytes) -> None:
    """Write ``data`` to ``target``: ``-`` is stdout; a device, FIFO or socket is written through,
    never replaced; through a symlink its final target is replaced and the link stays; a regular
    file is replaced atomically (a temp file beside it, fsync, rename): a reader never sees half.
    Raises OSError.
    """
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(os.path.realpath(target))  # the file a symlink (or a chain of them) points to
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "wb") as out:  # /dev/null, /dev/stdout, a FIFO: write into it
            out.write(data)
        return
    write_atomic(path, data, stat.S_IMODE(mode) if mode is not None else 0o644)
