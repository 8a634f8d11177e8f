"""The project's ``dataclass`` is the standard one with its generated code cached between
runs: classes behave the same, the cache is used, and a damaged cache costs nothing."""

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest

from xjeditor import dataclass_cache
from xjeditor.dataclass_cache import dataclass, field


def _both(**kwargs):
    def make(deco):
        @deco(**kwargs)
        class Point:
            x: float
            y: float = 0.0
            tags: list = field(default_factory=list)

        return Point

    return make(dataclass), make(dataclasses.dataclass)


@pytest.mark.parametrize("kwargs", [{}, {"slots": True}, {"frozen": True}, {"order": True}, {"eq": False}])
def test_classes_behave_as_the_standard_decorator_makes_them(kwargs):
    ours, std = _both(**kwargs)
    a, b = ours(1.0, tags=["x"]), std(1.0, tags=["x"])
    assert repr(a).split("(", 1)[1] == repr(b).split("(", 1)[1]
    assert [f.name for f in dataclasses.fields(a)] == [f.name for f in dataclasses.fields(b)]
    assert (a == ours(1.0, tags=["x"])) == (b == std(1.0, tags=["x"]))
    assert hasattr(ours, "__slots__") == hasattr(std, "__slots__")
    assert dataclasses.replace(a, y=2.0).y == 2.0
    if kwargs.get("frozen"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x = 3.0
    if kwargs.get("order"):
        assert ours(1.0) < ours(2.0)
    # annotations stay objects, as the standard decorator leaves them (no __future__ leak)
    assert ours.__init__.__annotations__ == std.__init__.__annotations__


def test_the_standard_module_is_left_as_it_was():
    _both()
    assert "exec" not in vars(dataclasses)


def _run(code, cache):
    env = {**os.environ, "XJEDITOR_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, check=True, timeout=60).stdout


_COUNT_COMPILES = """
    import builtins
    calls = []
    real = builtins.compile
    builtins.compile = lambda *a, **k: calls.append(1) or real(*a, **k)
    from xjeditor.dataclass_cache import dataclass

    @dataclass
    class A:
        a: int
        b: str = "x"

    print(len(calls), A(1))
"""


def test_a_second_run_compiles_nothing(tmp_path):
    first = _run(_COUNT_COMPILES, tmp_path)
    assert first.split()[0] != "0"  # compiled, then written at exit
    assert list((tmp_path / "dataclasses").glob("*.marshal"))
    second = _run(_COUNT_COMPILES, tmp_path)
    assert second.split()[0] == "0"
    assert second.split(" ", 1)[1] == first.split(" ", 1)[1]


def test_a_damaged_cache_is_compiled_afresh(tmp_path):
    _run(_COUNT_COMPILES, tmp_path)
    for f in (tmp_path / "dataclasses").glob("*.marshal"):
        f.write_bytes(b"\x00garbage")
    again = _run(_COUNT_COMPILES, tmp_path)
    assert again.split()[0] != "0" and "A(a=1, b='x')" in again


def test_no_cache_folder_means_no_caching(monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    assert dataclass_cache._cache_file() is None
    dataclass_cache._save()  # nothing to write to: a no-op
