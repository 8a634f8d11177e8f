"""Editor actions that used to kill the editor with a segfault. Each scenario runs in a child
process (``crash_scenarios.py``), so that a crash fails its test instead of ending pytest."""

from __future__ import annotations

import pytest

from crash_scenarios import SCENARIOS
from editor_harness import describe_exit, run_child


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_runs_without_crashing(name, tmp_path):
    proc = run_child("crash_scenarios.py", name, tmp=tmp_path, timeout=180)
    assert proc.returncode == 0 and f"ok {name}" in proc.stdout, describe_exit(proc)
