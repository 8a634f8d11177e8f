"""``xjeditor preflight``: output and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

from preflight_helpers import body, make_issue

from xjeditor.cli import main
from xjeditor.fileformat import save_issue
from xjeditor.model import Rect, TextFrame


def test_clean_issue_exits_0(tmp_path, capsys):
    path = tmp_path / "ok.xjb"
    save_issue(make_issue(), path)
    assert main(["preflight", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 error(s)" in out


def test_errors_exit_1_with_one_line_each(tmp_path, capsys):
    path = tmp_path / "over.xjb"
    save_issue(make_issue([TextFrame("t1", Rect(20, 30, 40, 20), story="s1")], [body("社区新闻报道。" * 60)],
                          pages=3), path)
    assert main(["preflight", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    over = [ln for ln in lines if " overset: " in ln]
    assert len(over) == 1 and over[0].startswith("error") and "p1" in over[0] and "超" in over[0]
    assert any(ln.startswith("warning") and "page-count" in ln for ln in lines)


def test_json_output(tmp_path, capsys):
    path = tmp_path / "over.xjb"
    save_issue(make_issue([TextFrame("t1", Rect(20, 30, 40, 20), story="s1")], [body("社区新闻报道。" * 60)]), path)
    assert main(["preflight", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (f,) = [d for d in data if d["code"] == "overset"]
    assert f["severity"] == "error" and f["ref"] == "s1" and f["page"] == 1 and f["zh"] and f["en"]


def test_bad_file_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.xjb"
    bad.write_bytes(b"not a zip")
    assert main(["preflight", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.xjb" in err
    assert main(["preflight", str(tmp_path / "absent.xjb")]) == 2
