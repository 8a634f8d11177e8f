"""Reading a layout file's TOML: where each table and key is in the text (tomllib keeps
no positions), and typed access to the parsed values with errors that name file, line
and field."""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..model import CMYK, zihao_to_pt
from .errors import LayoutValueError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# --------------------------------------------------------------------------------------
# where things are in the file (tomllib keeps no positions)
# --------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$""")


class Locator:
    """Maps (table path, key) to 1-based line numbers of a TOML file's text.

    Table paths are written as the loader names them: ``grid``, ``styles.masthead``,
    ``masters.front.elements[2]`` (array-of-tables entries counted from 0). Keys given as
    dotted keys or inside inline tables are not located; callers then fall back to the
    table's header line or to no line at all.
    """

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str, str], tuple[int, int]] = {}  # -> (line, first value line offset)
        counts: dict[str, int] = {}
        table = ""
        lines = text.splitlines()
        i = 0
        while i < len(lines):
            raw = lines[i]
            m = _HEADER.match(raw)
            if m and not raw.lstrip().startswith("#"):
                name = ".".join(part.strip().strip("\"'") for part in m.group(2).split("."))
                if m.group(1) == "[[":
                    n = counts.get(name, 0)
                    counts[name] = n + 1
                    table = f"{name}[{n}]"
                else:
                    table = name
                self.tables.setdefault(table, i + 1)
                i += 1
                continue
            k = _KEY.match(raw)
            if k:
                key = k.group(1).strip("\"'")
                value = k.group(2)
                offset = 0
                for quote in ('"""', "'''"):
                    if value.startswith(quote):
                        rest = value[3:]
                        if rest.strip() == "":
                            offset = 1  # TOML drops the newline right after the opening quotes
                        if quote not in rest:  # runs on: skip to the closing quotes
                            j = i + 1
                            while j < len(lines) and quote not in lines[j]:
                                j += 1
                            self.keys.setdefault((table, key), (i + 1, offset))
                            i = j + 1
                            break
                else:
                    self.keys.setdefault((table, key), (i + 1, offset))
                    i += 1
                    continue
                continue
            i += 1

    def line(self, table: str, key: str | None = None) -> int | None:
        if key is not None and (table, key) in self.keys:
            return self.keys[(table, key)][0]
        return self.tables.get(table)

    def value_line(self, table: str, key: str, line_in_value: int) -> int | None:
        """The file line of line ``line_in_value`` (1-based) of a string value."""
        found = self.keys.get((table, key))
        if found is None:
            return self.tables.get(table)
        return found[0] + found[1] + max(0, line_in_value - 1)


class FieldReader:
    """Typed access to the parsed TOML with errors that name file, line and field."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.locator = Locator(text)

    def fail(self, table: str, key: str | None, message: str, message_zh: str) -> LayoutValueError:
        where = f"{table}.{key}" if table and key else (table or key or "")
        return LayoutValueError(f"{where}: {message}" if where else message,
                                f"{where}：{message_zh}" if where else message_zh,
                                path=self.path, line=self.locator.line(table, key))

    def table(self, data: dict[str, Any], table: str, key: str, *, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            name = f"{table}.{key}" if table else key
            raise self.fail("", name, "missing table" if value is None else "expected a table",
                            "缺少该表" if value is None else "应为表")
        return value

    def known(self, data: dict[str, Any], table: str, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(table, key, f"unknown field (known: {', '.join(allowed)})",
                                f"未知字段（可用字段：{', '.join(allowed)}）")

    def string(self, data: dict[str, Any], table: str, key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(table, key, "missing" if value is None else "expected a string",
                            "缺少该字段" if value is None else "应为字符串")
        return value

    def number(self, data: dict[str, Any], table: str, key: str, default: float | None = None, *,
               minimum: float | None = None, maximum: float | None = None) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(table, key, "missing" if value is None else "expected a number",
                            "缺少该字段" if value is None else "应为数字")
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            raise self.fail(table, key, f"{value:g} is outside {minimum:g}..{maximum:g}" if maximum is not None
                            else f"{value:g} is below {minimum:g}",
                            f"{value:g} 超出范围 {minimum:g}..{maximum:g}" if maximum is not None
                            else f"{value:g} 小于 {minimum:g}")
        return float(value)

    def integer(self, data: dict[str, Any], table: str, key: str, default: int | None = None, *,
                minimum: int = 0, maximum: int = 10**6) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(table, key, "missing" if value is None else "expected a whole number",
                            "缺少该字段" if value is None else "应为整数")
        if not minimum <= value <= maximum:
            raise self.fail(table, key, f"{value} is outside {minimum}..{maximum}",
                            f"{value} 超出范围 {minimum}..{maximum}")
        return value

    def boolean(self, data: dict[str, Any], table: str, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(table, key, "expected true or false", "应为 true 或 false")
        return value

    def size(self, data: dict[str, Any], table: str, key: str, default: float | None = None) -> float:
        """A type size: points, or a 号 name such as ``"小五"``."""
        value = data.get(key, default)
        if isinstance(value, str):
            try:
                return zihao_to_pt(value.strip())
            except KeyError:
                raise self.fail(table, key, f"unknown 字号 {value!r}", f"未知字号 {value!r}") from None
        return self.number(data, table, key, default, minimum=1.0, maximum=1000.0)

    def color(self, data: dict[str, Any], table: str, key: str, default: CMYK | None) -> CMYK | None:
        value = data.get(key)
        if value is None:
            return default
        if (not isinstance(value, list) or len(value) != 4
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
            raise self.fail(table, key, "expected [c, m, y, k] with each channel 0..1",
                            "应为 [c, m, y, k]，各通道取值 0..1")
        try:
            return CMYK(*(float(v) for v in value))
        except ValueError as exc:
            raise self.fail(table, key, str(exc), f"颜色通道超出 0..1：{value}") from None

    def choice(self, data: dict[str, Any], table: str, key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        if value not in options:
            raise self.fail(table, key, f"expected one of {', '.join(options)}", f"应为以下之一：{', '.join(options)}")
        return value


# --------------------------------------------------------------------------------------
# lengths: "16 lines", "3 cols + 1 gutter", "rest - 2 mm", 12.5 (mm)
