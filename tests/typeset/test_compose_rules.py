"""One test (or more) per spec rule R1-R25, R29 that applies to line composition, on
synthetic widths (see compose_helpers). Measures are in em of 10 pt."""

from __future__ import annotations

import pytest
from compose_helpers import EM, METRICS, adv, check_reassembles, comp, rule_metrics, texts, x_of, xs  # noqa: F401

from xjeditor.model.styles import default_stylesheet
from xjeditor.typeset.charclass import LINE_END_PROHIBITED, LINE_START_PROHIBITED
from xjeditor.typeset.compose import HOUSE_STYLE, ComposeOptions, Run, compose_paragraph

TOL = 0.01

pytestmark = pytest.mark.usefixtures("rule_metrics")  # synthetic widths, then the real 书宋

R1_CJK = "、，。．：；？！" + "”’）］｝〕〗】〉》」』" + "·～／–" + "‼⁇⁈⁉"
R1_UNITS = "%％‰℃°′″"
R1_ASCII = "!),.:;?]}"
R2_OPEN = "“‘（［｛〔〖【〈《「『([{"


def approx(a: float, b: float, tol: float = TOL) -> bool:
    return abs(a - b) <= tol


# --------------------------------------------------------------------------- R1-R4


@pytest.mark.parametrize("mark", list(R1_CJK + R1_UNITS + R1_ASCII + "—"))
def test_r1_line_start_prohibited_marks_never_start_a_line(mark):
    text = "一" * 9 + "二" + mark + "三" * 5
    para = comp(text, 10)
    check_reassembles(text, para)
    for ln in para.lines[1:]:
        assert not ln.text.startswith(mark), texts(para)


def test_r1_comma_never_starts_a_line():
    para = comp("一二三四五六七八九十，一二三", 10)
    assert all(not t.startswith("，") for t in texts(para))


def test_r1_sets_match_the_spec():
    for ch in R1_CJK + R1_UNITS + R1_ASCII:
        assert ch in LINE_START_PROHIBITED
    for ch in R2_OPEN:
        assert ch in LINE_END_PROHIBITED


@pytest.mark.parametrize("mark", list(R2_OPEN))
def test_r2_opening_marks_never_end_a_line(mark):
    text = "一" * 9 + mark + "二" * 5
    para = comp(text, 10)
    check_reassembles(text, para)
    for ln in para.lines:
        assert not ln.text.endswith(mark), texts(para)


def test_r2_currency_sign_sticks_to_its_digits():
    for cur in "￥¥＄$￡£":
        text = "一" * 9 + cur + "100元"
        para = comp(text, 10)
        assert all(not t.endswith(cur) for t in texts(para)), texts(para)
        assert any(cur + "100" in t for t in texts(para))


def test_r3_none_allows_everything():
    para = comp("一二三四五六七八九十，一二三", 10, kinsoku="none")
    assert texts(para)[1].startswith("，")


def test_r3_basic_allows_slash_at_line_end_gb_does_not():
    text = "一" * 9 + "／" + "二" * 5 + "。"
    # ／ is 1/2 em in gb: 9.5 em; "二" does not fit
    assert texts(comp(text, 10, kinsoku="basic"))[0].endswith("／")
    assert not texts(comp(text, 10, kinsoku="gb"))[0].endswith("／")


def test_r3_strict_forbids_dash_and_ellipsis_at_line_start():
    for unit in ("——", "……"):
        text = "一" * 10 + unit + "二二二"
        assert texts(comp(text, 10, kinsoku="gb"))[1].startswith(unit)
        strict = comp(text, 10, kinsoku="strict")
        assert all(not t.startswith(unit) for t in texts(strict)), texts(strict)
        check_reassembles(text, strict)


def test_r4_chains_move_together():
    # 说。” cannot be split; it overflows, so the break moves before 说
    text = "一" * 9 + "说。”他们走了"
    para = comp(text, 10)
    assert texts(para)[1].startswith("说。”"), texts(para)
    assert approx(para.lines[0].width, 10 * EM)


# --------------------------------------------------------------------------- R5-R8


@pytest.mark.parametrize("unit", ["——", "……"])
def test_r5_dash_and_ellipsis_are_unbreakable_2em_units(unit):
    para = comp("一" + unit + "二", 40)
    assert approx(para.lines[0].natural_width, 4 * EM)
    for width in range(5, 12):
        text = "一" * width + "二" * 3 + unit + "三" * 6
        p = comp(text, width, kinsoku="none")
        for a, b in zip(p.lines, p.lines[1:]):
            assert not (a.text.endswith(unit[0]) and b.text.startswith(unit[0])), texts(p)


@pytest.mark.parametrize("pair", ["？？", "！！", "？！", "！？"])
def test_r5_double_marks_are_one_1em_unit(pair):
    para = comp("一" + pair + "二", 40)
    ln = para.lines[0]
    assert approx(ln.natural_width, 3 * EM)
    assert approx(x_of(ln, 2) - x_of(ln, 1), 0.5 * EM)
    for width in range(5, 9):
        p = comp("一" * (width - 1) + "二" + pair + "三三", width, kinsoku="none")
        for a in p.lines:
            assert not a.text.endswith(pair[0]) or a is p.lines[-1], texts(p)


@pytest.mark.parametrize("token", ["hello", "3.14", "1,000", "12:30", "$100", "85%", "-5",
                                   "http://x.cn/a", "a.b@c.com", "COVID-19"])
def test_r6_latin_words_and_numbers_are_never_broken(token):
    for width in range(8, 14):
        text = "一" * (width - 2) + "二" + token + "三" * 4
        para = comp(text, width)
        check_reassembles(text, para)
        assert any(token in t for t in texts(para)), (width, texts(para))
        assert not any("overfull" in w or "relaxed" in w for ln in para.lines for w in ln.warnings)


def test_r6_unit_wider_than_the_column_is_broken_with_a_warning():
    text = "一" + "a" * 30 + "二"
    para = comp(text, 10)
    check_reassembles(text, para)
    assert any(ln.warnings for ln in para.lines)
    for ln in para.lines:
        assert ln.width <= 10 * EM + TOL


def test_r7_latin_space_at_a_line_edge_takes_no_width():
    text = "abcd efgh ijkl"  # synthetic: words 2 em, spaces 1/4 em
    para = comp(text, adv("abcd efgh") + 0.5, punct="gb")
    assert texts(para) == ["abcd efgh", "ijkl"]
    assert approx(para.lines[0].natural_width, adv("abcd efgh") * EM)
    assert approx(para.lines[1].natural_width, adv("ijkl") * EM)  # the space before it: none


def test_r8_quotes_tilde_slash_follow_r1_r3_not_uax14():
    for mark in "”’～／":
        text = "一" * 10 + mark + "二二"
        assert not texts(comp(text, 10))[1].startswith(mark)
    text = "一" * 9 + "“" + "二二"
    assert not texts(comp(text, 10))[0].endswith("“")


# --------------------------------------------------------------------------- R9-R15


def test_r9_nominal_widths():
    assert approx(comp("一——二", 40).lines[0].natural_width, 4 * EM)
    assert approx(comp("一……二", 40).lines[0].natural_width, 4 * EM)
    assert approx(comp("一·二", 40).lines[0].natural_width, 2.5 * EM)
    assert approx(comp("一／二", 40).lines[0].natural_width, 2.5 * EM)
    assert approx(comp("一，二", 40).lines[0].natural_width, 3 * EM)
    assert approx(comp("一“二", 40).lines[0].natural_width, 3 * EM)


def test_r10_glyph_positions_of_compressed_marks():
    ln = comp("一，二“三”·四", 40, punct="banjiao").lines[0]
    assert approx(x_of(ln, 1), 1 * EM)  # comma: ink left, keeps its origin
    assert approx(x_of(ln, 2), 1.5 * EM)
    assert approx(x_of(ln, 3), 2.5 * EM - 0.5 * EM)  # opening quote drawn 1/2 em left of its box
    assert approx(x_of(ln, 4), 3.0 * EM)
    assert approx(x_of(ln, 5), 4.0 * EM)  # closing quote at its box start
    assert approx(x_of(ln, 6), 4.5 * EM - 0.25 * EM)  # centred dot shifted by 1/4 em
    assert approx(x_of(ln, 7), 5.0 * EM)


def test_r11_line_end_mark_trimmed_to_half():
    text = "一" * 9 + "，" + "二" * 3
    para = comp(text, 10)
    assert texts(para)[0] == "一" * 9 + "，"
    assert approx(para.lines[0].natural_width, 9.5 * EM)
    assert approx(para.lines[0].width, 10 * EM)


def test_r12_opening_mark_loses_leading_half_at_line_start_also_after_indent():
    para = comp("“一二”三", 40, indent=2)
    ln = para.lines[0]
    assert approx(x_of(ln, 0), 1.5 * EM)
    assert approx(x_of(ln, 1), 2.5 * EM)
    p2 = comp("一" * 10 + "《二三》", 10)
    ln2 = p2.lines[1]
    assert ln2.text.startswith("《")
    assert approx(xs(ln2)[0], -0.5 * EM)
    assert approx(xs(ln2)[1], 0.5 * EM)


def test_r13_adjacent_marks_take_one_and_a_half_em():
    for pair in ("。”", "》，", "：“", "）（"):
        ln = comp("一" + pair + "二", 40).lines[0]
        assert approx(x_of(ln, 3) - x_of(ln, 1), 1.5 * EM), pair
    ln = comp("一（）二", 40).lines[0]
    assert approx(x_of(ln, 3) - x_of(ln, 1), 2 * EM)  # opening + closing keeps its width
    ln = comp("一“《二", 40).lines[0]  # the second opening loses its leading half
    assert approx(x_of(ln, 3) - x_of(ln, 1), 1.5 * EM)
    assert approx(x_of(ln, 2), 1.5 * EM)


def test_r14_punctuation_styles():
    text = "一，二。三“四”五"
    widths = {p: comp(text, 40, punct=p).lines[0].natural_width / EM
              for p in ("full", "gb", "kaiming", "banjiao", "house")}
    assert approx(widths["full"], 9)
    assert approx(widths["gb"], 9)
    assert approx(widths["kaiming"], 7.5)
    assert approx(widths["banjiao"], 7)
    assert HOUSE_STYLE == "banjiao"
    assert approx(widths["house"], widths[HOUSE_STYLE])
    # full never compresses, not even at a line end or between marks
    assert approx(comp("一。”", 40, punct="full").lines[0].natural_width, 3 * EM)
    assert approx(comp("一。”", 40, punct="gb").lines[0].natural_width, 2 * EM)


def test_r14_house_style_holds_18_ideographs_and_two_commas_in_19_em():
    text = "一" * 9 + "，" + "二" * 9 + "，" + "三" * 10
    para = comp(text, 19, punct="house")
    assert para.lines[0].text == "一" * 9 + "，" + "二" * 9 + "，"


def test_r15_no_hanging_by_default_and_optional_hanging():
    text = "一" * 10 + "，二二"
    assert texts(comp(text, 10))[0] == "一" * 9
    hung = comp(text, 10, hanging=True)
    assert texts(hung)[0] == "一" * 10 + "，"
    assert approx(xs(hung.lines[0])[-1], 10 * EM)
    assert approx(xs(hung.lines[0])[-2], 9 * EM)


# --------------------------------------------------------------------------- R16-R19


def test_r16_push_in_before_push_out():
    text = "一二三四五，六七八九。十百千万"
    para = comp(text, 10)
    assert texts(para)[0] == "一二三四五，六七八九。"
    ln = para.lines[0]
    assert approx(ln.width, 10 * EM)
    assert approx(x_of(ln, 6) - x_of(ln, 5), 0.5 * EM)  # the comma shrank
    assert xs(ln)[-1] <= 10 * EM


def test_r16_push_out_when_shrink_cannot_cover():
    text = "一" * 10 + "。二"
    para = comp(text, 10)
    assert texts(para) == ["一" * 9, "一。二"]
    assert approx(para.lines[0].width, 10 * EM)
    assert not para.lines[0].loose


def test_r17_trims_apply_before_testing_prohibitions():
    text = "一" * 10 + "，二三四"
    para = comp(text, 10.5)
    assert texts(para)[0] == "一" * 10 + "，"
    assert approx(para.lines[0].natural_width, 10.5 * EM)


def test_r18_runs_of_three_marks_are_not_relaxed():
    text = "一" * 9 + "二。”）三三"
    para = comp(text, 10)
    for t in texts(para)[1:]:
        assert t[0] not in "。”）"


def test_r19_quarter_em_between_han_and_latin():
    ln = comp("中文，中12文1中", 40).lines[0]
    assert approx(x_of(ln, 4) - x_of(ln, 3), 1.25 * EM)  # 中|1: 1 em + 1/4
    assert approx(x_of(ln, 6) - x_of(ln, 5), (adv("2") + 0.25) * EM)  # 2|文
    assert approx(x_of(ln, 3) - x_of(ln, 2), 1 * EM)  # none beside the comma


def test_r19_source_space_is_replaced_not_added():
    a = comp("中12文", 40).lines[0]
    b = comp("中 12 文", 40).lines[0]
    assert approx(a.natural_width, b.natural_width)
    assert approx(x_of(b, 5), x_of(a, 3))


def test_r19_no_spacing_beside_cjk_punctuation_nor_at_line_edges_and_option_zero():
    ln = comp("“12”，", 40).lines[0]
    # “ trimmed to 1/2, ”， 1.5 em less the trimmed ，: no 1/4 em anywhere
    assert approx(ln.natural_width, (0.5 + adv("12") + 1.0) * EM)
    para = comp("一" * 9 + "abcd", 10)
    assert texts(para)[1] == "abcd"
    assert approx(xs(para.lines[1])[0], 0.0)
    solid = comp("中12文", 40, han_latin=0.0).lines[0]
    assert approx(solid.natural_width, (2 + adv("12")) * EM)


# --------------------------------------------------------------------------- R20-R25


def test_r20_shrink_order_brackets_before_commas():
    text = "一（二）三，四五六。七八九十"
    para = comp(text, 9)
    ln = para.lines[0]
    assert ln.text == "一（二）三，四五六。"
    assert approx(ln.width, 9 * EM)
    assert approx(x_of(ln, 6) - x_of(ln, 5), 1 * EM)  # comma untouched
    assert approx(x_of(ln, 1), 0.75 * EM)  # each bracket gave 1/4 em: （ drawn 1/4 em left
    assert approx(x_of(ln, 2), 1.75 * EM)


def test_r20_line_end_mark_shrinks_first():
    # kaiming: 。 is full; at the line end it is the first thing to shrink
    text = "一二三四五，六七八九。十百千"
    para = comp(text, 10, punct="kaiming")
    ln = para.lines[0]
    assert ln.text == "一二三四五，六七八九。"
    assert approx(x_of(ln, 6) - x_of(ln, 5), 0.5 * EM)  # the comma is not shrunk further
    assert approx(ln.width, 10 * EM)
    assert approx(ln.natural_width, 10.5 * EM)


def test_r21_pure_han_line_spreads_evenly_and_ends_at_the_measure():
    text = "一" * 9 + "（二三"
    para = comp(text, 10)
    ln = para.lines[0]
    assert ln.text == "一" * 9
    step = EM + EM / 8  # 9 ideographs, 8 gaps share the missing em
    for i, x in enumerate(xs(ln)):
        assert approx(x, i * step)
    assert approx(xs(ln)[-1] + EM, 10 * EM)


def test_r21_word_spaces_stretch_first():
    text = "aaaa bbbb cccc一二三"
    para = comp(text, adv("aaaa bbbb cccc") + 0.5)  # half an em to spread, too little for 一
    ln = para.lines[0]
    assert ln.text == "aaaa bbbb cccc"
    # the two word spaces take the half em (each may grow to 1/2 em)
    assert approx(x_of(ln, 5), (adv("aaaa ") + 0.25) * EM)
    assert approx(x_of(ln, 10), (adv("aaaa bbbb ") + 0.5) * EM)
    assert approx(x_of(ln, 6) - x_of(ln, 5), adv("b") * EM)  # never inside a word


def test_r22_justified_except_last_and_forced_lines():
    text = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。" * 3
    para = comp(text, 11)
    for ln in para.lines[:-1]:
        assert approx(ln.width, 11 * EM)
    last = para.lines[-1]
    assert last.width <= 11 * EM + TOL and not last.justified
    assert approx(xs(last)[0], 0)
    forced = comp("一二三\n四五六七八九", 10)
    assert texts(forced) == ["一二三", "四五六七八九"]
    assert approx(forced.lines[0].width, 3 * EM)


def test_r22_alignment_for_headlines():
    for align, x0 in (("left", 0), ("center", 3.5), ("right", 7)):
        ln = comp("一二三", 10, align=align).lines[0]
        assert approx(xs(ln)[0], x0 * EM), align


def test_r23_loose_lines_are_flagged():
    para = comp("一二" + "a" * 20, 10)
    assert para.lines[0].text == "一二"
    assert para.lines[0].loose
    assert "loose line" in para.lines[0].warnings
    tight = comp("一" * 9 + "（二三", 10)
    assert not tight.lines[0].loose


def test_r24_first_line_indent_two_em():
    body = default_stylesheet().paragraph["body"]
    opts = ComposeOptions.from_style(body)
    assert opts.indent == 2.0
    para = comp("一" * 30, 10, indent=2)
    assert approx(xs(para.lines[0])[0], 2 * EM)
    assert len(para.lines[0].text) == 8
    assert approx(xs(para.lines[1])[0], 0)


def test_r25_measures_off_the_grid_still_justify():
    text = "一二三四五，六七八九。" * 5
    para = comp(text, 10.3)
    for ln in para.lines[:-1]:
        assert approx(ln.width, 10.3 * EM)
        assert xs(ln)[-1] <= 10.3 * EM


# --------------------------------------------------------------------------- R29


def test_r29_last_line_never_holds_a_single_han_character():
    for tail in ("二", "二。", "二。”"):
        text = "一" * 20 + tail
        off = comp(text, 10, avoid_orphans=False)
        assert off.lines[-1].text == tail
        para = comp(text, 10)
        assert len([c for c in para.lines[-1].text if c in "一二"]) >= 2, texts(para)
        assert not para.orphan
        check_reassembles(text, para)
        for ln in para.lines[:-1]:
            assert approx(ln.width, 10 * EM)


def test_r29_orphan_taken_up_by_shrinking_when_nothing_can_come_down():
    # The last line is 1.5 em wide: pulling "一，" down cannot fit, so the previous line
    # takes the orphan up by shrinking its five commas (R20).
    text = "一，" * 5 + "二。"
    off = compose_paragraph((Run(text, "song", EM, METRICS),), (10 * EM, 1.5 * EM),
                            ComposeOptions(punct="gb", avoid_orphans=False))
    assert [ln.text for ln in off.lines] == ["一，" * 5, "二。"]
    para = compose_paragraph((Run(text, "song", EM, METRICS),), (10 * EM, 1.5 * EM),
                             ComposeOptions(punct="gb"))
    assert texts(para) == [text]
    assert not para.orphan
    assert approx(para.lines[0].width, 10 * EM)
    assert xs(para.lines[0])[-1] <= 10 * EM


def test_r29_orphan_flagged_when_no_alternative():
    text = "a" * 20 + "二"
    para = comp(text, adv("a" * 20))  # the word fills the line: 二 cannot join it
    assert para.lines[-1].text == "二"
    assert para.orphan
    assert any("孤字" in w for w in para.lines[-1].warnings)


# --------------------------------------------------------------------------- spec part E


def test_seed_case_comma_never_starts_line_two():
    para = comp("一二三四五六七八九十，一二三", 10)
    assert not texts(para)[1].startswith("，")


def test_seed_case_opening_bracket_never_ends_a_line():
    for n in range(5, 12):
        para = comp("一" * (n - 1) + "九（十）一二三", n)
        assert all(not t.endswith("（") for t in texts(para))


def test_seed_case_genshin():
    ln = comp("原来，你也玩《原神》！？", 40).lines[0]
    assert approx(x_of(ln, 10) - x_of(ln, 9), 0.5 * EM)  # 》 then ！: 1.5 em together
    assert approx(x_of(ln, 11) - x_of(ln, 10), 0.5 * EM)  # ！？ is one 1-em unit
    assert approx(ln.natural_width, 10.5 * EM)


def test_seed_case_han_latin_spacing():
    ln = comp("中文，中12文1中", 40).lines[0]
    x6 = 4.25 + adv("12") + 0.25  # ¼ em each side of 12 and of 1, none beside ，
    assert approx(x_of(ln, 4), 4.25 * EM)
    assert approx(x_of(ln, 6), x6 * EM)
    assert approx(x_of(ln, 7), (x6 + 1.25) * EM)
    assert approx(x_of(ln, 8), (x6 + 1.25 + adv("1") + 0.25) * EM)
    assert approx(ln.natural_width, (x6 + 1.25 + adv("1") + 0.25 + 1) * EM)


def test_seed_case_no_single_character_last_line():
    para = comp("一" * 20 + "二", 10)
    assert len(para.lines[-1].text) >= 2


def test_seed_case_justified_lines_end_at_the_measure():
    text = "上科实业党支部扎实推进“三会一课”制度，每月定期开展主题党日活动，引导党员坚定理想信念。"
    for punct in ("gb", "house", "kaiming", "full", "banjiao"):
        para = comp(text, 15, punct=punct, indent=2)
        for ln in para.lines[:-1]:
            assert approx(ln.width, 15 * EM), punct
