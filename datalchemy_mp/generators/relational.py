"""``derive.fk`` and ``derive.parent_value``: columns the engine fills from parent rows.

They are registered for validation and the catalog; the engine recognises them and copies
values from the parent row it picked for the FK, so their factories are never asked for
values directly.
"""

from __future__ import annotations

from datalchemy_mp.errors import GenerationError
from datalchemy_mp.generators.base import Batch, BatchFn, ColumnInfo, Param, generator


def _filled_by_engine(col: ColumnInfo, params: dict) -> BatchFn:
    def fn(b: Batch) -> list:
        raise GenerationError(f"{col.qualified} is filled from its parent row by the engine")

    return fn


generator(
    "derive.fk",
    strict=False,
    derive=True,
    description="The referenced parent value of the column's FK (a parent row picked per row)",
)(_filled_by_engine)

generator(
    "derive.parent_value",
    strict=False,
    derive=True,
    params=(
        Param("input_columns", list, required=True, doc="[local FK column]"),
        Param("parent_schema", str, required=True),
        Param("parent_table", str, required=True),
        Param("parent_column", str, required=True),
    ),
    description="A column of the parent row that the row's FK points at",
)(_filled_by_engine)
