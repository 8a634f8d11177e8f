"""Parsed layouts and rendered furniture texts kept between runs (xjeditor.layouts.caches).

A run that finds its layout and its texts in the cache imports neither tomllib nor jinja2
and gives exactly what parsing and rendering give; a changed layout file, a damaged cache
file or entry, or changed code is never used.
"""

import datetime as dt
import json
import marshal
import os
import subprocess
import sys
import threading

import pytest

from xjeditor.layouts import (
    LayoutError,
    LayoutTemplateError,
    caches,
    furniture,
    issue_with_furniture,
    load_layout,
    load_layout_file,
    new_issue,
    spec,
    template_context,
)
from xjeditor.paths import layouts_dir, seeds_dir

SIKAI = layouts_dir() / "chenbao-sikai.toml"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder and a fresh process's state; returns the layouts/ folder."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(folder))
    _restart(monkeypatch)
    return folder / "layouts"


def _restart(monkeypatch):
    """What a new process starts with: nothing in memory, the cache folder as it is."""
    monkeypatch.setattr(spec, "_CODES", spec._CodeCache())
    monkeypatch.setattr(spec, "_LAYOUTS", caches.LayoutStore())
    monkeypatch.setattr(spec, "_RENDERS", caches.RenderStore())
    monkeypatch.setattr(spec, "_CACHE", {})
    monkeypatch.setattr(spec, "_NAMES", {})


def _no_jinja2(monkeypatch):
    """Make any compile or real render fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a template was compiled although its text was cached")

    monkeypatch.setattr(spec, "_build", refuse)


def _texts(layout, pages=4, **data):
    issue = new_issue(layout, pages=pages, number=data.get("number", 152), total_number=1234,
                      date=data.get("date", dt.date(2021, 1, 15)))
    full = issue_with_furniture(issue, layout)
    return [(s.id, p.text) for s in full.stories.values() if s.id.startswith("_") for p in s.parts]


def _store_file(folder, prefix):
    (path,) = folder.glob(f"{prefix}-*.marshal")
    return path


# --------------------------------------------------------------------------------------
# the warm path imports neither tomllib nor jinja2
# --------------------------------------------------------------------------------------

_SCRIPT = """
import datetime, json, sys
from xjeditor.layouts import furniture, issue_with_furniture, load_layout, new_issue
issue = new_issue("社区晨报-四开", pages=4, number=152, total_number=1234, date=datetime.date(2021, 1, 15))
full = issue_with_furniture(issue)
texts = [p.text for s in full.stories.values() if s.id.startswith("_") for p in s.parts]
texts += [p.text for s in furniture(issue, 1, "chenbao-sikai")[1] for p in s.parts]
print(json.dumps({"modules": sorted(m for m in ("jinja2", "tomllib") if m in sys.modules), "texts": texts}))
"""


def _run(script, cache_dir, *args):
    env = dict(os.environ, XJEDITOR_CACHE_DIR=str(cache_dir))
    return subprocess.run([sys.executable, *args, "-c", script], env=env, capture_output=True, text=True,
                          check=True)


def test_a_second_run_loads_the_layout_by_name_and_its_furniture_without_tomllib_or_jinja2(tmp_path):
    first = json.loads(_run(_SCRIPT, tmp_path).stdout)
    second = json.loads(_run(_SCRIPT, tmp_path).stdout)
    assert first["modules"] == ["jinja2", "tomllib"]
    assert second["modules"] == []
    assert second["texts"] == first["texts"]
    assert any("新泾镇社区晨报" in t for t in first["texts"])


def test_caching_off_still_works(tmp_path):
    first = json.loads(_run(_SCRIPT, "").stdout)
    assert first["modules"] == ["jinja2", "tomllib"]
    assert json.loads(_run(_SCRIPT, tmp_path).stdout)["texts"] == first["texts"]


def test_export_a_second_time_imports_neither_and_writes_the_same_pdf(tmp_path):
    demo = seeds_dir() / "demo.xjb"
    cache_dir = tmp_path / "cache"
    env = dict(os.environ, XJEDITOR_CACHE_DIR=str(cache_dir))
    runs = []
    for n in range(2):
        out = tmp_path / f"demo{n}.pdf"
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "xjeditor", "export", str(demo),
                               "-o", str(out)], env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                    if line.startswith("import time:")}
        runs.append((imported, out.read_bytes()))
    assert {"jinja2", "tomllib"} <= runs[0][0]
    assert not {m for m in runs[1][0] if m.split(".")[0] in ("jinja2", "tomllib")}
    assert runs[1][1] == runs[0][1]


# --------------------------------------------------------------------------------------
# same results as parsing and rendering
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(layouts_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_a_cached_layout_is_the_parsed_layout(path, cache, monkeypatch):
    parsed = load_layout_file(path)
    texts = _texts(parsed)
    assert _store_file(cache, "parsed").exists()
    _restart(monkeypatch)
    monkeypatch.setattr(spec, "_parse", lambda *a, **k: pytest.fail("parsed although cached"))
    cached = load_layout_file(path)
    assert cached is not parsed
    assert repr(cached) == repr(parsed)
    assert cached.sources == parsed.sources
    assert cached.stylesheet() == parsed.stylesheet()
    assert cached.templates == {}  # compiled when first needed
    assert cached.line_of("masters.front.elements[0]", "text") == parsed.line_of("masters.front.elements[0]", "text")
    _no_jinja2(monkeypatch)
    assert _texts(cached) == texts


def test_cached_texts_are_what_jinja2_renders(cache, monkeypatch):
    layout = load_layout_file(SIKAI)
    rendered = []
    for number, date, pages in ((1, dt.date(2021, 1, 15), 4), (152, dt.date(2024, 2, 29), 8),
                                (10000, dt.date(1999, 12, 31), 12)):
        issue = new_issue(layout, pages=pages, number=number, total_number=number + 7, date=date)
        issue.editors = {"主编": "甲", "副主编": "乙"}
        for i, page in enumerate(issue.pages):
            ctx = template_context(issue, page, i + 1, len(issue.pages), layout)
            for el in layout.master_for(page).elements:
                for key in ("when", "text"):
                    if (el.table, key) in layout.sources:
                        text = spec.render_template(layout, el.table, key, ctx, cache=False)
                        rendered.append((el.table, key, ctx, text))
    assert len(rendered) > 40
    # first through the cache (rendering and keeping), then from it in a new process
    for table, key, ctx, text in rendered:
        assert spec.render_template(layout, table, key, ctx) == text
    spec._save_caches()
    _restart(monkeypatch)
    cached = load_layout_file(SIKAI)
    _no_jinja2(monkeypatch)
    for table, key, ctx, text in rendered:
        assert spec.render_template(cached, table, key, ctx) == text


def test_texts_are_kept_per_context(cache, monkeypatch):
    first = _texts(SIKAI, number=152)
    _restart(monkeypatch)
    other = _texts(SIKAI, number=153)
    assert other != first
    assert any("第153期" in t for _, t in other)


def test_the_editors_order_is_part_of_the_key():
    a = {"editors": {"主编": "甲", "校对": "乙"}}
    b = {"editors": {"校对": "乙", "主编": "甲"}}
    assert caches.RenderStore.key("l", "s", a) != caches.RenderStore.key("l", "s", b)
    assert caches.RenderStore.key("l", "s", a) == caches.RenderStore.key("l", "s", dict(a))


class _Name(str):
    pass


@pytest.mark.parametrize("value", [
    object(),
    _Name("x"),
    dt.datetime(2021, 1, 15, tzinfo=dt.UTC),
    [1, object()],
    {1: "x"},
])
def test_contexts_without_a_canonical_form_are_not_kept(value):
    assert caches.RenderStore.key("label", "{{ x }}", {"x": value}) is None


def test_plain_contexts_are_kept_but_not_random_templates():
    ctx = {"s": "x", "n": 1, "f": 1.5, "b": True, "none": None, "d": dt.date(2021, 1, 15),
           "t": dt.datetime(2021, 1, 15, 8, 0), "l": [1, "2", (3,)], "m": {"k": ["v"]}}
    assert caches.RenderStore.key("label", "{{ s }}", ctx) is not None
    assert caches.RenderStore.key("label", "{{ [1, 2]|random }}", ctx) is None
    assert caches.RenderStore.key("label", "{{ lipsum(1) }}", ctx) is None
    # 1, True and 1.0 render differently and are told apart
    keys = {caches.RenderStore.key("label", "{{ x }}", {"x": v}) for v in (1, True, 1.0, "1")}
    assert len(keys) == 4


def test_an_uncacheable_context_renders_through_jinja2(cache, monkeypatch):
    layout = load_layout_file(SIKAI)

    class Paper(str):
        pass

    issue = new_issue(layout, pages=4, number=1, total_number=1, date=dt.date(2021, 1, 15))
    issue.paper = Paper("某某报")
    _, stories = furniture(issue, 0, layout)
    assert any("某某报" in p.text for s in stories for p in s.parts)
    assert not spec._RENDERS.entries()  # nothing kept for that context


def test_a_template_that_changes_its_context_is_not_kept(cache, write_layout, minimal_layout):
    text = minimal_layout.replace('text = "{{ page|banci }} {{ section }}"',
                                  'text = "{{ editors.update({\'x\': \'y\'}) or \'\' }}{{ page|banci }}"')
    path = write_layout(text)
    layout = load_layout_file(path)
    ctx = {"page": 2, "editors": {}}
    assert spec.render_template(layout, "masters.inner.elements[0]", "text", ctx) == "第2版"
    assert ctx["editors"] == {"x": "y"}
    assert not spec._RENDERS.entries()


# --------------------------------------------------------------------------------------
# what must not be used
# --------------------------------------------------------------------------------------


def _edit_keeping_size_and_time(path, old, new):
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_an_edited_layout_file_is_parsed_again(cache, monkeypatch, write_layout, minimal_layout):
    path = write_layout(minimal_layout)
    assert load_layout_file(path).name == "测试版式"
    assert _texts(load_layout_file(path))
    _restart(monkeypatch)
    # same size, same modification time: the content still tells
    _edit_keeping_size_and_time(path, 'name = "测试版式"', 'name = "试验版式"')
    _edit_keeping_size_and_time(path, 'text = "{{ paper }}"', 'text = "{{printer}}"')
    layout = load_layout_file(path)
    assert layout.name == "试验版式"
    issue = new_issue(layout, pages=4, number=1, total_number=1, date=dt.date(2021, 1, 15))
    issue.printer = "某某印刷厂"
    _, stories = furniture(issue, 0, layout)
    assert next(p.text for s in stories for p in s.parts) == "某某印刷厂"
    assert spec._declared_name(path) == "试验版式"
    # and a change of size
    _restart(monkeypatch)
    path.write_text(path.read_text(encoding="utf-8").replace("试验版式", "又一个版式"), encoding="utf-8")
    assert load_layout_file(path).name == "又一个版式"
    assert spec._declared_name(path) == "又一个版式"


def test_names_come_from_the_cache_without_reading_toml(cache, monkeypatch):
    assert load_layout("社区晨报-四开").path == SIKAI
    _restart(monkeypatch)
    import builtins

    real_import = builtins.__import__

    def no_tomllib(name, *args, **kwargs):
        if name == "tomllib":
            raise AssertionError("tomllib imported although the names are cached")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tomllib)
    assert load_layout("社区晨报-四开").path == SIKAI
    assert spec._declared_name(layouts_dir() / "chenbao-duikai.toml") == "社区晨报-对开"


@pytest.mark.parametrize("prefix", ["parsed", "rendered"])
def test_a_damaged_cache_file_is_ignored_and_replaced(prefix, cache, monkeypatch):
    expected = _texts(load_layout_file(SIKAI))
    damaged = _store_file(cache, prefix)
    damaged.write_bytes(b"\x00garbage")
    _restart(monkeypatch)
    assert _texts(load_layout_file(SIKAI)) == expected
    assert damaged.read_bytes() != b"\x00garbage"
    _restart(monkeypatch)
    _no_jinja2(monkeypatch)
    assert _texts(load_layout_file(SIKAI)) == expected


@pytest.mark.parametrize("garbage", [b"\x80\x05garbage", b"", marshal.dumps(None)])
def test_a_damaged_layout_entry_is_parsed_afresh(garbage, cache, monkeypatch):
    expected = _texts(load_layout_file(SIKAI))
    path = _store_file(cache, "parsed")
    fmt, deps, entries = marshal.loads(path.read_bytes())
    entries = {k: (v[0], v[1], garbage) for k, v in entries.items()}
    path.write_bytes(marshal.dumps((fmt, deps, entries)))
    _restart(monkeypatch)
    assert _texts(load_layout_file(SIKAI)) == expected


def test_entries_made_by_other_code_are_ignored(cache, monkeypatch):
    expected = _texts(load_layout_file(SIKAI))
    _restart(monkeypatch)
    monkeypatch.setattr(caches, "_DEPS", (("/nowhere/spec.py", 1, 2),))  # as if spec.py had changed
    assert spec._LAYOUTS.entries() == {} and spec._RENDERS.entries() == {}
    assert _texts(load_layout_file(SIKAI)) == expected


def test_a_layout_that_fails_its_checks_is_not_kept(cache, monkeypatch, write_layout, minimal_layout):
    path = write_layout(minimal_layout.replace("size = 54.0", "size = 5.0"))  # masthead too small (R37)
    with pytest.raises(LayoutError) as first:
        load_layout_file(path)
    unchecked = load_layout_file(path, check=False)
    _restart(monkeypatch)
    assert spec._LAYOUTS.layout(path.resolve(), caches.digest(path.read_bytes())) is None
    with pytest.raises(LayoutError) as again:
        load_layout_file(path)
    assert (str(again.value), again.value.line, again.value.text_zh) == (
        str(first.value), first.value.line, first.value.text_zh)
    assert load_layout_file(path, check=False).name == unchecked.name


def test_the_caches_stay_bounded(cache, monkeypatch):
    store = caches.RenderStore()
    monkeypatch.setattr(caches.RenderStore, "MAX_ENTRIES", 8)
    for n in range(30):
        store.put(bytes([n]), str(n))
    assert len(store.entries()) <= 8
    assert store.get(bytes([29])) == "29"
    assert store.get(bytes([0])) is None


# --------------------------------------------------------------------------------------
# errors are jinja2's, with their lines
# --------------------------------------------------------------------------------------

_LATE_ERROR = '''text = """
{{ page|banci }}
{% if page == 3 %}{{ no_such_name }}{% endif %}
"""'''


def test_template_errors_name_the_same_line_from_a_cached_layout(cache, monkeypatch, write_layout,
                                                                 minimal_layout):
    """The checks render page 2 only, so the layout loads and is kept; page 3 fails."""
    text = minimal_layout.replace('text = "{{ page|banci }} {{ section }}"', _LATE_ERROR)
    path = write_layout(text)
    expected_line = next(i for i, ln in enumerate(text.splitlines(), 1) if "no_such_name" in ln)

    def fail_on_page_3():
        issue = new_issue(load_layout_file(path), pages=4, number=1, total_number=1, date=dt.date(2021, 1, 15))
        assert [p.text for s in furniture(issue, 1, load_layout_file(path))[1] for p in s.parts] == ["第2版"]
        with pytest.raises(LayoutTemplateError) as err:
            issue_with_furniture(issue, load_layout_file(path))
        return err.value

    cold = fail_on_page_3()
    assert cold.line == expected_line
    assert "no_such_name" in cold.message and "未定义的变量" in cold.text_zh
    _restart(monkeypatch)
    monkeypatch.setattr(spec, "_parse", lambda *a, **k: pytest.fail("parsed although cached"))
    warm = fail_on_page_3()
    assert (str(warm), warm.line, warm.text_zh) == (str(cold), cold.line, cold.text_zh)


def test_syntax_errors_still_name_their_line(cache, monkeypatch, write_layout, minimal_layout):
    text = minimal_layout.replace('text = "{{ page|banci }} {{ section }}"',
                                  'text = """\n{{ page|banci }}\n{% if %}\n"""')
    path = write_layout(text)
    for _ in range(2):
        with pytest.raises(LayoutTemplateError) as err:
            load_layout_file(path)
        assert err.value.line == next(i for i, ln in enumerate(text.splitlines(), 1) if "{% if %}" in ln)
        _restart(monkeypatch)


# --------------------------------------------------------------------------------------
# threads
# --------------------------------------------------------------------------------------


def test_layouts_load_and_render_from_several_threads(cache, monkeypatch):
    expected = _texts(load_layout_file(SIKAI))
    def work(results, errors):
        try:
            results.append(_texts(load_layout("社区晨报-四开")))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    for _ in range(2):  # once with nothing cached in memory, once with the cache on disk
        _restart(monkeypatch)
        results, errors = [], []
        threads = [threading.Thread(target=work, args=(results, errors)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert results == [expected] * 8
