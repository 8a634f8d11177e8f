"""Shared test set-up: GUI tests run offscreen; each test has its own cache folder;
hypothesis profiles bounded for CI."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# PDFs state this date (2021-01-15 00:00 UTC) instead of the time of the export, so that
# exports of the same issue are byte-identical (tests/test_reproducible.py checks both).
os.environ.setdefault("SOURCE_DATE_EPOCH", "1610668800")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


# Prepared images (and other caches) never go to the user's cache nor loose into /tmp: each
# test has its own empty cache folder under pytest's temporary folder (child processes of
# CLI tests inherit it); module- and session-scoped fixtures, which run before it, get one
# for the session.
# Tests of caching itself set XJEDITOR_CACHE_DIR again, to a folder of their own or "".


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory):
    saved = os.environ.get("XJEDITOR_CACHE_DIR")
    os.environ["XJEDITOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("session-cache"))
    yield
    if saved is None:
        os.environ.pop("XJEDITOR_CACHE_DIR", None)
    else:
        os.environ["XJEDITOR_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def _cache_dir(monkeypatch, tmp_path_factory):
    """This test's own empty cache folder, beside its tmp_path rather than in it (tests
    check that tmp_path holds only what they wrote)."""
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
