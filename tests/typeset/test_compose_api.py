"""The composer's API: runs, per-line measures, caching, output shape, speed, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from compose_helpers import EM, METRICS, check_reassembles, comp, texts, xs

from xjeditor.cli import main as cli_main
from xjeditor.model.styles import default_stylesheet
from xjeditor.typeset.compose import (ComposeOptions, Run, clear_cache, compose_paragraph)
from xjeditor.typeset.display import GlyphRun
from xjeditor.typeset.metrics import SyntheticMetrics

ROOT = Path(__file__).resolve().parents[2]


def test_mixed_runs_label_in_hei_then_kai():
    hei = SyntheticMetrics("hei")
    kai = SyntheticMetrics("kai", overrides={"a": 0.6})
    text_label, text_body = "编者按：", "长宁区居民区党建工作为不断创特色、出品牌而设立专门创建项目。" * 2
    runs = (Run(text_label, "hei", 9.0, hei), Run(text_body, "kai", 9.0, kai))
    para = compose_paragraph(runs, 19 * 9.0, ComposeOptions(punct="house", indent=2))
    check_reassembles(text_label + text_body, para)
    first = para.lines[0]
    assert [s.font for s in first.segments] == ["hei", "kai"]
    assert first.segments[0].text == "编者按："
    assert first.segments[1].start == 4
    allx = xs(first)
    assert allx == sorted(allx)
    assert abs(allx[0] - 2 * 9.0) < 1e-6
    # the label's colon is a half-em mark in the house style; the note starts right after
    assert abs(first.segments[1].xs[0] - (2 + 3.5) * 9.0) < 0.5 * 9.0


def test_mixed_sizes_justify():
    runs = (Run("大字标题", "hei", 20.0, METRICS), Run("小字说明文字说明文字说明文字说明文字", "song", 10.0, METRICS))
    para = compose_paragraph(runs, 100.0, ComposeOptions(punct="gb"))
    check_reassembles("大字标题小字说明文字说明文字说明文字说明文字", para)
    for ln in para.lines[:-1]:
        assert abs(ln.width - 100.0) <= 0.01


def test_measure_per_line_for_runarounds():
    widths = [5 * EM, 5 * EM, 12 * EM]
    para = compose_paragraph((Run("一" * 40, "song", EM, METRICS),), lambda i: widths[min(i, 2)],
                             ComposeOptions(punct="gb"))
    assert [len(t) for t in texts(para)][:3] == [5, 5, 12]
    assert [ln.measure for ln in para.lines][:3] == widths
    seq = compose_paragraph((Run("一" * 40, "song", EM, METRICS),), (5 * EM, 5 * EM, 12 * EM),
                            ComposeOptions(punct="gb"))
    assert texts(seq) == texts(para)


def test_cache_returns_the_same_result_and_respects_every_key():
    clear_cache()
    r = Run("中文排版测试，一二三四五六七八九十。" * 4, "song", 9.0, METRICS)
    a = compose_paragraph((r,), 100.0, ComposeOptions())
    assert compose_paragraph((Run(r.text, "song", 9.0, METRICS),), 100.0, ComposeOptions()) is a
    assert compose_paragraph((r,), 110.0, ComposeOptions()) is not a
    assert compose_paragraph((r,), 100.0, ComposeOptions(punct="gb")) is not a
    assert compose_paragraph((r,), 100.0, ComposeOptions(indent=2)) is not a


def test_options_from_style_and_with():
    sheet = default_stylesheet()
    body = ComposeOptions.from_style(sheet.paragraph["body"])
    assert (body.punct, body.kinsoku, body.indent, body.align) == ("house", "gb", 2.0, "justify")
    title = ComposeOptions.from_style(sheet.paragraph["title"])
    assert title.align == "center" and title.punct == "gb"
    assert body.with_(indent=0.0).indent == 0.0
    with pytest.raises(ValueError):
        ComposeOptions(punct="nope")
    with pytest.raises(ValueError):
        ComposeOptions(kinsoku="loose")


def test_segments_become_glyph_runs():
    para = comp("社区晨报2021年第1期，欢迎阅读。" * 3, 12, indent=2)
    for ln in para.lines:
        for seg in ln.segments:
            run = GlyphRun(seg.font, seg.size, 10.0, 20.0, seg.text, seg.xs)
            assert len(run.xs) == len(run.text)


def test_empty_and_space_only_paragraphs():
    assert comp("", 10).lines == ()
    assert comp("   ", 10).lines == ()
    para = comp("  一二三  ", 10)
    assert texts(para) == ["一二三"]


def test_speed_per_character():
    text = ("上海上科实业公司党支部成立于2003年，目前共有党员10人。多年来，上科实业党支部在新泾镇党委、"
            "镇党群服务中心的指导下，结合本公司实际情况，不断夯实党支部工作规范化建设，营造出了浓厚的"
            "党建氛围，充分发挥党支部的“组织力、战斗力和凝聚力”，打造党建引领下的企业文化新风尚……")
    paras = [text[i:] + text[:i] for i in range(40)]
    opts = ComposeOptions(indent=2)
    best = float("inf")
    for _ in range(3):
        clear_cache()
        t = time.perf_counter()
        for p in paras:
            compose_paragraph((Run(p, "song", 9.0, METRICS),), 14 * 9.0, opts)
        best = min(best, time.perf_counter() - t)
    per_char = best / sum(map(len, paras))
    assert per_char < 10e-6  # target 2 µs; generous bound for slow CI machines


# --------------------------------------------------------------------------- CLI


def run_cli(args, stdin="", capsys=None, monkeypatch=None):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli_main(["typeset", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_lines(capsys, monkeypatch):
    code, out, err = run_cli(["--width", "10", "--punct", "gb", "--indent", "0"],
                             "一二三四五六七八九十，一二三\n\n天地玄黄宇宙洪荒\n", capsys, monkeypatch)
    assert code == 0
    paras = out.rstrip("\n").split("\n\n")
    assert len(paras) == 2
    assert all(not ln.startswith("，") for ln in paras[0].splitlines())
    assert paras[1] == "天地玄黄宇宙洪荒"


def test_cli_json(capsys, monkeypatch, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("一二三四五六七八九十一二三四五六七八九十一二三\n", encoding="utf-8")
    code = cli_main(["typeset", str(f), "--width", "10", "--size", "10", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["measure"] == 100.0
    p = data["paragraphs"][0]
    assert set(p) == {"lines", "orphan"}
    assert set(p["lines"][0]) == {"text", "natural_width", "width", "loose"}
    assert "".join(ln["text"] for ln in p["lines"]) == "一二三四五六七八九十一二三四五六七八九十一二三"
    for ln in p["lines"][:-1]:
        assert abs(ln["width"] - 100.0) <= 0.01


def test_cli_mm_unit(capsys, monkeypatch):
    code, out, _ = run_cli(["--width", "31.75", "--unit", "mm", "--json"], "一二三\n", capsys, monkeypatch)
    assert code == 0
    assert abs(json.loads(out)["measure"] - 90.0) < 0.01


@pytest.mark.parametrize("args", [["--width", "0"], ["--width", "10", "--size", "-1"],
                                  ["--width", "10", "--punct", "bogus"], ["missing.txt", "--width", "10"],
                                  [], ["--width", "abc"]])
def test_cli_bad_arguments_exit_2_with_one_line(args, capsys, monkeypatch):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("一二三\n"))
    with pytest.raises(SystemExit) as exc:
        code = cli_main(["typeset", *args])
        raise SystemExit(code)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "error" in err


def test_cli_as_a_process():
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "typeset", "--width", "12", "-"],
                          input="社区晨报，新泾镇召开2021年学习讨论会。\n", capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0
    assert "".join(proc.stdout.split()) == "社区晨报，新泾镇召开2021年学习讨论会。"


# --------------------------------------------------------------------------- the house-style analysis


def test_house_style_analysis_picks_banjiao(capsys):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import analyze_house_punct as tool
    finally:
        sys.path.pop(0)
    totals = tool.analyse()
    capsys.readouterr()
    best = max(totals, key=lambda k: (totals[k][0], totals[k][1]))
    assert best == "banjiao"
    assert totals["banjiao"][0] > totals["kaiming"][0] > totals["full"][0]
    assert totals["banjiao"][1] > totals["gb"][1]
