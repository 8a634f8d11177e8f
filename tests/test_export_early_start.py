"""``xjeditor export`` starts its typesetting child before the arguments are parsed
(``cli.export_child.prestart``): the issue file is found in the arguments by a plain scan
(which also stands in for the parser on a plain command line), and the command takes the
child only when its file is the same."""

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


def test_the_scan_knows_every_option_of_the_export():
    """The options the scan reads are those the export's parser has, stored under the
    same names."""
    _, export = _export_parser()
    long_values, short_values, flags = {}, {}, {}
    for action in export._actions:
        for name in action.option_strings:
            if action.nargs == 0:
                flags[name] = action.dest
            elif name.startswith("--"):
                long_values[name] = action.dest
            else:
                short_values[name] = action.dest
    assert long_values == XC.VALUE_OPTIONS
    assert short_values == XC.SHORT_VALUE_OPTIONS
    assert flags == {**XC.FLAG_OPTIONS, "-h": "help", "--help": "help"}


def _parsed(args):
    """What the parser makes of ``xjeditor export ARGS``: its values, or None when it
    rejects them."""
    parser, _ = _export_parser()
    try:
        parsed = vars(parser.parse_args(["export", *args]))
    except SystemExit:
        return None
    del parsed["command"], parsed["func"]
    return parsed


@pytest.mark.parametrize("args", [
    ["a.xjb", "-o", "x.pdf"],
    ["-o", "x.pdf", "a.xjb"],
    ["--output=x.pdf", "a.xjb", "--marks"],
    ["--pages", "1-2", "a.xjb", "--bleed", "3", "-o", "x.pdf"],
    ["-ox.pdf", "--spreads", "--no-pdfx", "a.xjb"],
    ["--out", "x.pdf", "--ma", "a.xjb"],
    ["-o", "x.pdf", "--", "a.xjb"],
    ["a.xjb", "-o", "x.pdf", "--bleed=2.5", "--bleed", "1_0", "-o", "y.pdf"],
])
def test_the_usual_command_lines_are_read_as_the_parser_reads_them(args):
    values = XC.plain_export_args(args)
    assert values is not None and values["file"] == "a.xjb"
    assert values == _parsed(args)


@pytest.mark.parametrize("args", [
    ["-h"], ["a.xjb", "--help"], ["a.xjb", "b.xjb", "-o", "x.pdf"], ["--frob", "a.xjb"],
    ["-x", "a.xjb"], ["--marks=yes", "a.xjb"], ["-o", "x.pdf"], [], ["a.xjb"],
    ["a.xjb", "-o", "-x"], ["a.xjb", "-o=x.pdf"], ["a.xjb", "-o", "x.pdf", "--bleed", "wide"],
    ["a.xjb", "-o", "x.pdf", "--bleed", "-1"], ["a.xjb", "-o"],
])
def test_unusual_command_lines_are_left_to_the_parser(args):
    assert XC.plain_export_args(args) is None


_TOKENS = st.sampled_from([
    "a.xjb", "b.xjb", "-", "--", "", "-o", "-ox.pdf", "-o=x.pdf", "--output", "--output=x.pdf",
    "--output=", "--out", "--o", "--pages", "--pa", "--pages=1", "--bleed", "--bl=3", "--bleed=wide",
    "--marks", "--ma", "--m", "--marks=1", "--spreads", "--no-pdfx", "--no", "--help", "-h", "x.pdf",
    "1-2", "3", "-3", " 3 ", "1_0", "nan", "--frob", "-x", "---x",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_TOKENS, max_size=8))
def test_the_scan_reads_what_the_parser_reads(args):
    """Wherever the scan gives values, the parser accepts the command line and gives the
    same values; where the parser rejects it, the scan gives none."""
    values = XC.plain_export_args(args)
    if values is not None:
        assert values == _parsed(args)


def test_a_plain_export_needs_no_parser(tmp_path, monkeypatch):
    """A plain command line is run without argparse's parser (its import and making are
    a thirtieth of the export); anything else goes through it."""
    def no_parser(only=None):
        raise AssertionError("the parser was built")

    monkeypatch.setattr(cli, "build_parser", no_parser)
    monkeypatch.setattr(cli_export, "use_two_processes", lambda: False)
    demo = str(seeds_dir() / "demo.xjb")
    assert main(["export", demo, "-o", str(tmp_path / "x.pdf"), "--pages", "1"]) == 0
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(AssertionError, match="parser was built"):
        main(["export", demo, "--help"])


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
    """``entry`` starts the child, the command rejects the command line: the child is
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
    # (A bleed out of range is the command's to refuse, after the start; one that is not
    # a number is the parser's, and the scan starts no child for it.)
    for bad, children in ((["--bleed", "99"], 1), (["--bleed", "wide"], 0)):
        monkeypatch.setattr(sys, "argv", ["xjeditor", "export", demo, "-o", str(tmp_path / "x.pdf"), *bad])
        with pytest.raises((_Left, SystemExit)) as left:
            cli.entry()
        code = left.value.args[0] if isinstance(left.value, _Left) else left.value.code
        assert code == 2
        assert len(pids) == children and all(_reaped(pids.pop()) for _ in range(children))
        assert capsys.readouterr().err.count("xjeditor: error:") == 1
    assert not (tmp_path / "x.pdf").exists()
