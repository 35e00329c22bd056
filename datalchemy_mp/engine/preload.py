"""Imported once by the forkserver that starts the workers: warms the caches they all use."""

from datalchemy_mp.engine.worker import warm

warm()
