"""Memory limits of a run: what ``--memory-limit`` may say, and what the container allows."""

from __future__ import annotations

from pathlib import Path

from supervisor import parse_size

MIN_WORKER_BYTES = 64 << 20
"""A worker's own baseline is about 30 MiB (Python, the catalog, the vocabularies) before its
first row: a limit below twice that fails every table, so it is refused up front."""

_NO_LIMIT = 1 << 60  # v1 writes "unlimited" as a number near 2**63


def parse_memory_limit(text: str) -> int:
    """Bytes of a ``--memory-limit``; a unit is required and the value must fit a worker.

    Raises ValueError with the reason.
    """
    if text.strip().replace(".", "", 1).isdigit():
        raise ValueError(
            f"{text!r} has no unit: write e.g. '{text.strip()}MiB' or '{text.strip()}GB' "
            "(a bare number would be bytes)"
        )
    size = parse_size(text)
    if size < MIN_WORKER_BYTES:
        raise ValueError(
            f"{text!r} is {size} bytes, below the {MIN_WORKER_BYTES >> 20}MiB a worker needs "
            "(its baseline alone is about 30MiB)"
        )
    return size


def cgroup_limit(files: list[str] | None = None) -> int | None:
    """The lowest memory limit of this process's cgroup (a container's), or None if it has none.

    Reads cgroup v2's ``memory.max`` and v1's ``memory.limit_in_bytes``, at the mount's root
    (what a container with its own cgroup namespace sees) and at this process's own path.
    """
    found = []
    for name in files if files is not None else _cgroup_files():
        try:
            text = Path(name).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < _NO_LIMIT:
            found.append(int(text))
    return min(found) if found else None


def _cgroup_files() -> list[str]:
    files = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return files
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            files.append(f"/sys/fs/cgroup{path.rstrip('/')}/memory.max")
        elif "memory" in controllers.split(","):
            files.append(f"/sys/fs/cgroup/memory{path.rstrip('/')}/memory.limit_in_bytes")
    return files
