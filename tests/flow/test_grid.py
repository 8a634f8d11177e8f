import pytest

from xjeditor.model import ImageFrame, Page, Rect, TextFrame, mm_to_pt
from xjeditor.typeset.grid import EM_BOX_ASCENT, Grid, column_boxes, frame_columns, grid_warnings

BODY = Grid.for_body(9.0, 0.5)  # 小五 on a 13.5 pt pitch (R26)


def _frame(**kw) -> TextFrame:
    # 5 columns of 14 characters with 1.5 em gutters: 241.3 mm (spec R40)
    em = 3.175
    return TextFrame("f1", Rect(15, 20, 5 * 14 * em + 4 * 1.5 * em, 100), columns=5, gutter=1.5 * em, **kw)


def test_columns_are_whole_characters_wide_r25_r40():
    boxes = column_boxes(_frame())
    assert len(boxes) == 5
    for x, w in boxes:
        assert w == pytest.approx(14 * 9.0, abs=1e-6)
    assert boxes[1][0] - (boxes[0][0] + boxes[0][1]) == pytest.approx(13.5)
    assert grid_warnings(_frame(), BODY) == []
    odd = TextFrame("f2", Rect(0, 0, 100, 100), columns=3)
    assert grid_warnings(odd, BODY) and "字格" in grid_warnings(odd, BODY)[0].zh


def test_rows_share_one_baseline_grid_r27():
    cols = frame_columns(0, Page(), _frame(), BODY)
    top = mm_to_pt(20)
    assert BODY.pitch == pytest.approx(13.5)
    n = BODY.rows_in(mm_to_pt(100))
    for col in cols:
        assert len(col.rows) == n
        for i, row in enumerate(col.rows):
            assert row.top == pytest.approx(top + i * 13.5)
            assert row.baseline == pytest.approx(row.top + EM_BOX_ASCENT * 9.0)
    # the last row's em box still ends inside the frame
    assert cols[0].rows[-1].top + 9.0 <= top + mm_to_pt(100) + 1e-6


def test_rows_in_and_rows_for():
    assert BODY.rows_in(9.0) == 1
    assert BODY.rows_in(8.9) == 0
    assert BODY.rows_in(9.0 + 13.5) == 2
    assert BODY.rows_for(13.5) == 1
    assert BODY.rows_for(13.6) == 2


def test_runaround_shortens_or_removes_rows():
    page = Page()
    frame = _frame()
    page.frames.append(frame)
    boxes = column_boxes(frame)
    # an image covering the whole of column 0 and half of column 1, 30 mm high
    x0 = boxes[0][0]
    right = boxes[1][0] + boxes[1][1] / 2
    gap = 1.5
    img = ImageFrame("i1", Rect(x0 * 25.4 / 72 + gap, 20 + gap, (right - x0) * 25.4 / 72 - 2 * gap, 30), runaround=True,
                     runaround_gap=gap)
    page.frames.append(img)
    cols = frame_columns(0, page, frame, BODY)
    assert cols[0].rows[0].width == 0  # fully covered
    assert cols[1].rows[0].width == pytest.approx(boxes[1][1] / 2, abs=0.01)  # right half free
    assert cols[1].rows[0].x == pytest.approx(right, abs=0.01)
    assert cols[2].rows[0].width == pytest.approx(boxes[2][1])
    below = [r for r in cols[0].rows if r.top > mm_to_pt(20 + 30 + gap)]
    assert below and all(r.width == pytest.approx(boxes[0][1]) for r in below)
    img.runaround = False
    assert frame_columns(0, page, frame, BODY)[0].rows[0].width == pytest.approx(boxes[0][1])


def test_start_rows_leave_room_for_a_headline():
    frame = _frame()
    start = mm_to_pt(20) + 5 * 13.5
    cols = frame_columns(0, Page(), frame, BODY, start_rows={0: start, 1: start})
    # the first row of a headed column is the grid's sixth line; the others start on the first
    assert cols[0].rows[0].top == pytest.approx(start) and cols[1].rows[0].top == pytest.approx(start)
    assert cols[2].rows[0].top == pytest.approx(mm_to_pt(20))
    assert len(cols[0].rows) == len(cols[2].rows) - 5
