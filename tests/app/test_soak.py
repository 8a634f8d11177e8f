"""The editor's soak test (``soak_editor.py``) in a child process: a few hundred steps here,
ten minutes with ``make soak``. A segfault fails this test instead of ending pytest."""

from __future__ import annotations

import pytest

from editor_harness import describe_exit, run_child


def last_example(stdout: str) -> str:
    """The steps of the example that was running when the child stopped."""
    start = stdout.rfind("--- example")
    return stdout[start:] if start >= 0 else stdout


@pytest.mark.slow
def test_soak_the_editor(tmp_path):
    proc = run_child("soak_editor.py", tmp=tmp_path, timeout=900)
    if proc.returncode != 0:
        print(last_example(proc.stdout)[-20000:])  # a crash ends the child without hypothesis's report
    assert proc.returncode == 0, describe_exit(proc, tail=80)
    assert "passed:" in proc.stdout
