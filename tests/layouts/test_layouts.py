"""The shipped layout templates: loading, geometry, validation, and blank issues."""

import datetime as dt
import math

import pytest

from xjeditor.fileformat import load_issue, save_issue
from xjeditor.layouts import (
    LIVE_MARGIN_MM,
    BaseGrid,
    LayoutValueError,
    PageCountWarning,
    UnknownLayoutError,
    available_layouts,
    layout_files,
    load_layout,
    new_issue,
    resolve_length,
    validate_layout,
)
from xjeditor.model import PageKind, TextFrame, pt_to_mm

SHIPPED = [p.stem for p in layout_files()]


def test_the_four_layouts_are_shipped():
    names = {name for name, _ in available_layouts()}
    assert {"社区晨报-四开", "社区晨报-对开"} <= names
    assert any("A3" in n for n in names) and any("A4" in n for n in names)
    assert {"chenbao-sikai", "chenbao-duikai", "newsletter-a3", "newsletter-a4"} <= set(SHIPPED)
    for stem in SHIPPED:
        assert stem.isascii()


@pytest.mark.parametrize("stem", SHIPPED)
def test_layout_loads_and_validates(stem):
    layout = load_layout(stem)
    assert load_layout(layout.name) is layout  # by name or by file stem, same (cached) layout
    assert validate_layout(layout) == []
    assert layout.description
    assert layout.bleed in (0.0, 3.0)
    assert len(layout.sections) >= 4


@pytest.mark.parametrize("stem", SHIPPED)
def test_type_area_inside_the_live_area(stem):
    layout = load_layout(stem)
    x, y, w, h = layout.type_area
    assert x >= LIVE_MARGIN_MM and y >= LIVE_MARGIN_MM
    assert x + w <= layout.page_width - LIVE_MARGIN_MM
    assert y + h <= layout.page_height - LIVE_MARGIN_MM
    assert all(m >= LIVE_MARGIN_MM for m in layout.margins)
    assert sum(layout.margins[::2]) + h == pytest.approx(layout.page_height)
    assert sum(layout.margins[1::2]) + w == pytest.approx(layout.page_width)


@pytest.mark.parametrize("stem", SHIPPED)
def test_columns_are_whole_characters(stem):
    """R25 for the base grid and for every default text frame of every master."""
    layout = load_layout(stem)
    em = layout.grid.em
    assert layout.grid.column / em == pytest.approx(round(layout.grid.column / em))
    issue = new_issue(layout, pages=4, date=dt.date(2021, 1, 15))
    text_frames = [f for p in issue.pages for f in p.frames if isinstance(f, TextFrame)]
    assert len(text_frames) == 4
    for f in text_frames:
        col = (f.rect.w - (f.columns - 1) * f.gutter) / f.columns
        assert col / em == pytest.approx(round(col / em), abs=0.01)
        assert f.columns == layout.grid.columns


def test_sikai_geometry_follows_r40():
    layout = load_layout("社区晨报-四开")
    assert (layout.page_width, layout.page_height) == (273.0, 390.0)
    assert layout.grid.body_size == 9.0
    assert layout.grid.em == pytest.approx(3.175)
    _, _, w, h = layout.type_area
    assert w == pytest.approx(241.3)  # 5 × 14 characters with 1.5-em gutters
    assert 346.0 <= h <= 350.0  # 73 lines at 13.5 pt
    assert h == pytest.approx(pt_to_mm(9 + 13.5 * 72))
    assert layout.bleed == 0.0


def test_duikai_geometry():
    layout = load_layout("chenbao-duikai")
    assert (layout.page_width, layout.page_height) == (390.0, 546.0)
    _, _, w, h = layout.type_area
    assert 340 <= w <= 360 and 480 <= h <= 500


def test_body_style_sits_on_the_layout_grid():
    for stem in SHIPPED:
        layout = load_layout(stem)
        body = layout.stylesheet().paragraph["body"]
        assert body.size == layout.grid.body_size and body.line_gap == layout.grid.line_gap


@pytest.mark.parametrize("stem", SHIPPED)
def test_masthead_is_the_largest_type(stem):
    sheet = load_layout(stem).stylesheet()
    masthead = sheet.paragraph["masthead"]
    assert all(s.size < masthead.size for n, s in sheet.paragraph.items() if n != "masthead")
    for name in ("masthead-info", "running-head", "folio"):
        assert name in sheet.paragraph
        assert sheet.paragraph[name].indent == 0


def test_stylesheet_is_a_fresh_copy():
    layout = load_layout("chenbao-sikai")
    a = layout.stylesheet()
    a.paragraph["body"].size = 20.0
    assert layout.stylesheet().paragraph["body"].size == 9.0


@pytest.mark.parametrize("stem", SHIPPED)
def test_blank_issue_saves_and_loads_back_equal(stem, tmp_path):
    layout = load_layout(stem)
    issue = new_issue(layout, pages=4, number=152, total_number=1234, date=dt.date(2021, 1, 15))
    assert issue.layout == layout.name
    assert [p.kind for p in issue.pages] == [PageKind.FRONT] + [PageKind.INNER] * 3
    assert [p.section for p in issue.pages] == layout.sections[:4]
    assert all((p.width, p.height) == (layout.page_width, layout.page_height) for p in issue.pages)
    assert "masthead" in issue.styles.paragraph
    assert not issue.stories
    path = tmp_path / f"{stem}.xjb"
    save_issue(issue, path)
    assert load_issue(path) == issue


def test_new_issue_arguments():
    issue = new_issue("chenbao-sikai", pages=8, number=3, date="2021-02-05", paper="某某社区报")
    assert issue.paper == "某某社区报" and issue.number == 3 and issue.date == dt.date(2021, 2, 5)
    assert issue.pages[4].section == "党建"
    ids = [f.id for p in issue.pages for f in p.frames]
    assert len(ids) == len(set(ids)) and not any(i.startswith("_") for i in ids)
    assert new_issue("chenbao-sikai").date == dt.date.today()
    many = new_issue("chenbao-sikai", pages=12)
    assert many.pages[11].section == ""  # past the layout's list
    with pytest.raises(ValueError):
        new_issue("chenbao-sikai", pages=0)
    with pytest.raises(ValueError):
        new_issue("chenbao-sikai", number=-1)


def test_page_count_not_a_multiple_of_four_warns_but_works():
    with pytest.warns(PageCountWarning, match="R42"):
        issue = new_issue("chenbao-sikai", pages=6)
    assert len(issue.pages) == 6


def test_unknown_layout_lists_the_available_ones():
    with pytest.raises(UnknownLayoutError) as info:
        load_layout("社区晨报-八开")
    assert "社区晨报-四开" in str(info.value) and "社区晨报-对开" in str(info.value)
    assert "社区晨报-四开" in info.value.available


def test_lookup_by_path(tmp_path, write_layout, minimal_layout):
    path = write_layout()
    layout = load_layout(path)
    assert layout.name == "测试版式" and layout.stem == "test-layout"
    assert validate_layout(layout) == []


# ---- lengths -------------------------------------------------------------------------------

GRID = BaseGrid(9.0, 0.5, 5, 14, 1.5, 73)


@pytest.mark.parametrize(
    "expr, mm",
    [
        (12, 12.0),
        (2.5, 2.5),
        ("12", 12.0),
        ("3 mm", 3.0),
        ("9 pt", 3.175),
        ("2 em", 6.35),
        ("1 line", 4.7625),
        ("10 lines", 47.625),
        ("1 col", 44.45),
        ("3 cols", 3 * 44.45 + 2 * 4.7625),
        ("3 cols + 1 gutter", 3 * 44.45 + 3 * 4.7625),
        ("full", 241.3),
        ("full - 2 cols", 241.3 - 2 * 44.45 - 4.7625),
        ("rest", 241.3 - 10.0),
        ("1 line - 0.5 mm", 4.2625),
        ("-2 mm", -2.0),
    ],
)
def test_lengths(expr, mm):
    assert resolve_length(expr, GRID, GRID.width, 10.0) == pytest.approx(mm)


@pytest.mark.parametrize("bad", ["", "3 inches", "3 cols 2 mm", "lines", True, None, "3 + "])
def test_bad_lengths(bad):
    with pytest.raises(ValueError):
        resolve_length(bad, GRID, 100.0)


def test_grid_arithmetic():
    assert GRID.width == pytest.approx(241.3)
    assert math.isclose(GRID.pitch, pt_to_mm(13.5))
    assert GRID.span(1) == pytest.approx(44.45)


# ---- validation of broken layouts -------------------------------------------------------------


def _line(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_margin_under_the_live_area_is_refused(write_layout, minimal_layout):
    text = minimal_layout.replace("top = 20.0", "top = 3.0")
    with pytest.raises(LayoutValueError, match="live-area") as info:
        load_layout(write_layout(text))
    assert info.value.line == _line(text, "top = 3.0")
    assert "test-layout.toml:" in str(info.value)


def test_type_area_larger_than_the_trim_is_refused(write_layout, minimal_layout):
    text = minimal_layout.replace("column_chars = 14", "column_chars = 18")
    with pytest.raises(LayoutValueError, match="past the"):
        load_layout(write_layout(text))


def test_frame_columns_not_whole_characters_are_refused(write_layout, minimal_layout):
    text = minimal_layout.replace('y = "8 lines"', 'y = "8 lines"\nw = "200 mm"')
    with pytest.raises(LayoutValueError, match="R25"):
        load_layout(write_layout(text))


def test_furniture_outside_the_live_area_is_refused(write_layout, minimal_layout):
    text = minimal_layout.replace('id = "head"', 'id = "head"\ny = "-18 mm"')
    with pytest.raises(LayoutValueError, match="live area"):
        load_layout(write_layout(text))


def test_masthead_must_be_the_largest(write_layout, minimal_layout):
    text = minimal_layout.replace("size = 54.0", "size = 30.0")
    with pytest.raises(LayoutValueError, match="R37"):
        load_layout(write_layout(text))


def test_unknown_style_and_field(write_layout, minimal_layout):
    text = minimal_layout.replace('style = "masthead"', 'style = "mast"')
    with pytest.raises(LayoutValueError, match="mast") as info:
        load_layout(write_layout(text, "a.toml"))
    assert info.value.line == _line(text, 'style = "mast"')
    text = minimal_layout.replace("lines = 73", "lines = 73\nrows = 2")
    with pytest.raises(LayoutValueError, match="unknown field") as info:
        load_layout(write_layout(text, "b.toml"))
    assert info.value.line == _line(text, "rows = 2")


def test_missing_master_is_refused(write_layout, minimal_layout):
    text = minimal_layout[: minimal_layout.index("[masters.inner]")]
    with pytest.raises(LayoutValueError, match="inner"):
        load_layout(write_layout(text))


def test_wrong_types_name_the_line(write_layout, minimal_layout):
    text = minimal_layout.replace("columns = 5", 'columns = "5"')
    with pytest.raises(LayoutValueError, match="grid.columns") as info:
        load_layout(write_layout(text))
    assert info.value.line == _line(text, 'columns = "5"')


def test_invalid_toml_names_the_line(write_layout, minimal_layout):
    from xjeditor.layouts import LayoutFileError

    text = minimal_layout.replace("[grid]", "[grid")
    with pytest.raises(LayoutFileError) as info:
        load_layout(write_layout(text))
    assert info.value.line == _line(text, "[grid")
