"""Writing a file the user named: never replace what is not a regular file of ours."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), stat.S_IMODE(mode) if mode is not None else 0o644)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
