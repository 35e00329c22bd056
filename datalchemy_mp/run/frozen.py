"""A run's frozen inputs: the schema and plan as validated, and the resolved settings.

They live in ``RUN_DIR/input/``. Workers (on this machine or on a cluster's) read them from
there, never the user's files again; ``generate --resume`` reads them back and refuses when the
user's files changed since (their sha256 is kept here and in the report).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from datalchemy_mp.contracts.jsonfile import read_input
from datalchemy_mp.errors import InputError
from supervisor import write_atomic, write_json_atomic

INPUT_DIR = "input"
SCHEMA_NAME = "schema.json"
PLAN_NAME = "plan.json"
SETTINGS_NAME = "settings.json"


@dataclass(frozen=True)
class Inputs:
    """The bytes of the user's two files, read once, and their digests."""

    schema_file: str
    plan_file: str
    schema_bytes: bytes
    plan_bytes: bytes

    @classmethod
    def read(cls, schema_file: str | Path, plan_file: str | Path) -> Inputs:
        return cls(
            str(schema_file),
            str(plan_file),
            read_input(schema_file, "schema"),
            read_input(plan_file, "plan"),
        )

    @property
    def digests(self) -> dict[str, str]:
        return {"schema_sha256": sha256(self.schema_bytes), "plan_sha256": sha256(self.plan_bytes)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_dir(run_dir: Path) -> Path:
    return run_dir / INPUT_DIR


def schema_path(run_dir: Path) -> Path:
    return input_dir(run_dir) / SCHEMA_NAME


def plan_path(run_dir: Path) -> Path:
    return input_dir(run_dir) / PLAN_NAME


def freeze(run_dir: Path, inputs: Inputs, settings: dict[str, Any]) -> None:
    """Write the validated inputs and the resolved settings (with the digests) into the run."""
    input_dir(run_dir).mkdir(exist_ok=True)
    write_atomic(schema_path(run_dir), inputs.schema_bytes)
    write_atomic(plan_path(run_dir), inputs.plan_bytes)
    write_json_atomic(input_dir(run_dir) / SETTINGS_NAME, settings)


def read_settings(run_dir: Path) -> dict[str, Any]:
    """The settings frozen by the run, or InputError if ``run_dir`` holds no frozen run."""
    path = input_dir(run_dir) / SETTINGS_NAME
    try:
        return orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(
            "not a run directory with frozen inputs (written by generate since this version)", file=str(path)
        ) from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cannot read the run's settings: {exc}", file=str(path)) from None
