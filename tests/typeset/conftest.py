"""The rule tests run twice: on synthetic widths and on the bundled 书宋 (spec: every rule
asserted without a font and with a real one)."""

from __future__ import annotations

import pytest

import compose_helpers


def _song():
    try:
        from xjeditor.typeset.fonts import default_registry

        return default_registry().metrics("song")
    except Exception as exc:  # noqa: BLE001 - a missing font skips the real-font half
        pytest.skip(f"bundled body font unavailable: {exc}")


@pytest.fixture(params=["synthetic", "song"])
def rule_metrics(request):
    saved = compose_helpers.current["metrics"]
    if request.param == "song":
        compose_helpers.current["metrics"] = _song()
    try:
        yield request.param
    finally:
        compose_helpers.current["metrics"] = saved
