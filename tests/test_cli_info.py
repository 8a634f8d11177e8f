"""``xjeditor info``: the summary of an issue file, its JSON form, and one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


def test_the_command_exports_in_one_process(tmp_path):
    """A real run of the console script: the PDF is written and the summary printed."""
    out = tmp_path / "x.pdf"
    proc = subprocess.run(_xjeditor_command() + ["export", str(seeds_dir() / "demo.xjb"), "-o", str(out)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"wrote {out} (4 pages)"
    assert out.read_bytes().rstrip().endswith(b"%%EOF")
