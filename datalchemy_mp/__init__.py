"""datalchemy-mp: constraint-valid, reproducible CSV fixtures from schema.json + plan.json.

The public API (everything in ``__all__``)::

    import datalchemy_mp as dm

    result = dm.generate("schema.json", "plan.json", "out/")   # a whole supervised run
    result = dm.resume(result.run_dir)                           # again, what was not OK
    warnings = dm.validate("schema.json", "plan.json")           # raises dm.ValidationFailed

    @dm.generator("acme.ticket", kinds=dm.TEXT, params=(dm.Param("prefix", str, default="TCK"),))
    def ticket(col: dm.ColumnInfo, params: dict) -> dm.BatchFn: ...

Names are imported on first use, so ``import datalchemy_mp`` (and ``datalchemy-mp --version``)
stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_FROM = {
    "datalchemy_mp.api": ("generate", "resume", "validate", "RunResult"),
    "datalchemy_mp.run.report": ("RunStatus",),
    "supervisor": ("Status",),
    "datalchemy_mp.errors": (
        "DatalchemyError",
        "InputError",
        "ValidationFailed",
        "Issue",
        "ParamError",
        "GenerationError",
        "DependencyCycleError",
        "DatabaseError",
        "LoadError",
        "ResumeRefused",
    ),
    "datalchemy_mp.generators.base": (
        "generator",
        "transform",
        "alias",
        "by_index",
        "Param",
        "ColumnInfo",
        "Batch",
        "BatchFn",
        "ANY",
        "BOOL",
        "DATE",
        "ENUM",
        "INT",
        "JSON",
        "NUMBER",
        "NUMERIC",
        "TEMPORAL",
        "TEXT",
        "TIME",
        "TIMESTAMP",
        "UUID",
    ),
    "datalchemy_mp.contracts.kinds": ("Kind",),
}
_EXPORTS = {name: module for module, names in _FROM.items() for name in names}

__all__ = [
    "__version__",
    "ANY",
    "BOOL",
    "Batch",
    "BatchFn",
    "ColumnInfo",
    "DATE",
    "DatabaseError",
    "DatalchemyError",
    "DependencyCycleError",
    "ENUM",
    "GenerationError",
    "INT",
    "InputError",
    "Issue",
    "JSON",
    "Kind",
    "LoadError",
    "NUMBER",
    "NUMERIC",
    "Param",
    "ParamError",
    "ResumeRefused",
    "RunResult",
    "RunStatus",
    "Status",
    "TEMPORAL",
    "TEXT",
    "TIME",
    "TIMESTAMP",
    "UUID",
    "ValidationFailed",
    "alias",
    "by_index",
    "generate",
    "generator",
    "resume",
    "transform",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports on demand
    from datalchemy_mp.api import RunResult, generate, resume, validate
    from datalchemy_mp.contracts.kinds import Kind
    from datalchemy_mp.errors import (
        DatabaseError,
        DatalchemyError,
        DependencyCycleError,
        GenerationError,
        InputError,
        Issue,
        LoadError,
        ParamError,
        ResumeRefused,
        ValidationFailed,
    )
    from datalchemy_mp.generators.base import (
        ANY,
        BOOL,
        DATE,
        ENUM,
        INT,
        JSON,
        NUMBER,
        NUMERIC,
        TEMPORAL,
        TEXT,
        TIME,
        TIMESTAMP,
        UUID,
        Batch,
        BatchFn,
        ColumnInfo,
        Param,
        alias,
        by_index,
        generator,
        transform,
    )
    from datalchemy_mp.run.report import RunStatus
    from supervisor import Status
