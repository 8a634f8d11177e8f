"""``xjeditor export`` starts its typesetting child before the arguments are parsed
(``cli.export_child.prestart``): the issue file is guessed from the arguments, and the
command takes the child only when the parser names the same file."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xjeditor import cli
from xjeditor.cli import export as cli_export
from xjeditor.cli import export_child as XC
from xjeditor.cli import main
from xjeditor.paths import seeds_dir

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _export_parser():
    parser = cli.build_parser("export")
    sub = next(a for a in parser._actions if a.dest == "command")
    return parser, sub.choices["export"]


def test_the_guess_knows_every_option_of_the_export():
    """The option lists the guess scans with are those the export's parser has."""
    _, export = _export_parser()
    long_values, short_values, flags = set(), set(), set()
    for action in export._actions:
        for name in action.option_strings:
            if action.nargs == 0:
                flags.add(name)
            elif name.startswith("--"):
                long_values.add(name)
            else:
                short_values.add(name)
    assert long_values == set(XC.VALUE_OPTIONS)
    assert short_values == set(XC.SHORT_VALUE_OPTIONS)
    assert flags == set(XC.FLAG_OPTIONS) | {"-h", "--help"}


@pytest.mark.parametrize("args", [
    ["a.xjb", "-o", "x.pdf"],
    ["-o", "x.pdf", "a.xjb"],
    ["--output=x.pdf", "a.xjb", "--marks"],
    ["--pages", "1-2", "a.xjb", "--bleed", "3", "-o", "x.pdf"],
    ["-ox.pdf", "--spreads", "--no-pdfx", "a.xjb"],
    ["--out", "x.pdf", "--ma", "a.xjb"],
    ["-o", "x.pdf", "--", "a.xjb"],
])
def test_the_usual_command_lines_are_guessed(args):
    assert XC.guess_issue_path(args) == "a.xjb"


@pytest.mark.parametrize("args", [
    ["-h"], ["a.xjb", "--help"], ["a.xjb", "b.xjb", "-o", "x.pdf"], ["--frob", "a.xjb"],
    ["-x", "a.xjb"], ["--marks=yes", "a.xjb"], ["-o", "x.pdf"], [],
])
def test_unusual_command_lines_are_left_to_the_parser(args):
    assert XC.guess_issue_path(args) is None


_TOKENS = st.sampled_from([
    "a.xjb", "b.xjb", "-", "--", "-o", "-ox.pdf", "-o=x.pdf", "--output", "--output=x.pdf", "--out",
    "--o", "--pages", "--pa", "--pages=1", "--bleed", "--bl=3", "--marks", "--ma", "--m", "--spreads",
    "--no-pdfx", "--no", "--help", "-h", "x.pdf", "1-2", "3", "-3", "--frob", "-x",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=7))
def test_a_guess_is_always_what_the_parser_reads(args):
    """Wherever the guess names a file, the parser reads the same file (or rejects the
    command line, which stops the child anyway)."""
    guess = XC.guess_issue_path(args)
    if guess is None:
        return
    parser, _ = _export_parser()
    try:
        parsed = parser.parse_args(["export", *args])
    except SystemExit:
        return
    assert parsed.file == guess


@pytest.fixture
def early(monkeypatch):
    """prestart as the command runs it, with two processes whatever the machine."""
    monkeypatch.setattr(XC, "use_two_processes", lambda: True)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: True)
    yield
    XC.abandon_prestarted()


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_the_command_takes_the_child_started_for_its_file(tmp_path, monkeypatch, early):
    demo = str(seeds_dir() / "demo.xjb")
    out = tmp_path / "early.pdf"
    XC.prestart([demo, "-o", str(out)])
    assert XC._early is not None and XC._early[0] == demo
    monkeypatch.setattr(cli_export, "_Child", lambda load: pytest.fail("a second child was started"))
    assert main(["export", demo, "-o", str(out)]) == 0
    assert XC._early is None
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: False)
    single = tmp_path / "single.pdf"
    assert main(["export", demo, "-o", str(single)]) == 0
    assert out.read_bytes() == single.read_bytes()


@needs_fork
def test_a_child_started_for_another_file_is_stopped(tmp_path, early):
    """A wrong guess costs the child, not the result: the parser's file is exported."""
    other = tmp_path / "other.xjb"
    shutil.copy(seeds_dir() / "demo.xjb", other)
    XC.prestart([str(other), "-o", str(tmp_path / "x.pdf")])
    pid = XC._early[2].pid
    demo = str(seeds_dir() / "demo.xjb")
    assert main(["export", demo, "-o", str(tmp_path / "x.pdf")]) == 0
    assert _reaped(pid) and XC._early is None
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")


@needs_fork
def test_a_file_that_cannot_be_read_starts_no_child(tmp_path, early, monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a file that cannot be read"))
    XC.prestart([str(tmp_path / "missing.xjb"), "-o", str(tmp_path / "x.pdf")])
    assert XC._early is None


class _Left(Exception):
    pass


@needs_fork
def test_a_bad_argument_stops_the_early_child(tmp_path, monkeypatch, capsys, early):
    """``entry`` starts the child, the parser rejects the command line: the child is
    stopped and reaped, and the error is said once."""
    pids = []
    real_init = XC.TypesetChild.__init__

    def init(self, load):
        real_init(self, load)
        pids.append(self.pid)

    def leave(code):  # (not os._exit: the child leaves by it)
        raise _Left(code)

    monkeypatch.setattr(XC.TypesetChild, "__init__", init)
    monkeypatch.setattr(cli, "_leave", leave)
    demo = str(seeds_dir() / "demo.xjb")
    for bad in (["--bleed", "99"], ["--bleed", "wide"]):
        monkeypatch.setattr(sys, "argv", ["xjeditor", "export", demo, "-o", str(tmp_path / "x.pdf"), *bad])
        with pytest.raises((_Left, SystemExit)) as left:
            cli.entry()
        code = left.value.args[0] if isinstance(left.value, _Left) else left.value.code
        assert code == 2
        assert len(pids) == 1 and _reaped(pids.pop())
        assert capsys.readouterr().err.count("xjeditor: error:") == 1
    assert not (tmp_path / "x.pdf").exists()
