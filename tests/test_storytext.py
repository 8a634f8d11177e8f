"""The story text format: parse_story / format_story (docs/STORYTEXT.md)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xjeditor.fileformat.storytext import (
    PART_DIRECTIVES,
    StoryTextError,
    format_story,
    is_representable,
    parse_story,
    parse_story_document,
)
from xjeditor.model.story import PartKind, Span, Story, StoryPart

SAMPLE = """\
% A sample story.
@story 上科实业党支部
@section 社区要闻
@source 000_8adf4515500a863f.txt
@notes 第一行备注
@+ 第二行备注

@column 基层风采
@kicker “五星奖”上科实业党支部：
@title 以“红色领航”激发企业新动能
@byline □记者 陈毓磊
@note 编者按：“金银奖”“五星奖”是……
@note 近期，《新泾镇社区晨报》将开设专栏。

上海上科实业公司党支部成立于 2003年，目前共有党员10人。

@subhead 加强思想引领
@+ 孕育“红色基因”
尽管支部党员少，但是党支部依然注重……
@photo [credit=陈毓磊] 观影《攀登者》
@photo [credit=陈毓磊; style=caption-wide; image=ab12.jpg] 业务培训
"""


def P(kind: PartKind, text: str, **kw) -> StoryPart:
    return StoryPart(kind, text, **kw)


# ------------------------------------------------------------------- parsing


def test_sample_parses_to_the_expected_story():
    doc = parse_story_document(SAMPLE, "s1")
    assert doc.source == "000_8adf4515500a863f.txt"
    story = doc.story
    assert story.id == "s1"
    assert story.title == "上科实业党支部"
    assert story.section == "社区要闻"
    assert story.notes == "第一行备注\n第二行备注"
    assert story.parts == [
        P(PartKind.COLUMN_TAG, "基层风采"),
        P(PartKind.KICKER, "“五星奖”上科实业党支部："),
        P(PartKind.TITLE, "以“红色领航”激发企业新动能"),
        P(PartKind.BYLINE, "□记者 陈毓磊"),
        P(PartKind.NOTE, "编者按：“金银奖”“五星奖”是……"),
        P(PartKind.NOTE, "近期，《新泾镇社区晨报》将开设专栏。"),
        P(PartKind.PARAGRAPH, "上海上科实业公司党支部成立于 2003年，目前共有党员10人。"),
        P(PartKind.SUBHEAD, "加强思想引领\n孕育“红色基因”"),
        P(PartKind.PARAGRAPH, "尽管支部党员少，但是党支部依然注重……"),
        P(PartKind.PHOTO, "观影《攀登者》", credit="陈毓磊"),
        P(PartKind.PHOTO, "业务培训", credit="陈毓磊", style="caption-wide", image="ab12.jpg"),
    ]
    assert story.headline == "以“红色领航”激发企业新动能"
    assert parse_story(SAMPLE, "s1") == story


def test_every_part_directive_maps_to_its_kind():
    for name, kind in PART_DIRECTIVES.items():
        assert parse_story(f"@{name} 文字", "x").parts == [P(kind, "文字")]
    assert {kind for kind in PART_DIRECTIVES.values()} == set(PartKind)


def test_body_lines_are_whole_paragraphs_and_blank_lines_mean_nothing():
    text = "\n\n  第一段，很长很长。  \n\n\n第二段\t内 部  空格保留。\n"
    assert [p.text for p in parse_story(text, "x").parts] == ["第一段，很长很长。", "第二段\t内 部  空格保留。"]
    assert all(p.kind == PartKind.PARAGRAPH for p in parse_story(text, "x").parts)


def test_outer_whitespace_of_a_line_is_not_content():
    story = parse_story("  @title   主题  \n\t@+  第二行 \n\u3000正文\u3000\n", "x")
    assert story.parts == [P(PartKind.TITLE, "主题\n第二行"), P(PartKind.PARAGRAPH, "正文")]


def test_crlf_line_ends_are_accepted():
    parts = parse_story("@title 主题\r\n正文\r\n", "x").parts
    assert parts == [P(PartKind.TITLE, "主题"), P(PartKind.PARAGRAPH, "正文")]


def test_continuation_lines():
    story = parse_story("@title 一\n@+ 二\n@+\n@+三\n正文\n@+ 续行\n", "x")
    assert story.parts == [P(PartKind.TITLE, "一\n二\n\n三"), P(PartKind.PARAGRAPH, "正文\n续行")]


def test_continuation_skips_blank_lines_and_comments():
    assert parse_story("@subhead 一\n\n% note\n@+ 二", "x").parts == [P(PartKind.SUBHEAD, "一\n二")]


def test_empty_directive_gives_empty_text():
    assert parse_story("@para\n@photo\n@title", "x").parts == [
        P(PartKind.PARAGRAPH, ""),
        P(PartKind.PHOTO, ""),
        P(PartKind.TITLE, ""),
    ]


def test_escapes():
    story = parse_story("@@开头是@的段落\n%%开头是%的段落\n%% \n@@@\n", "x")
    assert [p.text for p in story.parts] == ["@开头是@的段落", "%开头是%的段落", "%", "@@"]
    assert all(p.kind == PartKind.PARAGRAPH for p in story.parts)


def test_comments_are_kept_out_of_the_model():
    story = parse_story("% 注释\n  %也是注释\n@title 主题 % 不是注释\n正文%\n", "x")
    assert story.parts == [P(PartKind.TITLE, "主题 % 不是注释"), P(PartKind.PARAGRAPH, "正文%")]


def test_byte_order_mark_is_ignored():
    assert parse_story("\ufeff@title 主题", "x").parts == [P(PartKind.TITLE, "主题")]


def test_attributes():
    part = parse_story("@photo [ credit = 陈毓磊 ;style=cap=2;; ] 图说 [甲]", "x").parts[0]
    assert (part.credit, part.style, part.image, part.text) == ("陈毓磊", "cap=2", None, "图说 [甲]")
    assert parse_story("@title [] [引号]内容", "x").parts[0].text == "[引号]内容"
    assert parse_story("@para [style=body-noindent] 正文", "x").parts == [
        P(PartKind.PARAGRAPH, "正文", style="body-noindent")
    ]
    spans = parse_story("@title [spans=0-2:emph, 3-4:big red] 甲乙丙丁", "x").parts[0].spans
    assert spans == [Span(0, 2, "emph"), Span(3, 4, "big red")]


def test_a_body_line_starting_with_bracket_is_plain_text():
    assert parse_story("[图] 正文", "x").parts == [P(PartKind.PARAGRAPH, "[图] 正文")]


def test_metadata_text_is_taken_literally():
    story = parse_story("@story [草稿] 标题\n@notes @+ 不是续行\n@title 主", "x")
    assert story.title == "[草稿] 标题"
    assert story.notes == "@+ 不是续行"


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line_no", "fragment"),
    [
        ("@title 主\n@headline 错", 2, "unknown directive @headline"),
        ("正文\n\n@Title 错", 3, "directive name"),
        ("@ 错", 1, "directive name"),
        ("@titles 错", 1, "unknown directive @titles"),
        ("@title错", 1, "unknown directive @title错"),
        ("% c\n@+ 无处可续", 2, "continues nothing"),
        ("@story 甲\n@+ 乙", 2, "continues nothing"),
        ("@title 主\n@story 晚了", 2, "before the first part"),
        ("@section 甲\n@section 乙", 2, "given twice"),
        ("\n\n@photo [credit=甲 图说", 3, "no closing"),
        ("@photo [author=甲] 图说", 1, "unknown attribute 'author'"),
        ("@photo [credit] 图说", 1, "not key=value"),
        ("@photo [credit=] 图说", 1, "empty value"),
        ("@photo [credit=甲; credit=乙] 图说", 1, "given twice"),
        ("@title [credit=甲] 主", 1, "@photo only"),
        ("@title [image=a.png] 主", 1, "@photo only"),
        ("@title [spans=0-x:emph] 主", 1, "bad span"),
        ("@title [spans=3-1:emph] 主", 1, "start after end"),
        ("@title [spans=0-1:] 主", 1, "bad span"),
    ],
)
def test_errors_carry_line_numbers(text, line_no, fragment):
    with pytest.raises(StoryTextError) as info:
        parse_story(text, "x")
    assert info.value.line_no == line_no
    assert fragment in info.value.message
    assert str(info.value).startswith(f"line {line_no}: ")


def test_error_is_a_value_error_and_pickles():
    error = StoryTextError(7, "bad")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line_no, copy.message) == (7, "bad")


# ------------------------------------------------------------------- formatting


def test_format_writes_the_documented_layout():
    story = parse_story(SAMPLE, "s1")
    text = format_story(story, source="000_8adf4515500a863f.txt")
    assert text.startswith(
        "@story 上科实业党支部\n@section 社区要闻\n@source 000_8adf4515500a863f.txt\n"
        "@notes 第一行备注\n@+ 第二行备注\n\n"
        "@column 基层风采\n@kicker “五星奖”上科实业党支部：\n@title 以“红色领航”激发企业新动能\n"
        "@byline □记者 陈毓磊\n\n@note 编者按："
    )
    assert "\n@subhead 加强思想引领\n@+ 孕育“红色基因”\n" in text
    assert "\n@photo [credit=陈毓磊; image=ab12.jpg; style=caption-wide] 业务培训\n" in text
    assert text.endswith("\n")
    assert parse_story(text, "s1") == story


def test_format_escapes_what_needs_escaping():
    story = Story(
        "x",
        parts=[
            P(PartKind.PARAGRAPH, "@段落"),
            P(PartKind.PARAGRAPH, "%段落"),
            P(PartKind.PARAGRAPH, ""),
            P(PartKind.PARAGRAPH, "\n第二行"),
            P(PartKind.TITLE, "[方括号]"),
            P(PartKind.PHOTO, "", credit="甲"),
            P(PartKind.PARAGRAPH, "正文", style="lead"),
        ],
    )
    text = format_story(story)
    assert text.split("\n\n") == [
        "@@段落",
        "%%段落",
        "@para",
        "@para\n@+ 第二行",
        "@title [] [方括号]",
        "@photo [credit=甲]",
        "@para [style=lead] 正文\n",
    ]
    assert parse_story(text, "x") == story


@pytest.mark.parametrize(
    "story",
    [
        Story("x", title=" 前导空格"),
        Story("x", section="两\n行"),
        Story("x", notes="行尾空格 "),
        Story("x", parts=[P(PartKind.PARAGRAPH, " 缩进")]),
        Story("x", parts=[P(PartKind.TITLE, "一\n 二")]),
        Story("x", parts=[P(PartKind.TITLE, "主", credit="甲")]),
        Story("x", parts=[P(PartKind.PHOTO, "图", credit="甲;乙")]),
        Story("x", parts=[P(PartKind.PHOTO, "图", image="")]),
        Story("x", parts=[P(PartKind.PHOTO, "图", style="a]b")]),
        Story("x", parts=[P(PartKind.TITLE, "主", spans=[Span(0, 1, "a,b")])]),
    ],
)
def test_unrepresentable_stories_are_refused(story):
    assert not is_representable(story)
    with pytest.raises(ValueError, match="cannot be written"):
        format_story(story)


def test_unrepresentable_source_is_refused():
    with pytest.raises(ValueError):
        format_story(Story("x"), source="a\nb")


# ------------------------------------------------------------------- round trip

# Characters that exercise the syntax, mixed with arbitrary text.
_TRICKY = st.sampled_from(list("@%[];=,:-+ \t\u3000\r\x0b\u2028\ufeff甲乙。“”【】0123abc"))
_CHAR = st.one_of(_TRICKY, st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"))


def _line() -> st.SearchStrategy[str]:
    return st.text(_CHAR, max_size=12).map(str.strip)


def _value(forbidden: str = ";]") -> st.SearchStrategy[str]:
    return _line().filter(lambda s: s and not any(c in s for c in forbidden))


_MULTILINE = st.lists(_line(), min_size=1, max_size=3).map("\n".join)


@st.composite
def _parts(draw) -> StoryPart:
    kind = draw(st.sampled_from(list(PartKind)))
    text = draw(_MULTILINE)
    style = draw(st.none() | _value())
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, 50), st.integers(0, 50), _value(";],")).map(
                lambda t: Span(min(t[0], t[1]), max(t[0], t[1]), t[2])
            ),
            max_size=2,
        )
    )
    credit, image = "", None
    if kind == PartKind.PHOTO:
        credit = draw(st.just("") | _value())
        image = draw(st.none() | _value())
    return StoryPart(kind, text, style=style, spans=spans, image=image, credit=credit)


@st.composite
def _stories(draw) -> tuple[Story, str]:
    story = Story(
        id="story-1",
        title=draw(_line()),
        section=draw(_line()),
        notes=draw(st.just("") | _MULTILINE),
        parts=draw(st.lists(_parts(), max_size=6)),
    )
    return story, draw(_line())


@settings(max_examples=400, deadline=None)
@given(_stories())
def test_round_trip(story_and_source):
    story, source = story_and_source
    assert is_representable(story, source)
    text = format_story(story, source=source)
    doc = parse_story_document(text, story.id)
    assert doc.story == story
    assert doc.source == source
    assert format_story(doc.story, source=doc.source) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(_TRICKY, st.just("\n"),
                  st.sampled_from(["@title ", "@+ ", "@photo [", "%", "@@", "credit=", "spans=1-2:"])),
        max_size=40,
    ).map("".join)
)
def test_parser_either_succeeds_or_raises_story_text_error(text):
    try:
        story = parse_story(text, "x")
    except StoryTextError as error:
        assert 1 <= error.line_no <= text.count("\n") + 1
    else:
        # Whatever parses is representable, so it survives a round trip.
        assert parse_story(format_story(story), "x") == story
