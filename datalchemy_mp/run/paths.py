"""File names inside a run directory. Names from the schema are escaped, never trusted as paths."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9_\-]")


def _escape(name: str) -> str:
    return _SAFE.sub(lambda m: "%" + "%".join(f"{b:02X}" for b in m.group().encode()), name)


def table_stem(schema: str, table: str) -> str:
    """``schema.table`` for plain names; other characters are %-escaped (no ``/``, no ``..``)."""
    return f"{_escape(schema)}.{_escape(table)}"


def csv_path(run_dir: Path, schema: str, table: str) -> Path:
    return run_dir / f"{table_stem(schema, table)}.csv"


def parts_dir(run_dir: Path) -> Path:
    return run_dir / ".parts"


def part_path(run_dir: Path, schema: str, table: str, chunk: int) -> Path:
    return parts_dir(run_dir) / f"{table_stem(schema, table)}.{chunk:05d}.csv.part"


def key_path(run_dir: Path, schema: str, table: str, column: str, chunk: int) -> Path:
    return parts_dir(run_dir) / f"{table_stem(schema, table)}.{_escape(column)}.{chunk:05d}.key"


def clean_parts(run_dir: Path, keep_keys: bool) -> None:
    """Remove what the workers left in ``.parts``; with ``keep_keys``, the parents' key files stay
    (a resumed run's children read them)."""
    parts = parts_dir(run_dir)
    if not keep_keys:
        shutil.rmtree(parts, ignore_errors=True)
        return
    for path in parts.glob("*"):
        if not path.name.endswith((".key", ".key.off")):
            path.unlink(missing_ok=True)
