"""datalchemy-mp: constraint-valid, reproducible CSV fixtures from schema.json + plan.json."""

__version__ = "0.1.0"
