"""What ``export`` and ``render`` do with hostile inputs and outputs, the control
characters the CLI prints, the temporary files of killed writers, and the save guard."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from xjeditor import paths
from xjeditor.cli import main
from xjeditor.fileformat import FileChangedError, file_hash, issue_to_bytes, load_issue, save_issue
from xjeditor.paths import seeds_dir

DEMO = seeds_dir() / "demo.xjb"
CONTROLS = [chr(c) for c in range(32) if chr(c) != "\n"] + ["\x7f", "\x9b"]


def _command() -> list[str]:
    script = Path(sys.executable).parent / "xjeditor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "xjeditor"]


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(_command() + args, capture_output=True, timeout=timeout)


@pytest.fixture
def issue_file(tmp_path) -> Path:
    path = tmp_path / "same.xjb"
    shutil.copyfile(DEMO, path)
    return path


def _one_error_line(capsys, *words: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("xjeditor: error: ")
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- the input as output


@pytest.mark.parametrize("command", [["export"], ["render", "--dpi", "20"]])
def test_the_input_is_never_the_output(issue_file, tmp_path, capsys, command):
    before = issue_file.read_bytes()
    link = tmp_path / "link.xjb"
    link.symlink_to(issue_file)
    hard = tmp_path / "hard.xjb"
    os.link(issue_file, hard)
    for output in (issue_file, link, hard):
        assert main([command[0], str(issue_file), *command[1:], "-o", str(output)]) == 2
        _one_error_line(capsys, "input")
    assert issue_file.read_bytes() == before
    assert link.is_symlink()


# --------------------------------------------------------------------------- outputs that are not files


def test_a_fifo_or_a_device_as_output_is_refused(tmp_path, capsys):
    fifo = tmp_path / "out.pdf"
    os.mkfifo(fifo)
    assert main(["export", str(DEMO), "-o", str(fifo)]) == 2
    _one_error_line(capsys, str(fifo), "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert main(["render", str(DEMO), "--dpi", "20", "-o", str(fifo)]) == 2
    _one_error_line(capsys, "not a regular file")
    assert main(["export", str(DEMO), "-o", os.devnull]) == 2
    _one_error_line(capsys, "not a regular file")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_symlink_as_output_is_written_through(tmp_path, capsys):
    real = tmp_path / "real" / "issue.pdf"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    assert main(["export", str(DEMO), "-o", str(link), "--pages", "1"]) == 0
    capsys.readouterr()
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    dangling = tmp_path / "dangling.png"
    dangling.symlink_to(tmp_path / "real" / "new.png")
    assert main(["render", str(DEMO), "--dpi", "20", "-o", str(dangling)]) == 0
    capsys.readouterr()
    assert dangling.is_symlink() and (tmp_path / "real" / "new.png").read_bytes().startswith(b"\x89PNG")


def test_dash_writes_to_standard_output(tmp_path):
    pdf = _run(["export", str(DEMO), "--pages", "1", "-o", "-"])
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.stdout.startswith(b"%PDF-") and pdf.stdout.rstrip().endswith(b"%%EOF")
    assert b"wrote -" in pdf.stderr
    assert not (tmp_path / "-").exists() and not Path("-").exists()
    png = _run(["render", str(DEMO), "--dpi", "20", "-o", "-"])
    assert png.returncode == 0, png.stderr
    assert png.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    assert not Path("-").exists()


# --------------------------------------------------------------------------- modes


@pytest.fixture
def umask():
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


@pytest.mark.parametrize("command", [["export", "--pages", "1"], ["render", "--dpi", "20"]])
def test_a_new_output_honours_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path, capsys, umask, command):
    name, *options = command
    for mask, mode in ((0o077, 0o600), (0o022, 0o644), (0o002, 0o664)):
        umask(mask)
        out = tmp_path / f"new-{mask:o}.out"
        assert main([name, str(DEMO), *options, "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == mode, (oct(mask), oct(out.stat().st_mode))
    umask(0o022)
    old = tmp_path / "old.out"
    old.write_bytes(b"old")
    old.chmod(0o640)
    assert main([name, str(DEMO), *options, "-o", str(old)]) == 0
    assert stat.S_IMODE(old.stat().st_mode) == 0o640 and old.read_bytes() != b"old"
    capsys.readouterr()


# --------------------------------------------------------------------------- inputs


def test_export_does_not_read_a_big_input_into_memory(tmp_path, capsys):
    big = tmp_path / "big.xjb"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: no room on disk
    tracemalloc.start()
    try:
        assert main(["export", str(big), "-o", str(tmp_path / "out.pdf")]) == 2
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _one_error_line(capsys, "zip")
    assert peak < 16 * 1024 * 1024, peak
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("command", [["export", "-o", "{out}.pdf"], ["render", "-o", "{out}.png"],
                                     ["info"], ["preflight"]])
def test_a_fifo_as_input_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "in.xjb"
    os.mkfifo(fifo)
    args = [a.format(out=tmp_path / "out") for a in command]
    proc = _run([args[0], str(fifo), *args[1:]], timeout=30)
    assert proc.returncode == 2
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0], proc.stderr
    folder = tmp_path / "folder.xjb"
    folder.mkdir()
    proc = _run(["info", str(folder)], timeout=30)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- a failed render


def test_a_failed_render_leaves_the_previous_png(tmp_path, capsys, monkeypatch):
    from xjeditor.render import qt

    out = tmp_path / "page.png"
    assert main(["render", str(DEMO), "--dpi", "20", "-o", str(out)]) == 0
    good = out.read_bytes()

    def full_disk(page, path, **kwargs):
        Path(path).write_bytes(good[:10])  # as far as it got
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qt, "render_png", full_disk)
    assert main(["render", str(DEMO), "--dpi", "20", "-o", str(out)]) == 2
    _one_error_line(capsys, "No space left on device")
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.png"]


# --------------------------------------------------------------------------- stale temporary files


def _gone_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _temp_files(folder: Path, target: str) -> dict[str, Path]:
    old = time.time() - 3600
    files = {
        "gone": folder / f".{target}.{_gone_pid()}.{'a' * 12}.tmp",
        "old": folder / f".{target}.{'b' * 12}.tmp",  # no pid (older releases), an hour old
        "alive": folder / f".{target}.{os.getppid()}.{'c' * 12}.tmp",  # a writer still at work
        "young": folder / f".other.xjb.{'d' * 12}.tmp",
        "not ours": folder / ".notes.tmp",
    }
    for path in files.values():
        path.write_bytes(b"partial")
    os.utime(files["old"], (old, old))
    return files


def test_an_export_removes_temporary_files_killed_writers_left(tmp_path, capsys):
    files = _temp_files(tmp_path, "out.pdf")
    assert main(["export", str(DEMO), "--pages", "1", "-o", str(tmp_path / "out.pdf")]) == 0
    capsys.readouterr()
    left = {k for k, p in files.items() if p.exists()}
    assert left == {"alive", "young", "not ours"}


def test_a_save_removes_temporary_files_killed_writers_left(tmp_path):
    files = _temp_files(tmp_path, "issue.xjb")
    save_issue(load_issue(DEMO), tmp_path / "issue.xjb")
    assert {k for k, p in files.items() if p.exists()} == {"alive", "young", "not ours"}
    assert paths.remove_stale_temp_files(tmp_path / "missing") == 0


# --------------------------------------------------------------------------- control characters


@pytest.fixture
def hostile_issue(tmp_path) -> Path:
    issue = load_issue(DEMO)
    issue.paper = "晨报\x1b[31m\x07"
    story = next(iter(issue.stories.values()))
    story.parts[0].text += "\x1b]0;owned\x07\x00\x9b"
    story.parts[-1].text += "\x1b[2J\x07"
    image = next(iter(issue.images.values()))
    image.original_name = "a\x1b[5mb.jpg"
    path = tmp_path / "hostile.xjb"
    path.write_bytes(issue_to_bytes(issue))
    return path


def _assert_no_controls(text: str) -> None:
    found = [repr(ch) for ch in CONTROLS if ch in text]
    assert not found, (found, text[:2000])


def test_info_escapes_control_characters(hostile_issue, capsys):
    assert main(["info", str(hostile_issue)]) == 0
    out = capsys.readouterr().out
    _assert_no_controls(out)
    assert "晨报\\x1b[31m\\x07" in out and "a\\x1b[5mb.jpg" in out
    assert main(["info", "--json", str(hostile_issue)]) == 0
    out = capsys.readouterr().out
    _assert_no_controls(out)
    import json

    assert json.loads(out)["paper"] == "晨报\x1b[31m\x07"


def test_export_escapes_control_characters(hostile_issue, tmp_path, capsys):
    assert main(["export", str(hostile_issue), "-o", str(tmp_path / "out.pdf")]) == 0
    captured = capsys.readouterr()
    assert "glyph" in captured.err  # the characters the fonts lack are named
    _assert_no_controls(captured.out + captured.err)


def test_preflight_escapes_control_characters(hostile_issue, capsys):
    main(["preflight", str(hostile_issue)])
    captured = capsys.readouterr()
    _assert_no_controls(captured.out + captured.err)
    main(["preflight", "--json", str(hostile_issue)])
    captured = capsys.readouterr()
    _assert_no_controls(captured.out + captured.err)


def test_an_error_message_from_the_file_is_escaped(tmp_path, capsys):
    import zipfile

    path = tmp_path / "bad.xjb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../\x1b[31mevil\x07", b"x")
    assert main(["info", str(path)]) == 2
    line = _one_error_line(capsys)
    _assert_no_controls(line)


# --------------------------------------------------------------------------- the save guard


def test_a_change_on_disk_while_saving_is_not_overwritten(tmp_path, monkeypatch):
    """Someone else replaces the file after the first check, while the new one is being
    written: their file stays, ours is kept beside it and named in the error."""
    path = tmp_path / "issue.xjb"
    shutil.copyfile(DEMO, path)
    opened = file_hash(path)
    issue = load_issue(path)
    issue.paper = "我们的版本"
    theirs = b"their version"
    real_fsync = os.fsync
    done = []

    def concurrent_writer(fd):
        real_fsync(fd)
        if not done:
            done.append(True)
            other = tmp_path / "theirs.tmp"
            other.write_bytes(theirs)
            os.replace(other, path)

    monkeypatch.setattr(os, "fsync", concurrent_writer)
    with pytest.raises(FileChangedError) as caught:
        save_issue(issue, path, expected_hash=opened)
    assert done and path.read_bytes() == theirs
    kept = Path(caught.value.kept)
    assert kept.parent == tmp_path and kept.name.startswith("issue.unsaved-") and kept.suffix == ".xjb"
    assert load_issue(kept).paper == "我们的版本"
    assert str(kept) in caught.value.message
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
