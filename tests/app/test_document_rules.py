"""The editor's plain rules, asked of the Document without a window or Qt: where a frame may
go, which frames may be threaded, and the scale (ppi) of a placed picture."""

from __future__ import annotations

from pathlib import Path

import pytest

from xjeditor.app.document import NATIVE_PPI, Document
from xjeditor.fileformat.schema import FRAME_MARGIN_MM
from xjeditor.model import FitMode, Rect, TextFrame

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample.xjb"
M = FRAME_MARGIN_MM


@pytest.fixture
def doc():
    return Document.open(SAMPLE)  # pages 273 × 390 mm; f1 (s1) → f3 on page 2; i1 a 600 × 400 px picture


def test_within_reach_keeps_a_frame_on_its_page_and_moves_or_cuts_one_too_far_off(doc):
    inside = Rect(10, 20, 30, 40)
    assert doc.within_reach(0, inside) is inside
    assert doc.within_reach(0, Rect(-500, 20, 30, 40)) == Rect(-M, 20, 30, 40)
    assert doc.within_reach(0, Rect(400, 500, 30, 40)) == Rect(273 + M - 30, 390 + M - 40, 30, 40)
    assert doc.within_reach(0, Rect(0, 0, 1000, 40)) == Rect(-M, 0, 273 + 2 * M, 40)


def test_rule_ends_within_reach_clamps_each_end(doc):
    assert doc.rule_ends_within_reach(0, (1, 2, 3, 4)) == (1.0, 2.0, 3.0, 4.0)
    assert doc.rule_ends_within_reach(0, (-999, 2, 999, 999)) == (-M, 2.0, 273 + M, 390 + M)


def test_thread_problem_names_why_two_frames_cannot_be_threaded(doc):
    assert doc.thread_problem(0, "i1", 1, "f3") == "只能串接文字框"
    assert doc.thread_problem(0, "f2", 0, "f2") == "不能串接到自身"
    assert doc.thread_problem(0, "f2", 1, "f4") == "目标框已排入稿件“s3”，请先移走"
    assert doc.thread_problem(0, "f2", 1, "f3") == "目标框已是其他框的后续框"
    doc.issue.pages[1].frames.append(TextFrame("f9", Rect(10, 10, 50, 50)))
    assert doc.thread_problem(0, "f2", 1, "f9") == ""
    doc.issue.pages[1].frame("f3").next = "f9"
    assert doc.thread_problem(1, "f9", 0, "f1") != ""  # f1 has a story
    doc.issue.pages[0].frame("f1").story = None
    assert doc.thread_problem(1, "f9", 0, "f1") == "串接会形成循环"


def test_is_continuation(doc):
    assert doc.is_continuation("f3")
    assert not doc.is_continuation("f1")


def test_manual_placement_reads_the_scale_at_the_typesetters_ppi(doc):
    f = doc.issue.pages[0].frame("i1")
    assert f.fit == FitMode.FILL and f.rect.w == 150
    attrs = doc.manual_placement(0, "i1")
    # 600 px at 300 ppi is 50.8 mm; filling 150 mm wide is that times 2.95
    assert attrs["scale"] == pytest.approx(150 / (600 / NATIVE_PPI * 25.4), abs=1e-5)
    assert attrs["offset_x"] == 0.0 and attrs["offset_y"] < 0
    assert doc.manual_placement(0, "f1") == {}
    f.image = ""
    assert doc.manual_placement(0, "i1") == {}
