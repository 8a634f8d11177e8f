"""Typed errors of layout templates.

Every error carries an English ``message`` and a Chinese ``message_zh``, the layout file
``path`` and, when known, the 1-based ``line`` in that file. ``str(error)`` is
``"<file>:<line>: <message>"`` (or ``"<file>: <message>"``), one line.

Hierarchy::

    LayoutError
    ├── UnknownLayoutError     no layout of that name or file stem (lists the available ones)
    ├── LayoutFileError        the file cannot be read or is not valid TOML
    ├── LayoutValueError       a field is missing, of the wrong type, or out of range
    └── LayoutTemplateError    a jinja2 template has a syntax error or uses an undefined name
"""

from __future__ import annotations

import os

from ..errors import BilingualError


class LayoutError(BilingualError):
    """Base class of every error raised by :mod:`xjeditor.layouts`."""

    def __init__(self, message: str, message_zh: str = "", *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        super().__init__(" ".join(message.split()), " ".join((message_zh or message).split()),
                         path=os.fspath(path) if path is not None else None)
        self.line = line
        self.args = (self._where() + self.message,)

    def _where(self) -> str:
        if self.path is None:
            return ""
        name = os.path.basename(self.path)
        return f"{name}:{self.line}: " if self.line else f"{name}: "

    def __str__(self) -> str:
        return self._where() + self.message

    @property
    def text_zh(self) -> str:
        """The Chinese message with the file and line, for the GUI."""
        return self._where() + self.message_zh


class UnknownLayoutError(LayoutError):
    """No shipped or given layout has this name or file stem."""

    def __init__(self, name: str, available: list[str]) -> None:
        listed = ", ".join(available) if available else "(none)"
        super().__init__(
            f"unknown layout {name!r}; available layouts: {listed}",
            f"未知版式 {name!r}；可用版式：{listed}",
        )
        self.name = name
        self.available = list(available)


class LayoutFileError(LayoutError):
    """The layout file cannot be read or is not valid TOML."""


class LayoutValueError(LayoutError):
    """A field of the layout is missing, has the wrong type or is out of range."""


class LayoutTemplateError(LayoutError):
    """A furniture template has a syntax error or uses an undefined variable."""
