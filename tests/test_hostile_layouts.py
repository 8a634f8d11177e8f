"""Layouts named by issue files: looked up by name only, templates sandboxed.

An issue file comes from elsewhere (e-mail, USB stick). Its ``layout`` field once could
be a path to a .toml file, whose jinja2 templates then ran unsandboxed: a masthead
template reaching ``os`` through a global's ``__init__.__globals__`` ran any command on
export, preflight, render and in the editor.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from xjeditor.cli import main
from xjeditor.fileformat import load_issue, save_issue
from xjeditor.layouts import (
    FURNITURE_PREFIX,
    LayoutTemplateError,
    UnknownLayoutError,
    available_layouts,
    load_layout,
    new_issue,
)
from xjeditor.layouts import user_layouts_dir

LAYOUT = textwrap.dedent(
    """\
    name = "{name}"
    description = "测试用"
    sections = ["要闻", "社区要闻"]

    [paper]
    name = "测试报"

    [page]
    width = 273.0
    height = 390.0

    [margins]
    top = 20.0

    [grid]
    body_size = "小五"
    columns = 5
    column_chars = 14
    gutter = 1.5
    lines = 73

    [styles.masthead]
    based_on = "title-lead"
    label = "报头"
    size = 54.0

    [masters.front]

    [[masters.front.elements]]
    id = "name"
    part = "title"
    style = "masthead"
    h = "6 lines"
    text = "{text}"

    [[masters.front.frames]]
    y = "8 lines"

    [masters.inner]

    [[masters.inner.elements]]
    id = "head"
    text = "{{{{ page|banci }}}} {{{{ section }}}}"

    [[masters.inner.frames]]
    y = "2 lines"
    """
)


def payload(marker) -> str:
    """A template that makes the folder ``marker`` when it runs unsandboxed."""
    return "{{ cycler.__init__.__globals__.os.mkdir('%s') }}{{ paper }}" % marker


def layout_text(name: str, text: str) -> str:
    return LAYOUT.format(name=name, text=text)


@pytest.fixture(autouse=True)
def user_folder(tmp_path, monkeypatch):
    """The user's layouts folder, empty, in tmp_path (XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = user_layouts_dir()
    assert folder == tmp_path / "data" / "xjeditor" / "layouts"
    return folder


def issue_naming(layout: str):
    issue = new_issue("chenbao-sikai", pages=4, date=dt.date(2021, 1, 15))
    issue.layout = layout
    return issue


def test_the_payload_is_real(tmp_path):
    """Unsandboxed jinja2 would run it: what the tests below keep from running."""
    import jinja2

    marker = tmp_path / "ran"
    jinja2.Environment().from_string(payload(marker)).render(paper="报")
    assert marker.exists()


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_layout_path_in_an_issue_is_never_loaded(tmp_path, monkeypatch, capsys, qapp, relative):
    # (qapp: ``render`` then uses the tests' QApplication instead of making a QGuiApplication)
    marker = tmp_path / "ran"
    (tmp_path / "evil.toml").write_text(layout_text("恶意版式", payload(marker)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    name = "evil.toml" if relative else str(tmp_path / "evil.toml")
    with pytest.raises(UnknownLayoutError):
        load_layout(name)
    save_issue(issue_naming(name), tmp_path / "evil.xjb")

    # export: a warning, and the PDF without furniture
    assert main(["export", "evil.xjb", "-o", "evil.pdf"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "evil.toml" in err
    assert (tmp_path / "evil.pdf").stat().st_size > 1000
    # preflight and render
    main(["preflight", "evil.xjb"])
    assert main(["render", "evil.xjb", "-o", "evil.png"]) == 0
    capsys.readouterr()
    # the editor's document
    from xjeditor.app.document import Document

    ts = Document.open(tmp_path / "evil.xjb").typeset
    assert any(d.code == "layout-unavailable" and "evil.toml" in d.zh for d in ts.diagnostics)
    assert not marker.exists()


def test_an_unknown_layout_exports_without_furniture(tmp_path, capsys):
    from xjeditor.pipeline import typeset_issue

    path = tmp_path / "unknown.xjb"
    save_issue(issue_naming("不存在的版式"), path)
    ts = typeset_issue(load_issue(path))
    assert [d.code for d in ts.diagnostics] == ["layout-unavailable"] and "不存在的版式" in ts.diagnostics[0].zh
    assert not any(f.id.startswith(FURNITURE_PREFIX) for p in ts.issue.pages for f in p.frames)
    assert main(["export", str(path), "-o", str(tmp_path / "unknown.pdf")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("xjeditor: warning: ") and "不存在的版式" in err[0]
    assert (tmp_path / "unknown.pdf").stat().st_size > 1000


def test_user_layouts_are_found_by_name(user_folder):
    user_folder.mkdir(parents=True)
    (user_folder / "my-paper.toml").write_text(layout_text("我的版式", "{{ paper }}"), encoding="utf-8")
    assert load_layout("我的版式").path == (user_folder / "my-paper.toml").resolve()
    assert load_layout("my-paper").name == "我的版式"
    names = [name for name, _ in available_layouts()]
    assert names.index("社区晨报-四开") < names.index("我的版式")  # bundled ones first


@pytest.mark.parametrize("template", [
    "{{ cycler.__init__.__globals__.os.mkdir('MARKER') }}",
    "{{ '{0.__init__.__globals__}'.format(cycler) }}{{ self.__init__ }}",
    "{{ editors.update({'x': 1}) }}",  # the sandbox is immutable too
], ids=["attribute", "format", "mutation"])
def test_user_layout_templates_run_sandboxed(tmp_path, user_folder, template):
    marker = tmp_path / "ran"
    user_folder.mkdir(parents=True)
    text = template.replace("MARKER", str(marker))
    (user_folder / "hostile.toml").write_text(layout_text("恶意版式", text), encoding="utf-8")
    with pytest.raises(LayoutTemplateError) as info:
        load_layout("恶意版式")
    message = str(info.value)
    assert "\n" not in message and "not allowed in a layout template" in message
    assert message.startswith("hostile.toml:")
    assert "版式模板中不允许" in info.value.text_zh
    assert not marker.exists()
    assert "恶意版式" not in [name for name, _ in available_layouts()]


def test_cli_refuses_a_hostile_layout_in_one_line(tmp_path, user_folder, capsys):
    marker = tmp_path / "ran"
    user_folder.mkdir(parents=True)
    (user_folder / "hostile.toml").write_text(layout_text("恶意版式", payload(marker)), encoding="utf-8")
    assert main(["new", "--layout", "恶意版式", "-o", str(tmp_path / "x.xjb")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("xjeditor: error: hostile.toml:")
    assert "not allowed in a layout template" in err[0]
    assert not marker.exists() and not (tmp_path / "x.xjb").exists()
    # an issue naming it: a warning, no furniture, no command run
    save_issue(issue_naming("恶意版式"), tmp_path / "h.xjb")
    assert main(["export", str(tmp_path / "h.xjb"), "-o", str(tmp_path / "h.pdf")]) == 0
    assert "not allowed in a layout template" in capsys.readouterr().err
    assert not marker.exists()
