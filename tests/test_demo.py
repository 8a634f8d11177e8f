"""The demo issue ``seeds/demo.xjb`` (built by ``tools/build_demo.py``): four 社区晨报 四开 pages
with masthead and running heads, a story jumping from page 1 to page 2, nothing overset and
every character of every placed story set."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from xjeditor.fileformat import issue_to_bytes, load_issue
from xjeditor.model import HEADLINE_KINDS, PartKind, TextFrame
from xjeditor.pipeline import typeset_issue
from xjeditor.typeset.display import GlyphRun

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo.xjb"
SCRIPT = ROOT / "tools" / "build_demo.py"


def _script():
    if "build_demo" in sys.modules:
        return sys.modules["build_demo"]
    spec = importlib.util.spec_from_file_location("build_demo", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_demo"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return _script()


@pytest.fixture(scope="module")
def issue():
    return load_issue(DEMO)


@pytest.fixture(scope="module")
def typeset(issue):
    return typeset_issue(issue)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _page_text(page, story: str | None = None) -> str:
    return "".join(item.text for item in page.items
                   if isinstance(item, GlyphRun) and (story is None or item.story == story))


def _story_runs(typeset, story: str) -> str:
    return "".join(item.text for page in typeset.pages for item in page.items
                   if isinstance(item, GlyphRun) and item.story == story)


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def test_committed_demo_is_what_the_script_builds(build):
    built = issue_to_bytes(build.build_demo_issue())
    assert DEMO.read_bytes() == built, (
        "seeds/demo.xjb is out of date: re-run `.venv/bin/python tools/build_demo.py` and commit the result")


def test_four_pages_masthead_and_running_heads(issue, typeset):
    assert len(issue.pages) == 4 and len(typeset.pages) == 4
    assert issue.layout == "社区晨报-四开" and issue.number == 152 and str(issue.date) == "2021-01-15"
    front = typeset.pages[0]
    masthead = [it for it in front.items if isinstance(it, GlyphRun) and it.story.startswith("_p1_")]
    assert issue.paper == "新泾镇社区晨报"
    assert "新泾镇社区晨报" in "".join(it.text for it in masthead if it.size >= 40)
    assert "第152期" in _page_text(front)
    for n, page in enumerate(typeset.pages[1:], start=2):
        furniture = "".join(it.text for it in page.items if isinstance(it, GlyphRun) and it.story.startswith("_"))
        assert f"第{n}版" in furniture
        assert issue.paper in furniture
        assert issue.pages[n - 1].section in furniture


def test_jump_lines(build, typeset):
    story = build.JUMP_STORY
    assert "（下转第2版）" in _page_text(typeset.pages[0], story)
    assert "（上接第1版）" in _page_text(typeset.pages[1], story)
    assert typeset.stories[story].jumps == [(0, 1)]


def test_moving_the_continuation_changes_both_jump_lines(build):
    moved = load_issue(DEMO)
    story = build.JUMP_STORY
    first = next(f for f in moved.pages[0].frames if isinstance(f, TextFrame) and f.story == story)
    cont = moved.pages[1].frame(first.next)
    moved.pages[1].frames.remove(cont)
    moved.pages[2].frames.append(cont)
    ts = typeset_issue(moved)
    assert "（下转第3版）" in _page_text(ts.pages[0], story)
    assert "下转第2版" not in _page_text(ts.pages[0], story)
    assert "（上接第1版）" in _page_text(ts.pages[2], story)
    assert _page_text(ts.pages[1], story) == ""
    assert ts.stories[story].jumps == [(0, 2)]


def test_no_story_is_overset(issue, typeset):
    placed = [sid for sid in issue.stories]
    assert len(placed) >= 12
    for sid in placed:
        layout = typeset.stories[sid]
        assert layout.copyfit.fits, f"{sid}: {layout.copyfit.status}"
        assert not any(d.code == "story-unplaced" for d in layout.diagnostics)


def test_every_character_of_every_story_is_set_in_order(issue, typeset):
    for sid, story in issue.stories.items():
        runs = _squeeze(_story_runs(typeset, sid))
        jumps = [j for j in ("（下转第2版）", "（上接第1版）") if j in runs]
        expected = Counter()
        head, body = [], []
        for part in story.parts:
            text = part.text
            if part.kind == PartKind.COLUMN_TAG and not text.startswith("【"):
                text = f"【{text}】"
            if part.kind == PartKind.PHOTO and part.credit:
                text += f"（{part.credit} 摄）"
            text = _squeeze(text)
            expected.update(text)
            (head if part.kind in HEADLINE_KINDS or part.kind == PartKind.NOTE else body).append(text)
        got = Counter(runs)
        for j in jumps:
            got.subtract(j)
        if "（上接第1版）" in jumps:  # the continuation opens under its repeated 主题 (续题)
            got.subtract(_squeeze(story.headline))
        assert +got == expected, f"{sid}: characters differ: {(+got - expected)} / {(expected - +got)}"
        assert _is_subsequence("".join(body), runs), f"{sid}: body text out of order"
        assert _is_subsequence("".join(head), runs), f"{sid}: head out of order"


def test_demo_frames_sit_on_the_grid_and_do_not_overlap(build, issue):
    g = build.G
    for n, page in enumerate(issue.pages, start=1):
        rects = [(f.id, f.rect) for f in page.frames if hasattr(f, "rect") and not f.id.startswith("box-")]
        for fid, r in rects:
            col = (r.x - g.ox) / (g.col + g.gutter)
            row = (r.y - g.oy) / g.pitch
            assert abs(row - round(row)) < 1e-6, f"page {n} {fid}: not on a whole row"
            if not fid.endswith("shujiganyan"):  # the sidebar's text is set 1 em inside its box
                assert abs(col - round(col)) < 1e-6, f"page {n} {fid}: not on a whole column"
            assert r.right <= g.x(0) + g.w(g.columns) + 1e-6 and r.bottom <= g.y(g.rows) + 1e-6
        texts = [(fid, r) for fid, r in rects if fid.startswith("t-")]
        for i, (a, ra) in enumerate(texts):
            for b, rb in texts[i + 1:]:
                assert not ra.intersects(rb), f"page {n}: {a} overlaps {b}"
