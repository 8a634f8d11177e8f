"""``xjeditor export`` typesets in a forked child while the PDF writer starts up: the file
must be the same as a single process makes, and any failure of the child must fall back
to typesetting in the parent, reported as a single process reports it."""

import os
import subprocess
import sys

import pypdf
import pytest

from xjeditor.cli import export as cli_export
from xjeditor.cli import main
from xjeditor.paths import seeds_dir

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _export(folder, *extra, no_fork=False):
    folder.mkdir()
    out = folder / "issue.pdf"
    env = {**os.environ, "XJEDITOR_NO_FORK": "1" if no_fork else ""}
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "export", str(seeds_dir() / "demo.xjb"),
                           "-o", str(out), *extra], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out, proc


@needs_fork
@pytest.mark.parametrize("extra", [(), ("--marks", "--bleed", "3", "--pages", "2-3"), ("--spreads", "--no-pdfx")])
def test_two_processes_write_the_same_bytes_as_one(tmp_path, extra):
    two, p2 = _export(tmp_path / "forked", *extra)
    one, p1 = _export(tmp_path / "single", *extra, no_fork=True)
    assert two.read_bytes() == one.read_bytes()
    assert p2.stdout.replace("forked", "single") == p1.stdout
    assert p2.stderr == p1.stderr


def test_switch_and_platform_checks(monkeypatch):
    monkeypatch.setenv("XJEDITOR_NO_FORK", "1")
    assert not cli_export.use_two_processes()
    monkeypatch.setenv("XJEDITOR_NO_FORK", "0")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(sys, "platform", "linux")
    assert cli_export.use_two_processes() == hasattr(os, "fork")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not cli_export.use_two_processes()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not cli_export.use_two_processes()


@needs_fork
def test_a_failing_child_leaves_the_work_to_the_parent(tmp_path, monkeypatch, capsys):
    """The child dies (here: typesetting raises only there); the parent typesets itself."""
    parent = os.getpid()
    real = cli_export.typeset_for_export

    def flaky(issue, on_page=None):
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return real(issue, on_page)

    monkeypatch.setattr(cli_export, "typeset_for_export", flaky)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    out = tmp_path / "fallback.pdf"
    assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "wrote" in capsys.readouterr().out


@needs_fork
def test_an_error_in_typesetting_is_reported_once_by_the_parent(tmp_path, monkeypatch, capsys):
    def broken(issue, on_page=None):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(cli_export, "typeset_for_export", broken)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    with pytest.raises(RuntimeError, match="engine bug"):
        main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(tmp_path / "x.pdf")])
    assert not (tmp_path / "x.pdf").exists()


@needs_fork
def test_a_missing_issue_file_is_reported_before_any_fork(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a file that cannot be read"))
    assert main(["export", str(tmp_path / "missing.xjb"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "missing.xjb" in capsys.readouterr().err


@needs_fork
def test_a_bad_issue_file_is_reported_once_by_the_parent(tmp_path, monkeypatch, capfd):
    """The child reads the issue from the file's bytes (after the fork) and fails
    silently; the parent, given no facts, reads it and says what is wrong; nothing is
    written."""
    bad = tmp_path / "bad.xjb"
    bad.write_bytes(b"not an issue")
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    assert main(["export", str(bad), "-o", str(tmp_path / "x.pdf")]) == 2
    err = capfd.readouterr().err
    assert err.count("bad.xjb") == 1 and err.startswith("xjeditor: error: ")
    assert not (tmp_path / "x.pdf").exists()


@needs_fork
def test_the_file_is_read_once_before_the_fork(tmp_path, monkeypatch):
    """The issue file is read once, before the fork: replacing it while the export runs
    cannot give the child and the parent different issues."""
    src = tmp_path / "issue.xjb"
    src.write_bytes((seeds_dir() / "demo.xjb").read_bytes())
    real = cli_export.typeset_for_export
    parent = os.getpid()

    def replaced_first(issue, on_page=None):
        if os.getpid() != parent:  # the child: the file changes under the export
            os.unlink(src)
        return real(issue, on_page)

    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    monkeypatch.setattr(cli_export, "typeset_for_export", replaced_first)
    out = tmp_path / "x.pdf"
    assert main(["export", str(src), "-o", str(out)]) == 0
    assert not src.exists()
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: False)
    monkeypatch.setattr(cli_export, "typeset_for_export", real)
    single = tmp_path / "single.pdf"
    assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(single)]) == 0
    assert out.read_bytes() == single.read_bytes()


@needs_fork
def test_the_parent_leaves_the_issue_to_the_child(tmp_path, monkeypatch):
    """The writer gets the title, page count and pictures from the child: it never
    reads the issue itself (the file format's modules and checks stay out of its way)."""
    from xjeditor.cli import common

    real = common.open_issue
    calls = []  # in this process's memory: the parent's calls only

    def counted(*a, **k):
        calls.append(os.getpid())
        return real(*a, **k)

    monkeypatch.setattr(common, "open_issue", counted)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    out = tmp_path / "x.pdf"
    assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(out), "--pages", "2-3"]) == 0
    assert calls == []
    assert len(pypdf.PdfReader(out).pages) == 2


@needs_fork
def test_a_child_failing_after_some_pages_leaves_the_whole_file_to_the_parent(tmp_path, monkeypatch, capsys):
    """The parent has drawn page 1 when the child dies: it typesets and draws everything
    again, and the file is the one a single process writes."""
    parent = os.getpid()
    real = cli_export.typeset_for_export

    def dies_after_page_one(issue, on_page=None):
        if os.getpid() != parent:
            def one_page(page):
                on_page(page)
                if page.number == 1:
                    os._exit(3)
            return real(issue, one_page)
        return real(issue, on_page)

    monkeypatch.setattr(cli_export, "typeset_for_export", dies_after_page_one)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    out = tmp_path / "restarted.pdf"
    assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: False)
    single = tmp_path / "single.pdf"
    assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(single)]) == 0
    assert out.read_bytes() == single.read_bytes()


@needs_fork
def test_the_parent_has_page_one_before_the_child_sets_page_two(tmp_path, monkeypatch):
    """The child, having sent page 1, waits until the parent says it has it: with pages
    sent only at the end, it would wait in vain (and say so)."""
    import select

    to_child_r, to_child_w = os.pipe()
    to_test_r, to_test_w = os.pipe()
    real_pages = cli_export._Child.pages

    def pages(self):
        for page in real_pages(self):
            if page.number == 1:
                os.write(to_child_w, b"1")
            yield page

    parent = os.getpid()
    real = cli_export.typeset_for_export

    def waiting(issue, on_page=None):
        if os.getpid() == parent:
            return real(issue, on_page)

        def note(page):
            on_page(page)
            if page.number == 1:
                ready, _, _ = select.select([to_child_r], [], [], 20.0)
                os.write(to_test_w, b"y" if ready else b"n")
        return real(issue, note)

    monkeypatch.setattr(cli_export._Child, "pages", pages)
    monkeypatch.setattr(cli_export, "typeset_for_export", waiting)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    try:
        assert main(["export", str(seeds_dir() / "demo.xjb"), "-o", str(tmp_path / "x.pdf")]) == 0
        assert os.read(to_test_r, 1) == b"y"
    finally:
        for fd in (to_child_r, to_child_w, to_test_r, to_test_w):
            os.close(fd)


@needs_fork
def test_the_typesetting_child_keeps_the_characters_it_learned(tmp_path):
    """The child leaves by os._exit (no atexit): it saves the glyph cache itself."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XJEDITOR_NO_FORK": "", "XJEDITOR_CACHE_DIR": str(cache)}
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "export", str(seeds_dir() / "demo.xjb"),
                           "-o", str(tmp_path / "x.pdf")], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(list((cache / "glyphs").iterdir())) == 4  # the four bundled faces the demo uses
