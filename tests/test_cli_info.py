"""``xjeditor info``: the summary of an issue file, its JSON form, and one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xjeditor import cli
from xjeditor.cli import main
from xjeditor.fileformat import issue_to_bytes, load_issue
from xjeditor.paths import seeds_dir

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "sample.xjb"


def _xjeditor_command() -> list[str]:
    script = Path(sys.executable).parent / "xjeditor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "xjeditor"]


def test_info_prints_the_summary(capsys):
    assert main(["info", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    issue = load_issue(SAMPLE)
    assert "Paper:   新泾镇社区晨报" in out
    assert "No. 3" in out and "2021-03-15" in out
    assert "Pages (2):" in out and "text 2, image 1, rule 1, box 1" in out
    for story in issue.stories.values():
        assert story.id in out and story.headline in out
    assert f"Total characters: {issue.character_count}" in out
    assert "Images: 1," in out and "600×400 px" in out


def test_info_json_is_machine_readable(capsys):
    assert main(["info", "--json", str(SAMPLE)]) == 0
    info = json.loads(capsys.readouterr().out)
    issue = load_issue(SAMPLE)
    assert info["paper"] == issue.paper and info["number"] == 3 and info["date"] == "2021-03-15"
    assert [p["number"] for p in info["pages"]] == [1, 2]
    assert info["pages"][0]["frames"] == {"text": 2, "image": 1, "rule": 1, "box": 1}
    assert info["pages"][0]["section"] == "社区要闻"
    assert {s["id"]: s["characters"] for s in info["stories"]} == {
        s.id: s.text_length() for s in issue.stories.values()
    }
    assert info["characters"] == issue.character_count
    image = info["images"]["items"][0]
    assert info["images"]["count"] == 1 and image["pixels"] == [600, 400]
    assert info["images"]["bytes"] == sum(len(a.data) for a in issue.images.values())
    assert len(info["sha256"]) == 64


def test_unreadable_image_has_no_pixel_size(tmp_path, capsys):
    from xjeditor.model import ImageAsset, ImageFrame, Issue, Page, Rect

    issue = Issue()
    key = issue.add_image(ImageAsset(b"not really a picture", "image/tiff", "x.tif"))
    issue.pages = [Page(frames=[ImageFrame("i1", Rect(0, 0, 10, 10), image=key)])]
    path = tmp_path / "odd.xjb"
    path.write_bytes(issue_to_bytes(issue))
    assert main(["info", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["images"]["items"][0]["pixels"] is None
    assert main(["info", str(path)]) == 0
    assert "size unknown" in capsys.readouterr().out


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    files = {}
    p = tmp_path / "text.xjb"
    p.write_text("hello")
    files["not a zip"] = (p, "not a zip archive")
    files["missing"] = (tmp_path / "missing.xjb", "No such file")
    p = tmp_path / "future.xjb"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("issue.json", '{"format_version": 99}')
    p.write_bytes(buf.getvalue())
    files["newer"] = (p, "format version 99")
    p = tmp_path / "schema.xjb"
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SAMPLE.read_bytes())) as src, zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "issue.json":
                record = json.loads(data)
                record["pages"][1]["frames"][0]["rect"]["w"] = "wide"
                data = json.dumps(record).encode()
            zf.writestr(info.filename, data)
    p.write_bytes(buf.getvalue())
    files["schema"] = (p, "$.pages[1].frames[0].rect.w: expected a number")
    return files


@pytest.mark.parametrize("case", ["not a zip", "missing", "newer", "schema"])
def test_bad_files_exit_2_with_one_line(tmp_path, capsys, case):
    path, text = _bad_files(tmp_path)[case]
    assert main(["info", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"xjeditor: error: {path}: ")
    assert text in lines[0]
    assert "Traceback" not in captured.err


def test_as_a_subprocess(tmp_path):
    cmd = _xjeditor_command()
    ok = subprocess.run(cmd + ["info", str(SAMPLE)], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "新泾镇社区晨报" in ok.stdout and ok.stderr == ""
    path, text = _bad_files(tmp_path)["schema"]
    bad = subprocess.run(cmd + ["info", str(path)], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.splitlines() == [f"xjeditor: error: {path}: {text}"]
    assert "Traceback" not in bad.stderr


class _Left(Exception):
    """Stands for ``os._exit`` in these tests: the test process goes on."""


def _leaving(monkeypatch):
    """``os._exit`` and ``atexit._run_exitfuncs`` replaced by recorders (the test
    process's own atexit handlers must not run); the calls in order."""
    import atexit

    calls = []

    def fake_exit(code):
        calls.append(("_exit", code))
        raise _Left

    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("atexit"))
    # pytest-qt has loaded Qt in this process: as in a command that never does
    monkeypatch.setattr(cli, "_qt_loaded", lambda: False)
    return calls


def test_the_console_script_leaves_by_os_exit_after_the_atexit_handlers(monkeypatch, capsys):
    """``entry`` (the ``xjeditor`` command) runs ``main``, flushes, runs the atexit
    handlers and leaves by ``os._exit`` with main's code (see its docstring); ``main``
    itself, which tests and other callers use, does none of that."""
    from xjeditor.cli import entry

    calls = _leaving(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["xjeditor", "--version"])
    assert main() == 0 and calls == []
    with pytest.raises(_Left):
        entry()
    assert calls == ["atexit", ("_exit", 0)]
    assert capsys.readouterr().out.startswith("xjeditor ")
    calls.clear()
    monkeypatch.setattr(sys, "argv", ["xjeditor", "info", "/nonexistent/x.xjb"])
    with pytest.raises(_Left):
        entry()
    assert calls == ["atexit", ("_exit", 2)]
    script = Path(sys.executable).parent / "xjeditor"
    if script.exists():  # the installed console script is the entry
        assert "entry" in script.read_text(encoding="utf-8")


def test_the_console_script_exits_normally_after_qt_or_with_threads_running(monkeypatch, capsys):
    """With Qt loaded (the editor ran) or another thread alive, ``entry`` returns for
    Python's own exit, with the collector frozen."""
    import gc
    import threading

    from xjeditor.cli import entry

    assert cli._qt_loaded() == any(k == "PySide6" or k.startswith("PySide6.") for k in sys.modules)
    calls = _leaving(monkeypatch)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(sys, "argv", ["xjeditor", "--version"])
    monkeypatch.setattr(cli, "_qt_loaded", lambda: True)
    assert entry() == 0 and calls == ["freeze"]
    monkeypatch.setattr(cli, "_qt_loaded", lambda: False)
    calls.clear()
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert entry() == 0 and calls == ["freeze"]
    finally:
        stop.set()
        worker.join()
    capsys.readouterr()


def test_the_command_keeps_what_its_atexit_handlers_save(tmp_path):
    """A real run of the command, in one process: the atexit handlers still save the
    caches (the characters it learned), and what it printed is all there."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XJEDITOR_NO_FORK": "1", "XJEDITOR_CACHE_DIR": str(cache)}
    out = tmp_path / "x.pdf"
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "export", str(seeds_dir() / "demo.xjb"), "-o", str(out)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"wrote {out} (4 pages)"
    assert out.read_bytes().rstrip().endswith(b"%%EOF")
    assert len(list((cache / "glyphs").iterdir())) == 4  # the four bundled faces the demo uses


def test_one_shot_commands_run_without_the_cycle_collector(monkeypatch, capsys):
    """``entry`` switches the cycle collector off while a command that runs once runs
    (``ONE_SHOT_COMMANDS``), and on again if the process goes on."""
    import gc

    from xjeditor.cli import entry

    seen = []
    real_main = cli.main

    def spy(argv=None):
        seen.append(gc.isenabled())
        return real_main(argv)

    monkeypatch.setattr(cli, "main", spy)
    monkeypatch.setattr(cli, "_leave", lambda code: None)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    assert gc.isenabled()
    for argv, collecting in ((["info", str(seeds_dir() / "demo.xjb")], False), (["--version"], True)):
        monkeypatch.setattr(sys, "argv", ["xjeditor", *argv])
        assert entry() == 0
        assert seen.pop() is collecting and gc.isenabled()
    capsys.readouterr()
