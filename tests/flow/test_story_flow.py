"""Stories flowed through threaded frames: headline block, columns, jump lines, copyfit."""

import re

import pytest

from xjeditor.model import (
    ImageFrame,
    Issue,
    Page,
    PartKind,
    Rect,
    Story,
    StoryPart,
    TextFrame,
    mm_to_pt,
)
from xjeditor.typeset.display import GlyphRun, dump
from xjeditor.typeset.fonts import default_registry
from xjeditor.typeset.grid import Grid
from xjeditor.typeset.layout import layout_issue
from xjeditor.typeset.metrics import SyntheticMetrics

class SyntheticFonts:
    """Round-number widths (ideographs 1 em): the flow rules hold without any font file."""

    def __init__(self) -> None:
        self._m = SyntheticMetrics()

    def metrics(self, key):
        return self._m

    def fallbacks(self, key):
        return []


@pytest.fixture(params=["synthetic", "bundled"], scope="module")
def fonts(request):
    return SyntheticFonts() if request.param == "synthetic" else default_registry()

EM = 3.175  # mm, one 小五 character
PITCH = 13.5

BODY = ("新泾镇召开居民区换届动员会，全面启动居民区换届工作。镇领导班子成员，各科室、中心、站所负责人，"
        "各居民区书记、主任参加。会上，镇党委书记围绕换届工作总体原则、选人标准、重点步骤等进行了动员讲话。")


def _story(paragraphs: int = 6) -> Story:
    parts = [
        StoryPart(PartKind.KICKER, "迎进博聚合力 优营商促发展"),
        StoryPart(PartKind.TITLE, "新泾镇召开换届动员会"),
        StoryPart(PartKind.BYLINE, "□记者 陈毓磊"),
    ]
    for i in range(paragraphs):
        parts.append(StoryPart(PartKind.PARAGRAPH, f"第{i + 1}段。" + BODY))
        if i == 2:
            parts.append(StoryPart(PartKind.SUBHEAD, "加强思想引领\n孕育“红色基因”"))
    return Story("s1", parts=parts)


def _frame(fid: str, y: float, lines: int, cols: int = 5, **kw) -> TextFrame:
    w = cols * 14 * EM + (cols - 1) * 1.5 * EM
    h = (9 + (lines - 1) * PITCH) * 25.4 / 72
    return TextFrame(fid, Rect(15.85, y, w, h), columns=cols, gutter=1.5 * EM, **kw)


def _issue(*frames_per_page: list) -> Issue:
    issue = Issue()
    issue.pages = [Page(frames=list(fr)) for fr in frames_per_page]
    return issue


def _story_text(layout, story_id: str) -> str:
    runs = [it for items in layout.pages for it in items.items if isinstance(it, GlyphRun) and it.story == story_id]
    return "".join(r.text for r in runs)


def _source_text(story: Story) -> str:
    return "".join("".join(p.text.split()) for p in story.parts)


def test_every_character_is_set_once_and_in_order(fonts):
    story = _story()
    issue = _issue([_frame("f1", 30, 60, story="s1")])
    issue.stories["s1"] = story
    result = layout_issue(issue, fonts)
    assert result.stories["s1"].copyfit.fits
    set_text = re.sub(r"\s", "", _story_text(result, "s1"))
    # head first (kicker, title), then the body in reading order
    assert sorted(set_text) == sorted(_source_text(story))
    body = re.sub(r"\s", "", "".join(p.text for p in story.parts[2:]))
    assert body in set_text


def test_headline_takes_whole_rows_and_body_starts_on_the_grid_r27(fonts):
    issue = _issue([_frame("f1", 30, 60, story="s1")])
    issue.stories["s1"] = _story()
    result = layout_issue(issue, fonts)
    top = mm_to_pt(30)
    body_runs = [it for it in result.pages[0].items if isinstance(it, GlyphRun) and it.size == 9.0]
    for run in body_runs:
        rows = (run.y - top - 0.88 * 9.0) / PITCH
        assert rows == pytest.approx(round(rows), abs=1e-6), run.text


def test_columns_of_the_last_frame_are_balanced_r28(fonts):
    issue = _issue([_frame("f1", 30, 60, story="s1")])
    issue.stories["s1"] = _story(paragraphs=4)
    result = layout_issue(issue, fonts)
    body = [it for it in result.pages[0].items if isinstance(it, GlyphRun) and it.size == 9.0]
    xs = sorted({round(r.x, 1) for r in body})
    assert len(xs) == 5
    depth = [max(r.y for r in body if round(r.x, 1) == x) for x in xs]
    assert len(set(depth[:-1])) == 1 and depth[-1] <= depth[0]  # only the last may be shorter
    rows_short = (depth[0] - depth[-1]) / PITCH
    assert rows_short < 5  # and by less than one row per column: balanced, not just filled
    assert result.stories["s1"].copyfit.underset_lines > 0
    assert result.stories["s1"].copyfit.status.startswith("缺")


def test_overset_is_reported_in_characters(fonts):
    issue = _issue([_frame("f1", 30, 8, cols=2, story="s1")])
    issue.stories["s1"] = _story()
    cf = layout_issue(issue, fonts).stories["s1"].copyfit
    assert not cf.fits and cf.overset_chars > 0
    assert cf.status == f"超 {cf.overset_chars} 字"
    placed = len(re.sub(r"\s", "", _story_text(layout_issue(issue, fonts), "s1")))
    assert placed + cf.overset_chars == len(_source_text(_story()))


def test_text_jumps_across_pages_with_jump_lines_r35(fonts):
    f1 = _frame("f1", 30, 12, cols=3, story="s1", next="f2")
    f2 = _frame("f2", 30, 40, cols=3)
    issue = _issue([f1], [], [f2])
    issue.stories["s1"] = _story()
    result = layout_issue(issue, fonts)
    sl = result.stories["s1"]
    assert sl.copyfit.fits
    assert sl.pages == [0, 2]
    assert sl.jumps == [(0, 2)]
    p1 = "".join(it.text for it in result.pages[0].items if isinstance(it, GlyphRun))
    p3 = "".join(it.text for it in result.pages[2].items if isinstance(it, GlyphRun))
    assert p1.endswith("（下转第3版）") or "（下转第3版）" in p1
    assert "（上接第1版）" in p3
    # the continuation opens under its repeated headline (续题), then the 上接 line
    assert p3.startswith("新泾镇召开换届动员会（上接第1版）")
    set_text = re.sub(r"\s|（下转第3版）|（上接第1版）", "", p1 + p3.replace("新泾镇召开换届动员会", "", 1))
    assert sorted(set_text) == sorted(_source_text(issue.stories["s1"]))


def test_a_continuation_frame_the_story_never_reaches_counts_as_underset(fonts):
    """A story threaded on to page 3 that ends on page 1: the whole continuation frame,
    with the rows kept there for the 续题 and the 上接 line and the 下转 row on page 1, is
    in the 缺 N 行 figure, and no jump line is set."""
    # one column each, so that no balancing moves a row between the two layouts
    alone = _issue([_frame("f1", 30, 60, cols=1, story="s1")])
    alone.stories["s1"] = _story(paragraphs=2)
    base = layout_issue(alone, fonts).stories["s1"].copyfit.underset_lines
    f1 = _frame("f1", 30, 60, cols=1, story="s1", next="f2")
    f2 = _frame("f2", 30, 40, cols=1)
    f2_rows = 40
    issue = _issue([f1], [], [f2])
    issue.stories["s1"] = _story(paragraphs=2)
    result = layout_issue(issue, fonts)
    sl = result.stories["s1"]
    assert sl.pages == [0] and sl.jumps == []
    assert sl.copyfit.underset_lines == base + f2_rows
    text = "".join(it.text for p in result.pages for it in p.items if isinstance(it, GlyphRun))
    assert "下转" not in text and "上接" not in text


def test_text_keeps_out_of_a_runaround_image(fonts):
    frame = _frame("f1", 30, 60, story="s1")
    img = ImageFrame("i1", Rect(15.85, 30 + 60, 2 * 14 * EM + 1.5 * EM, 40))
    issue = _issue([frame, img])
    issue.stories["s1"] = _story(paragraphs=10)
    result = layout_issue(issue, fonts)
    x0, y0 = mm_to_pt(img.rect.x - 1.5), mm_to_pt(img.rect.y - 1.5)
    x1, y1 = mm_to_pt(img.rect.right + 1.5), mm_to_pt(img.rect.bottom + 1.5)
    for it in result.pages[0].items:
        if isinstance(it, GlyphRun) and it.size == 9.0:
            top, bottom = it.y - 0.88 * 9, it.y + 0.12 * 9
            overlaps_y = top < y1 and y0 < bottom
            overlaps_x = it.x < x1 and x0 < it.x + it.xs[-1] + 9
            assert not (overlaps_x and overlaps_y), it.text


def test_caption_of_an_image_frame_stands_under_the_picture(fonts):
    img = ImageFrame("i1", Rect(20, 20, 80, 60), caption_story="c1")
    issue = _issue([img])
    issue.stories["c1"] = Story("c1", parts=[StoryPart(PartKind.PHOTO, "观影《攀登者》", credit="陈毓磊")])
    result = layout_issue(issue, fonts)
    runs = [it for it in result.pages[0].items if isinstance(it, GlyphRun)]
    assert "".join(r.text for r in runs) == "观影《攀登者》（陈毓磊 摄）"
    placement = next(it for it in result.pages[0].items if not isinstance(it, GlyphRun))
    assert placement.clip[1] + placement.clip[3] < runs[0].y - 0.88 * runs[0].size
    assert runs[-1].y < mm_to_pt(80)
    assert result.stories["c1"].copyfit.status == "正好"


def test_a_story_in_no_frame_is_all_overset(fonts):
    issue = _issue([])
    issue.stories["s1"] = _story(1)
    sl = layout_issue(issue, fonts).stories["s1"]
    assert sl.copyfit.overset_chars == _story(1).text_length()


def test_dump_is_stable_and_rounded(fonts):
    issue = _issue([_frame("f1", 30, 20, cols=2, story="s1")])
    issue.stories["s1"] = _story(2)
    a = dump(layout_issue(issue, fonts).pages)
    b = dump(layout_issue(issue, fonts).pages)
    assert a == b
    assert re.search(r"text song 9\.00 at \d+\.\d\d,\d+\.\d\d", a)


def test_grid_pitch_follows_body_style(fonts):
    assert Grid.for_body(9, 0.5).pitch == PITCH


def test_line_gap_outside_half_to_one_em_is_flagged_r26(fonts):
    issue = _issue([_frame("f1", 30, 30, story="s1")])
    issue.stories["s1"] = _story(1)
    assert not any(d.code == "typeset-leading" for d in layout_issue(issue, fonts).stories["s1"].diagnostics)
    issue.styles.paragraph["body"].line_gap = 0.3
    (note,) = [d for d in layout_issue(issue, fonts).stories["s1"].diagnostics if d.code == "typeset-leading"]
    assert "行距 0.3" in note.zh and note.ref == "s1" and note.ref_kind == "story"


def test_a_subhead_never_ends_a_column_without_two_lines_after_it_r30(fonts):
    for lines in range(8, 20):
        issue = _issue([_frame("f1", 30, lines, cols=3, story="s1")])
        issue.stories["s1"] = _story()
        result = layout_issue(issue, fonts)
        body = [it for it in result.pages[0].items if isinstance(it, GlyphRun)]
        heads = [r for r in body if r.font == "hei"]
        for h in heads:
            col_x = min((r.x for r in body if abs(r.x - h.x) < 130 and r.font == "song"), default=None)
            below = [r for r in body if r.font == "song" and col_x is not None and abs(r.x - col_x) < 1 and r.y > h.y]
            assert len(below) >= 2 or not result.stories["s1"].copyfit.fits, (lines, h.text)


def test_a_last_line_alone_at_a_column_top_is_flagged_r30(fonts):
    flagged = []
    for lines in range(6, 30):
        issue = _issue([_frame("f1", 30, lines, cols=3, story="s1")])
        issue.stories["s1"] = _story()
        result = layout_issue(issue, fonts)
        flagged.append(any(d.code == "typeset-widows" and "寡行" in d.zh for d in result.stories["s1"].diagnostics))
    assert any(flagged) and not all(flagged)


def _head_lines(fonts, title, cols):
    issue = _issue([_frame("f1", 30, 40, cols=cols, story="s1")])
    issue.stories["s1"] = Story("s1", parts=[StoryPart(PartKind.TITLE, title),
                                             StoryPart(PartKind.PARAGRAPH, BODY)])
    result = layout_issue(issue, fonts)
    size = issue.styles.paragraph["title"].size
    return [r.text for r in result.pages[0].items if isinstance(r, GlyphRun) and r.size == size]


@pytest.mark.parametrize("text, halves", [
    ("述职测评晒成绩 铆足干劲启新程", ["述职测评晒成绩", "铆足干劲启新程"]),
    ("“两委”换届 开好局\u3000起好步", ["“两委”换届", "开好局", "起好步"]),
    ("新泾镇召开 2021 年学习讨论会", ["新泾镇召开 2021 年学习讨论会"]),  # a space beside digits
    ("  践行初心使命  ", ["践行初心使命"]),
])
def test_couplet_halves_split_only_between_ideographs(text, halves):
    from xjeditor.typeset.story import _couplet_halves

    assert _couplet_halves(text) == halves


def test_a_couplet_headline_breaks_at_its_space(fonts):
    lines = _head_lines(fonts, "述职测评晒成绩 铆足干劲启新程", 2)
    assert lines == ["述职测评晒成绩", "铆足干劲启新程"]


def test_a_long_headline_is_balanced_not_a_long_line_over_a_stub(fonts):
    lines = _head_lines(fonts, "新泾镇召开二〇二一年居民区两委换届工作动员部署大会", 3)  # 18 a line
    assert len(lines) == 2
    assert abs(len(lines[0]) - len(lines[1])) <= 2, lines  # not 18 over 7


def test_loose_lines_and_orphans_reach_the_story_layout(fonts):
    # a Latin word that fills most of a narrow column leaves a loose line behind it
    issue = _issue([_frame("f1", 30, 30, cols=1, story="s1")])
    text = "中文中文中文中文 Internationalization 中文字符排版测试。"  # the word cannot join line 1
    issue.stories["s1"] = Story("s1", parts=[StoryPart(PartKind.PARAGRAPH, text)])
    sl = layout_issue(issue, fonts).stories["s1"]
    assert sl.loose_lines >= 1
    assert sl.orphans == 0


def test_head_rows_is_what_the_flow_keeps_free_for_the_head(fonts):
    from xjeditor.typeset.story import head_rows

    story = _story()
    frame = _frame("f1", 30, 60, story="s1")
    issue = _issue([frame])
    issue.stories["s1"] = story
    rows = head_rows(issue, story, fonts, mm_to_pt(frame.rect.w))
    assert rows > 1
    body = [it for it in layout_issue(issue, fonts).pages[0].items
            if isinstance(it, GlyphRun) and it.size == 9.0]
    first_top = min(it.y for it in body) - 0.88 * 9.0
    assert first_top == pytest.approx(mm_to_pt(30) + rows * PITCH, abs=0.01)
    plain = Story("p", parts=[StoryPart(PartKind.PARAGRAPH, BODY)])
    assert head_rows(issue, plain, fonts, mm_to_pt(frame.rect.w)) == 0
