"""Masthead and running heads generated from issue data (xjeditor.layouts.furniture)."""

import copy
import datetime as dt

import pytest

from xjeditor.layouts import (
    LayoutTemplateError,
    LayoutValueError,
    furniture,
    issue_with_furniture,
    load_layout,
    new_issue,
    validate_layout,
)
from xjeditor.model import BoxFrame, PartKind, RuleFrame, TextFrame

SHIPPED = ["chenbao-sikai", "chenbao-duikai", "newsletter-a3", "newsletter-a4"]


def _issue(stem="chenbao-sikai", pages=4):
    issue = new_issue(stem, pages=pages, number=152, total_number=1234, date=dt.date(2021, 1, 15))
    issue.pages[1].editor = "陈毓磊"
    return issue


def _texts(stories):
    return [s.parts[0].text for s in stories]


@pytest.mark.parametrize("stem", SHIPPED)
def test_front_page_masthead(stem):
    issue = _issue(stem)
    frames, stories = furniture(issue, 0)
    text = "\n".join(_texts(stories))
    assert "新泾镇社区晨报" in text
    assert "第152期" in text and "总第1234期" in text
    assert "2021年1月15日 星期五" in text
    assert "内部资料 免费交流" in text
    assert "主办：中共新泾镇委员会" in text
    name = next(s for s in stories if s.parts[0].text == issue.paper)
    assert name.parts[0].kind == PartKind.TITLE and name.parts[0].style == "masthead"
    # the paper's name is set larger than anything else on the page (R37)
    sizes = {n: st.size for n, st in issue.styles.paragraph.items()}
    assert all(sizes["masthead"] > sizes[s.parts[0].style] for s in stories if s is not name)
    assert any(isinstance(f, RuleFrame) for f in frames)


@pytest.mark.parametrize("stem", SHIPPED)
def test_inner_page_running_head(stem):
    issue = _issue(stem)
    for index in (1, 2):
        frames, stories = furniture(issue, index)
        text = "\n".join(_texts(stories))
        page = issue.pages[index]
        assert f"第{index + 1}版" in text
        assert page.section and page.section in text
        assert "2021年1月15日 星期五" in text
        assert "责任编辑：" in text
        assert any(isinstance(f, RuleFrame) for f in frames)
    _, stories = furniture(issue, 1)
    assert "责任编辑：陈毓磊" in "\n".join(_texts(stories))


@pytest.mark.parametrize("stem", SHIPPED)
def test_furniture_objects_are_well_formed(stem):
    issue = _issue(stem, pages=8)
    layout = load_layout(stem)
    seen = set()
    for i, page in enumerate(issue.pages):
        frames, stories = furniture(issue, i, layout)
        story_ids = {s.id for s in stories}
        assert all(s.id.startswith("_") for s in stories)
        for f in frames:
            assert f.id.startswith("_") and f.id not in seen
            seen.add(f.id)
            if isinstance(f, TextFrame):
                assert f.story in story_ids
                assert f.rect.x >= 5 and f.rect.right <= page.width - 5
                assert f.rect.y >= 5 and f.rect.bottom <= page.height - 5
            elif isinstance(f, BoxFrame):
                assert f.rect.x >= 5 and f.rect.right <= page.width - 5
        for s in stories:
            assert len(s.parts) == 1
            assert s.parts[0].kind in (PartKind.PARAGRAPH, PartKind.TITLE)
            assert s.parts[0].style in issue.styles.paragraph
            assert "\n" not in s.parts[0].text or s.parts[0].kind == PartKind.TITLE
    assert not any(s.startswith("_") for s in issue.stories)  # never stored in the issue


def test_furniture_text_frames_are_whole_characters_wide():
    issue = _issue()
    em = load_layout("chenbao-sikai").grid.em
    for i in range(4):
        for f in furniture(issue, i)[0]:
            if isinstance(f, TextFrame):
                assert f.rect.w / em == pytest.approx(round(f.rect.w / em), abs=1e-3)


def test_folio_sits_at_the_outer_edge():
    issue = _issue(pages=4)
    layout = load_layout("chenbao-sikai")
    left = layout.type_area[0]
    even = {f.id: f for f in furniture(issue, 1)[0]}  # page 2, a left-hand page
    odd = {f.id: f for f in furniture(issue, 2)[0]}  # page 3, a right-hand page
    assert even["_p2_folio"].rect.x == pytest.approx(left)
    assert odd["_p3_folio"].rect.x > issue.pages[2].width / 2


def test_furniture_follows_the_issue_data():
    issue = _issue()
    issue.total_number = 0
    issue.sponsor = ""
    issue.editors = {"主编": "王某", "副主编": ""}
    issue.address = "新泾镇某路 1 号"
    issue.date = dt.date(2022, 10, 1)
    _, stories = furniture(issue, 0)
    text = "\n".join(_texts(stories))
    assert "总第" not in text and "主办" not in text
    assert "主编：王某" in text and "副主编" not in text
    assert "新泾镇某路 1 号" in text
    assert "2022年10月1日 星期六" in text


def test_furniture_is_regenerated_and_does_not_touch_the_issue():
    issue = _issue()
    before = copy.deepcopy(issue)
    furniture(issue, 1)
    assert issue == before
    issue.pages[1].section = "社区生活"
    _, stories = furniture(issue, 1)
    assert "社区生活" in "\n".join(_texts(stories))


def test_issue_with_furniture():
    issue = _issue()
    before = copy.deepcopy(issue)
    full = issue_with_furniture(issue)
    assert issue == before
    assert len(full.pages[0].frames) > len(issue.pages[0].frames)
    assert "_p1_name" in full.stories and "_p2_folio" in full.stories
    found = full.find_frame("_p2_folio")
    assert found is not None and found[0] == 1


def test_page_template_names_the_master():
    issue = _issue()
    issue.pages[2].template = "front"
    _, stories = furniture(issue, 2)
    assert issue.paper in _texts(stories)


# ---- template errors name the layout file and line ------------------------------------------


def _line(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_template_syntax_error_names_file_and_line(write_layout, minimal_layout):
    text = minimal_layout.replace("{{ date|cn_date(weekday=True) }}", "{{ date|cn_date(weekday=True) }")
    path = write_layout(text, "broken.toml")
    with pytest.raises(LayoutTemplateError) as info:
        load_layout(path)
    err = info.value
    assert err.path == str(path.resolve())
    assert err.line == _line(text, "{{ date|cn_date(weekday=True) }")
    assert str(err).startswith(f"broken.toml:{err.line}: ")
    assert "syntax" in str(err)
    assert err.message_zh and "模板语法错误" in err.text_zh


def test_undefined_variable_names_file_and_line(write_layout, minimal_layout):
    text = minimal_layout.replace('text = "{{ page|banci }} {{ section }}"', 'text = "{{ page|banci }} {{ sectoin }}"')
    with pytest.raises(LayoutTemplateError, match="sectoin") as info:
        load_layout(write_layout(text, "undefined.toml"))
    assert info.value.line == _line(text, "sectoin")
    assert str(info.value).startswith(f"undefined.toml:{info.value.line}: ")


def test_undefined_at_render_time_names_file_and_line(write_layout, minimal_layout):
    # the sample data used at load time has a 主编, this issue has none
    text = minimal_layout.replace("{{ number|qihao }}", "{{ number|qihao }}\n主编：{{ editors['主编'] }}")
    path = write_layout(text, "render.toml")
    layout = load_layout(path)
    assert validate_layout(layout) == []
    issue = new_issue(layout, pages=4, date=dt.date(2021, 1, 15))
    with pytest.raises(LayoutTemplateError, match="主编") as info:
        furniture(issue, 0, layout)
    assert info.value.line == _line(text, "{{ editors['主编'] }}")
    issue.editors["主编"] = "王某"
    _, stories = furniture(issue, 0, layout)
    assert "主编：王某" in _texts(stories)


def test_bad_condition_names_the_line(write_layout, minimal_layout):
    text = minimal_layout.replace('id = "head"', 'id = "head"\nwhen = "page is odd and"')
    with pytest.raises(LayoutTemplateError) as info:
        load_layout(write_layout(text, "when.toml"))
    assert info.value.line == _line(text, "when =")


def test_duplicate_ids_need_conditions(write_layout, minimal_layout):
    extra = '\n[[masters.inner.elements]]\nid = "head"\ntext = "x"\n'
    with pytest.raises(LayoutValueError, match="duplicate"):
        load_layout(write_layout(minimal_layout + extra, "dup.toml"))
