"""Errors a user sees: each says where (file, JSON path) and what was expected."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One validation finding, located by file and JSON pointer."""

    severity: str  # "error" | "warning"
    code: str
    path: str
    message: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.path or '/'}: {self.message} [{self.code}]"

    def to_json(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "path": self.path or "/",
            "message": self.message,
        }


class DatalchemyError(Exception):
    """Base of every error the CLI turns into a clean message (exit 2 unless said otherwise)."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None):
        self.message = message
        self.file = file
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}: "
        if self.path is not None:
            where += f"{self.path or '/'}: "
        return f"{where}{self.message}"


class InputError(DatalchemyError):
    """A schema.json or plan.json that cannot be read or parsed."""


@dataclass
class ValidationFailed(DatalchemyError):
    """The plan or schema has errors; all of them are listed."""

    issues: list[Issue] = field(default_factory=list)

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        lines = [f"{len(errors)} error(s) in the input:"] + [f"  {i}" for i in errors]
        DatalchemyError.__init__(self, "\n".join(lines))

    def __str__(self) -> str:
        return self.message


class OutputError(DatalchemyError):
    """Output that cannot be written where asked (a read-only, full or impossible place)."""


class ParamError(DatalchemyError):
    """A generator or transform got params it cannot use."""


class GenerationError(DatalchemyError):
    """A table could not be generated (e.g. a UNIQUE column ran out of distinct values)."""

    exit_code = 1


class DependencyCycleError(DatalchemyError):
    """Tables whose foreign keys form a cycle that no nullable FK can break."""


# --- databases (db/) -----------------------------------------------------------------------


class DatabaseError(DatalchemyError):
    """A database that cannot be reached or read (bad DSN, server down, wrong password)."""


class MissingDriverError(DatalchemyError):
    """An optional dependency (psycopg) is not installed."""


class RunDirError(DatalchemyError):
    """A run directory that cannot be loaded as it is: no CSVs, bad names, unknown tables."""


class LoadError(DatalchemyError):
    """The database refused the data; the transaction was rolled back."""

    exit_code = 1


# --- output directories (run/runs.py) --------------------------------------------------------


class RunInProgress(DatalchemyError):
    """Another process holds the lock of the output directory."""

    exit_code = 2


class RunNotComplete(DatalchemyError):
    """A run directory whose run did not succeed: some tables are missing."""

    exit_code = 1


class ResumeRefused(DatalchemyError):
    """The run cannot be resumed as it was: its schema or plan changed since."""


class LatestLinkError(DatalchemyError):
    """OUT/latest could not be switched to the new run (the run itself is complete)."""

    exit_code = 1


# --- CHECK evaluation (checks/): internal signals, never shown as they are -----------------


class UnsupportedCheck(Exception):
    """A CHECK the engine cannot evaluate; the message says which construct."""

    def __init__(self, construct: str, expression: str | None = None):
        self.construct = construct
        self.expression = expression
        where = f" in {expression}" if expression else ""
        super().__init__(f"unsupported {construct}{where}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.construct, self.expression))


class Incomparable(Exception):
    """Values Postgres could not compare or compute with: the row fails the check."""
