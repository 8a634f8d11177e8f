"""Helpers for the layout tests: a small valid layout to break in tmp_path."""

import textwrap

import pytest

MINIMAL = textwrap.dedent(
    """\
    name = "测试版式"
    description = "测试用"
    sections = ["要闻", "社区要闻"]

    [paper]
    name = "测试报"

    [page]
    width = 273.0
    height = 390.0

    [margins]
    top = 20.0

    [grid]
    body_size = "小五"
    columns = 5
    column_chars = 14
    gutter = 1.5
    lines = 73

    [styles.masthead]
    based_on = "title-lead"
    label = "报头"
    size = 54.0

    [masters.front]

    [[masters.front.elements]]
    id = "name"
    part = "title"
    style = "masthead"
    h = "6 lines"
    text = "{{ paper }}"

    [[masters.front.elements]]
    id = "info"
    text = \"\"\"
    {{ number|qihao }}
    {{ date|cn_date(weekday=True) }}
    \"\"\"

    [[masters.front.frames]]
    y = "8 lines"

    [masters.inner]

    [[masters.inner.elements]]
    id = "head"
    text = "{{ page|banci }} {{ section }}"

    [[masters.inner.frames]]
    y = "2 lines"
    """
)


@pytest.fixture
def minimal_layout() -> str:
    """The text of a small valid layout."""
    return MINIMAL


@pytest.fixture
def write_layout(tmp_path):
    """Write a layout text to tmp_path and return its path."""

    def write(text: str = MINIMAL, name: str = "test-layout.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

