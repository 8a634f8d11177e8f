"""Shared test set-up: GUI tests run offscreen; hypothesis profiles bounded for CI."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Prepared images, compiled templates and deflated streams go to a folder of this test
# run, never to the user's cache (child processes of CLI tests inherit it).
os.environ.setdefault("XJEDITOR_CACHE_DIR", tempfile.mkdtemp(prefix="xjeditor-test-cache-"))

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
