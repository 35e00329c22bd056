"""Imported once by the forkserver that starts the workers (api.PRELOAD): warms the caches they
all use and, in a fresh forkserver, loads the run they belong to (engine.run_cache); so each
worker forks with both."""

from datalchemy_mp.engine import run_cache
from datalchemy_mp.engine.worker import warm

warm()
run_cache.load_from_env()
run_cache.warm()
