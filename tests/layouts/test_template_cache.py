"""Compiled layout templates kept between runs (spec._CodeCache).

These tests drop the parsed layouts and rendered texts kept between runs (the layouts/
cache folder, tests/layouts/test_layout_cache.py) at each restart, so that templates are
compiled or taken from the code cache.
"""

import datetime as dt
import shutil

import pytest

from xjeditor.layouts import furniture, load_layout_file, new_issue, spec
from xjeditor.paths import layouts_dir

SIKAI = layouts_dir() / "chenbao-sikai.toml"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A fresh process's state: no layout loaded, an empty code cache in ``tmp_path``."""
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path))
    _restart(monkeypatch)
    return tmp_path


def _restart(monkeypatch):
    """A new process's state; the parsed layouts and rendered texts it would find are gone."""
    folder = spec.paths.user_cache_dir("layouts")
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    monkeypatch.setattr(spec, "_CODES", spec._CodeCache())
    monkeypatch.setattr(spec, "_LAYOUTS", spec.caches.LayoutStore())
    monkeypatch.setattr(spec, "_RENDERS", spec.caches.RenderStore())
    monkeypatch.setattr(spec, "_CACHE", {})
    monkeypatch.setattr(spec, "_NAMES", {})


def _furniture_texts(layout):
    issue = new_issue("chenbao-sikai", pages=4, number=152, total_number=1234, date=dt.date(2021, 1, 15))
    texts = []
    for page in range(2):  # the front page and an inner page
        _, stories = furniture(issue, page, layout)
        texts += [p.text for s in stories for p in s.parts]
    return texts


def test_a_second_run_takes_the_templates_from_the_cache(fresh, monkeypatch):
    first = _furniture_texts(load_layout_file(SIKAI))
    files = list((fresh / "templates").glob("*.marshal"))
    assert len(files) == 1
    _restart(monkeypatch)

    def no_compiling(*args, **kwargs):
        raise AssertionError("a cached template was compiled again")

    monkeypatch.setattr(spec._env(), "compile", no_compiling)
    again = load_layout_file(SIKAI)
    assert _furniture_texts(again) == first
    assert "新泾镇社区晨报" in "".join(first)


def test_an_edited_template_is_compiled_afresh(fresh, monkeypatch, tmp_path):
    path = tmp_path / "sikai.toml"
    path.write_text(SIKAI.read_text(encoding="utf-8"), encoding="utf-8")
    load_layout_file(path)
    _restart(monkeypatch)
    text = path.read_text(encoding="utf-8").replace("{{ paper }}", "{{ paper }}·", 1)
    assert text != SIKAI.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert any("·" in t for t in _furniture_texts(load_layout_file(path)))


def test_a_damaged_cache_file_is_ignored_and_replaced(fresh, monkeypatch):
    expected = _furniture_texts(load_layout_file(SIKAI))
    (cache_file,) = (fresh / "templates").glob("*.marshal")
    cache_file.write_bytes(b"\x00garbage")
    _restart(monkeypatch)
    assert _furniture_texts(load_layout_file(SIKAI)) == expected
    assert cache_file.read_bytes() != b"\x00garbage"


def test_an_empty_cache_dir_setting_turns_caching_off(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    _restart(monkeypatch)
    load_layout_file(SIKAI)
    assert spec._CODES._file() is None


def test_template_errors_still_name_the_line_with_a_warm_cache(fresh, monkeypatch, tmp_path):
    """Cached code keeps its file name, so a failing template is still traced to its line."""
    path = tmp_path / "broken.toml"
    text = SIKAI.read_text(encoding="utf-8").replace("{{ paper }}", "{{ paper.nonexistent.deeper }}", 1)
    path.write_text(text, encoding="utf-8")
    layout = load_layout_file(path, check=False)
    _restart(monkeypatch)
    layout = load_layout_file(path, check=False)
    issue = new_issue("chenbao-sikai", pages=4, number=1, total_number=1, date=dt.date(2021, 1, 15))
    with pytest.raises(spec.LayoutTemplateError) as err:
        furniture(issue, 0, layout)
    assert err.value.line is not None
