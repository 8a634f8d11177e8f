"""Reading a layout file: TOML into a :class:`~.layout.Layout`, every length resolved to
millimetres and every template compiled; a problem raises a
:class:`~.errors.LayoutError` naming the file and, where it can be found, the line."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import PageKind, PartKind
from .errors import LayoutFileError
from .fields import FieldReader
from .layout import MAX_BLEED_MM, BaseGrid, Element, Layout, Master, resolve_length
from .templates import compile_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


_PSTYLE_FIELDS = ("based_on", "label", "font", "size", "line_gap", "indent", "align", "punct", "kinsoku",
                  "han_latin_space", "tracking", "color", "space_before", "space_after", "max_lines")
_CSTYLE_FIELDS = ("label", "font", "size", "color")
_ELEMENT_FIELDS = {
    "text": ("kind", "id", "label", "x", "y", "w", "h", "style", "part", "text", "line_step", "when",
             "columns", "gutter", "headline_columns", "vertical_rule"),
    "rule": ("kind", "id", "label", "x1", "y1", "x2", "y2", "width", "color", "when"),
    "box": ("kind", "id", "label", "x", "y", "w", "h", "stroke", "color", "fill", "when"),
    "image": ("kind", "id", "label", "x", "y", "w", "h", "when"),
}



def text_of(data: bytes) -> str:
    """A file's bytes as ``read_text(encoding="utf-8")`` gives them: UTF-8 with universal
    newlines. Raises UnicodeDecodeError."""
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_layout(path: Path, text: str | None = None) -> Layout:
    """Parse a layout file (or its ``text``, already read); every template is compiled."""
    import tomllib

    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise LayoutFileError(f"cannot read the layout file: {reason}", f"无法读取版式文件：{reason}",
                                  path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        raise LayoutFileError(f"not valid TOML: {exc}", f"不是有效的 TOML：{exc}", path=path,
                              line=int(m.group(1)) if m else None) from None
    rd = FieldReader(path, text)
    rd.known(data, "", ("name", "description", "sections", "paper", "page", "margins", "grid", "styles",
                        "character_styles", "masters"))
    layout = Layout(name=rd.string(data, "", "name"), path=path, _locator=rd.locator)
    if not layout.name.strip():
        raise rd.fail("", "name", "must not be empty", "不能为空")
    layout.description = rd.string(data, "", "description", "")
    sections = data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise rd.fail("", "sections", "expected a list of section names", "应为版名列表")
    layout.sections = list(sections)

    paper = rd.table(data, "", "paper", required=False)
    rd.known(paper, "paper", ("name", "sponsor", "registration", "address", "printer", "editors"))
    layout.paper = {key: rd.string(paper, "paper", key, "") for key in
                    ("name", "sponsor", "registration", "address", "printer")}
    editors = rd.table(paper, "paper", "editors", required=False)
    layout.editors = {role: rd.string(editors, "paper.editors", role) for role in editors}

    page = rd.table(data, "", "page")
    rd.known(page, "page", ("width", "height", "bleed"))
    layout.page_width = rd.number(page, "page", "width", minimum=50.0, maximum=2000.0)
    layout.page_height = rd.number(page, "page", "height", minimum=50.0, maximum=2000.0)
    layout.bleed = rd.number(page, "page", "bleed", 0.0, minimum=0.0, maximum=MAX_BLEED_MM)

    g = rd.table(data, "", "grid")
    rd.known(g, "grid", ("body_size", "line_gap", "columns", "column_chars", "gutter", "lines"))
    layout.grid = BaseGrid(
        rd.size(g, "grid", "body_size"),
        rd.number(g, "grid", "line_gap", 0.5, minimum=0.0, maximum=3.0),
        rd.integer(g, "grid", "columns", minimum=1, maximum=30),
        rd.integer(g, "grid", "column_chars", minimum=1, maximum=200),
        rd.number(g, "grid", "gutter", 1.0, minimum=0.0, maximum=10.0),
        rd.integer(g, "grid", "lines", minimum=1, maximum=1000),
    )

    margins = rd.table(data, "", "margins")
    rd.known(margins, "margins", ("top", "left"))
    layout.margin_top = rd.number(margins, "margins", "top", minimum=0.0, maximum=layout.page_height)
    if "left" in margins:
        layout.margin_left = rd.number(margins, "margins", "left", minimum=0.0, maximum=layout.page_width)
    else:  # centred
        layout.margin_left = round((layout.page_width - layout.grid.width) / 2.0, 4)

    _read_styles(rd, layout, data)
    _read_masters(rd, layout, data)
    return layout


def _read_styles(rd: FieldReader, layout: Layout, data: dict[str, Any]) -> None:
    """The style overrides, kept raw: the style sheet is made from them when first asked for."""
    styles = rd.table(data, "", "styles", required=False)
    for name, spec in styles.items():
        if not isinstance(spec, dict):
            raise rd.fail("styles", name, "expected a table", "应为表")
        rd.known(spec, f"styles.{name}", _PSTYLE_FIELDS)
        layout.paragraph_styles[name] = spec
    cstyles = rd.table(data, "", "character_styles", required=False)
    for name, spec in cstyles.items():
        if not isinstance(spec, dict):
            raise rd.fail("character_styles", name, "expected a table", "应为表")
        rd.known(spec, f"character_styles.{name}", _CSTYLE_FIELDS)
        layout.character_styles[name] = spec


def _read_masters(rd: FieldReader, layout: Layout, data: dict[str, Any]) -> None:
    """The masters with their furniture elements and default frames."""
    masters = rd.table(data, "", "masters")
    for name, spec in masters.items():
        table = f"masters.{name}"
        if not isinstance(spec, dict):
            raise rd.fail("masters", name, "expected a table", "应为表")
        rd.known(spec, table, ("kind", "label", "elements", "frames"))
        kind_default = name if name in tuple(k.value for k in PageKind) else None
        kind = rd.choice(spec, table, "kind", tuple(k.value for k in PageKind), kind_default or "")
        master = Master(name, PageKind(kind), rd.string(spec, table, "label", ""))
        for key, target in (("elements", master.elements), ("frames", master.frames)):
            entries = spec.get(key, [])
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise rd.fail(table, key, "expected an array of tables ([[...]])", "应为表数组（[[...]]）")
            seen: dict[str, Element] = {}
            for i, entry in enumerate(entries):
                el = _element(rd, layout, f"{table}.{key}[{i}]", entry, furniture=key == "elements")
                other = seen.get(el.id)
                # two variants of one element (say the folio of even and of odd pages) may
                # share an id when both have a condition
                if other is not None and not (el.when and other.when and key == "elements"):
                    raise rd.fail(el.table, "id", f"duplicate id {el.id!r}", f"id {el.id!r} 重复")
                seen[el.id] = el
                target.append(el)
        layout.masters[name] = master


def _element(rd: FieldReader, layout: Layout, table: str, entry: dict[str, Any], *, furniture: bool) -> Element:
    kind = rd.choice(entry, table, "kind", tuple(_ELEMENT_FIELDS), "text")
    if not furniture and kind == "text" and ("text" in entry or "style" in entry):
        raise rd.fail(table, "text", "default frames hold no text (furniture goes in [[...elements]])",
                      "默认框不含文字（报头、报眉等请写在 [[...elements]] 中）")
    rd.known(entry, table, _ELEMENT_FIELDS[kind])
    default_id = f"{kind}{table.rsplit('[', 1)[1].rstrip(']')}"
    el = Element(kind=kind, id=rd.string(entry, table, "id", default_id), table=table)
    if not _ID.fullmatch(el.id):
        raise rd.fail(table, "id", "expected letters, digits, '-' or '_' (not starting with '_' or '-')",
                      "只能由字母、数字、“-”、“_”组成（不能以“_”或“-”开头）")
    el.label = rd.string(entry, table, "label", "")
    grid = layout.grid
    tw, th = grid.width, grid.height

    def length(key: str, default: Any, full: float, start: float = 0.0) -> float:
        value = entry.get(key, default)
        if value is None:
            raise rd.fail(table, key, "missing", "缺少该字段")
        try:
            return round(resolve_length(value, grid, full, start), 4)
        except ValueError as exc:
            raise rd.fail(table, key, str(exc), f"无法识别的长度 {value!r}") from None

    if kind == "rule":
        el.x1 = length("x1", 0.0, tw)
        el.y1 = length("y1", None, th)
        el.x2 = length("x2", "full", tw)
        el.y2 = length("y2", entry.get("y1"), th)
        el.width = rd.number(entry, table, "width", 0.5, minimum=0.0, maximum=72.0)
        el.color = rd.color(entry, table, "color", None)
    else:
        el.x = length("x", 0.0, tw)
        el.y = length("y", 0.0, th)
        el.w = length("w", "rest", tw, el.x)
        el.h = length("h", "1 line" if furniture and kind == "text" else "rest", th, el.y)
        if el.w <= 0 or el.h <= 0:
            raise rd.fail(table, "w" if el.w <= 0 else "h", "the element has no area", "元素面积为零")
    if kind == "box":
        el.stroke = rd.number(entry, table, "stroke", 0.5, minimum=0.0, maximum=72.0)
        el.color = rd.color(entry, table, "color", None)
        el.fill = rd.color(entry, table, "fill", None)
    if kind == "text" and furniture:
        el.style = rd.string(entry, table, "style", "running-head")
        el.part = PartKind(rd.choice(entry, table, "part", (PartKind.PARAGRAPH.value, PartKind.TITLE.value),
                                     PartKind.PARAGRAPH.value))
        el.text = rd.string(entry, table, "text")
        el.line_step = length("line_step", "1 line", th)
        compile_template(layout, table, "text", el.text)
    elif kind == "text":
        el.columns = rd.integer(entry, table, "columns", grid.columns, minimum=1, maximum=99)
        el.gutter = round(rd.number(entry, table, "gutter", grid.gutter_em, minimum=0.0, maximum=10.0) * grid.em, 4)
        el.headline_columns = rd.integer(entry, table, "headline_columns", 0, minimum=0, maximum=el.columns)
        el.vertical_rule = rd.boolean(entry, table, "vertical_rule", False)
    elif furniture and kind == "image":
        raise rd.fail(table, "kind", "image frames can only be default frames, not furniture",
                      "图片框只能作为默认框，不能作为版面固定元素")
    if "when" in entry:
        el.when = rd.string(entry, table, "when")
        compile_template(layout, table, "when", el.when, expression=True)
    return el
