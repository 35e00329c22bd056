"""Generators and transforms: importing this package registers all of them.

One module per family (``primitive``, ``semantic_br``, ``semantic``, ``faker_gen``, ``derive``,
``domain``, ``relational``, ``transforms``); third-party generators come through the
entry-point group ``datalchemy_mp.generators`` (a module, or a callable ``register()``).
Fault generators for drills are registered only when ``DATALCHEMY_MP_FAULTS=1``.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import entry_points

from datalchemy_mp.generators import (  # noqa: F401  (each import registers its family)
    derive,
    distribution,
    domain,
    faker_gen,
    meaning,
    pgtypes,
    primitive,
    relational,
    semantic,
    semantic_br,
    transforms,
)
from datalchemy_mp.generators.base import GENERATORS, TRANSFORMS

ENTRY_POINT_GROUP = "datalchemy_mp.generators"


if os.environ.get("DATALCHEMY_MP_FAULTS") == "1":
    importlib.import_module(f"{__name__}.fault")


def load_plugins() -> list[str]:
    """Load the entry points of ``ENTRY_POINT_GROUP``; a broken plugin is a warning on stderr,
    never a crash. Returns the names of the plugins loaded."""
    loaded = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
            if callable(obj):
                obj()
            loaded.append(ep.name)
        except Exception as exc:  # noqa: BLE001 - a plugin must not break the tool
            print(
                f"warning: generator plugin {ep.name!r} ({ep.value}) failed to load: "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
    return loaded


load_plugins()

__all__ = ["ENTRY_POINT_GROUP", "GENERATORS", "TRANSFORMS", "load_plugins"]
