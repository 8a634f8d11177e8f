"""Shared test set-up: GUI tests run offscreen; hypothesis profiles bounded for CI."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Prepared images go to a folder of this test
# run, never to the user's cache (child processes of CLI tests inherit it).
os.environ.setdefault("XJEDITOR_CACHE_DIR", tempfile.mkdtemp(prefix="xjeditor-test-cache-"))
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
