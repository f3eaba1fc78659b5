"""A pytest plugin (registered with -p in pyproject.toml's addopts): every test starts with an
empty cache, so sign-in throttling counts left by one test never refuse another's sign-ins (the
browser tests sign in through the form many times, all from 127.0.0.1).

The cache is always the throwaway file cache under the run's VAR_DIR: CACHE_URL is dropped
before settings are read (this module is imported first), since clearing a Redis cache would
empty someone else's database."""

from __future__ import annotations

import os

import pytest

os.environ.pop("CACHE_URL", None)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
