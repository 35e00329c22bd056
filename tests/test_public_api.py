"""The public API: what `import datalchemy_mp` offers, and that importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import datalchemy_mp as dm
from datalchemy_mp.errors import ValidationFailed
from tests.factory import col, plan_doc, schema_doc, table, write


def test_every_name_in_all_resolves() -> None:
    for name in dm.__all__:
        assert getattr(dm, name) is not None, name
    assert dm.generate.__module__ == "datalchemy_mp.api"
    assert issubclass(dm.ValidationFailed, dm.DatalchemyError)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = dm.nothing_here


def test_import_is_light() -> None:
    """`import datalchemy_mp` loads neither the generators (Faker) nor the supervisor."""
    code = (
        "import sys, datalchemy_mp; "
        "print(sorted(m for m in sys.modules if m.startswith(('faker', 'datalchemy_mp.', 'supervisor'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_validate_returns_warnings_or_raises(tmp_path) -> None:
    schema = write(tmp_path / "schema.json", schema_doc(table("t", [col("id", "integer")], pk=["id"])))
    plan = write(tmp_path / "plan.json", plan_doc({"t": 5}, options={"no_such_option": 1}))
    assert [w.code for w in dm.validate(schema, plan)] == ["unknown_option"]
    bad = write(tmp_path / "bad.json", plan_doc({"missing": 5}))
    with pytest.raises(ValidationFailed, match="missing"):
        dm.validate(schema, bad)


def test_a_plugin_generator_through_the_top_level_api() -> None:
    from datalchemy_mp.generators.base import GENERATORS

    @dm.generator("test.public_api.ticket", kinds=dm.TEXT, params=(dm.Param("prefix", str, default="T"),))
    def ticket(col: dm.ColumnInfo, params: dict) -> dm.BatchFn:
        """A ticket code."""
        return lambda b: [f"{params['prefix']}-{b.start + i}" for i in range(b.n)]

    try:
        assert GENERATORS["test.public_api.ticket"].description.startswith("A ticket code")
    finally:
        del GENERATORS["test.public_api.ticket"]
