"""The composer against the bundled body fonts (skipped when the font files are absent)."""

from __future__ import annotations

import pytest
from compose_helpers import check_reassembles, x_of

from xjeditor.typeset.compose import ComposeOptions, Run, compose_paragraph

fonts = pytest.importorskip("xjeditor.typeset.fonts")

SIZE = 9.0


@pytest.fixture(scope="module")
def song():
    try:
        m = fonts.default_registry().metrics("song")
        m.advance("中")
    except Exception as exc:  # noqa: BLE001 - any missing/unreadable font skips
        pytest.skip(f"body font unavailable: {exc}")
    return m


def compose(text, em, metrics, **kw):
    kw.setdefault("punct", "house")
    return compose_paragraph((Run(text, "song", SIZE, metrics),), em * SIZE, ComposeOptions(**kw))


STORY = ("上海上科实业公司党支部成立于 2003 年，目前共有党员10人。多年来，上科实业党支部在新泾镇党委、"
         "镇党群服务中心的指导下，结合本公司实际情况，不断夯实党支部工作规范化建设，营造出了浓厚的党建"
         "氛围，充分发挥党支部的组织力、战斗力和凝聚力，打造党建引领下的企业文化新风尚。开展“进博先锋·"
         "党员行动”主题党日活动，学习《Link 泾彩纷程》……通过 COVID-19 防控、12:30 集合等安排。")


@pytest.mark.parametrize("punct", ["house", "gb", "kaiming", "full"])
@pytest.mark.parametrize("em", [12, 14, 15, 19])
def test_real_font_lines_fill_the_measure(song, punct, em):
    para = compose(STORY, em, song, punct=punct, indent=2)
    check_reassembles(STORY, para)
    for ln in para.lines[:-1]:
        assert abs(ln.width - em * SIZE) <= 0.01, ln.text
    for a, b in zip(para.lines, para.lines[1:]):
        assert b.text[0] not in "，。、：；？！”》）·"
        assert a.text[-1] not in "“《（"


def test_real_font_punctuation_positions(song):
    assert song.advance("，") == 1.0 and song.advance("“") == 1.0
    ln = compose("一，二“三”", 40, song, punct="banjiao").lines[0]
    assert abs(x_of(ln, 2) - 1.5 * SIZE) < 1e-6
    assert abs(x_of(ln, 3) - 2.0 * SIZE) < 1e-6  # “ box at 2.5 em, drawn 1/2 em left
    ln = compose("中12文", 40, song).lines[0]
    assert abs(x_of(ln, 1) - 1.25 * SIZE) < 1e-6
    w = (song.advance("1") + song.advance("2")) * SIZE
    assert abs(x_of(ln, 3) - (1.25 * SIZE + w + 0.25 * SIZE)) < 1e-6


def test_real_font_house_19em_holds_18_ideographs_and_two_commas(song):
    text = "一" * 9 + "，" + "二" * 9 + "，" + "三" * 10
    assert compose(text, 19, song).lines[0].text == "一" * 9 + "，" + "二" * 9 + "，"
