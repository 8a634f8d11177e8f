"""Layout templates: the jinja2 sandbox they run in, compiling them when a layout is
read, rendering them with an issue's data (errors name the layout file and line), and
the names a template can use (:func:`template_context`)."""

from __future__ import annotations

import threading
from pathlib import Path

from ..model import PageKind
from .cnformat import FILTERS
from .errors import LayoutTemplateError

TYPE_CHECKING = False
if TYPE_CHECKING:  # jinja2 is imported when a template is compiled or rendered
    from typing import Any

    import jinja2

    from ..model import Issue, Page
    from .layout import Layout

# --------------------------------------------------------------------------------------
# templates
# --------------------------------------------------------------------------------------


def make_environment() -> jinja2.Environment:
    """The jinja2 environment of layout templates: undefined names are errors, and the
    templates run sandboxed (``ImmutableSandboxedEnvironment``: no attributes starting
    with ``_``, no calls that change a value), since a layout is a file from elsewhere."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                        keep_trailing_newline=False)
    env.filters.update(FILTERS)
    env.globals.update(FILTERS)
    return env


_ENV_MADE: jinja2.Environment | None = None
_ENV_LOCK = threading.Lock()


def _env() -> jinja2.Environment:
    """The shared environment, made (and jinja2 imported) on first use."""
    global _ENV_MADE
    env = _ENV_MADE
    if env is None:
        with _ENV_LOCK:
            if _ENV_MADE is None:
                _ENV_MADE = make_environment()
            env = _ENV_MADE
    return env


def template_label(path: Path, table: str, key: str) -> str:
    """The name a template goes by in tracebacks: ``<file>#<table>.<key>``."""
    return f"{path}#{table}.{key}"


def compile_template(layout: Layout, table: str, key: str, source: str, *, expression: bool = False) -> None:
    if expression:
        source = "{{ (" + source + ") and 'yes' or '' }}"
    _build(layout, table, key, source, expression)
    layout.sources[(table, key)] = source


def _build(layout: Layout, table: str, key: str, source: str, expression: bool) -> Any:
    """Compile one template (``source`` as given to jinja2) into ``layout.templates``."""
    label = template_label(layout.path, table, key)
    env = _env()
    import jinja2

    try:
        code = env.compile(source, name=label, filename=label)
    except jinja2.TemplateSyntaxError as exc:
        line = layout.line_of(table, key, exc.lineno if not expression else None)
        raise LayoutTemplateError(
            f"{table}.{key}: template syntax error: {exc.message}",
            f"{table}.{key}：模板语法错误：{exc.message}",
            path=layout.path, line=line,
        ) from None
    template = env.template_class.from_code(env, code, env.make_globals(None))
    layout.templates[(table, key)] = template
    return template


def render_template(layout: Layout, table: str, key: str, context: dict[str, Any]) -> str:
    """Render one template; errors become :class:`LayoutTemplateError` with the line."""
    label = template_label(layout.path, table, key)
    template = layout.templates.get((table, key))
    if template is None:
        template = _build(layout, table, key, layout.sources[(table, key)], key == "when")
    try:
        text = template.render(context)
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is the layout's error
        import jinja2

        lineno = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == label:
                lineno = tb.tb_lineno
            tb = tb.tb_next
        is_expr = key == "when"
        line = layout.line_of(table, key, None if is_expr else (lineno or 1))
        if isinstance(exc, jinja2.UndefinedError):
            what, what_zh = f"undefined variable: {exc.message}", f"未定义的变量：{exc.message}"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            what, what_zh = f"not allowed in a layout template: {exc}", f"版式模板中不允许：{exc}"
        else:
            what, what_zh = f"{type(exc).__name__}: {exc}", f"{type(exc).__name__}：{exc}"
        raise LayoutTemplateError(f"{table}.{key}: {what}", f"{table}.{key}：{what_zh}",
                                  path=layout.path, line=line) from None
    return text


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def template_context(issue: Issue | dict[str, Any], page: Page | dict[str, Any], page_number: int,
                     page_count: int, layout: Layout) -> dict[str, Any]:
    """The names a furniture template can use (docs/LAYOUTS.md, "Template variables")."""
    kind = _get(page, "kind", PageKind.INNER)
    return {
        "paper": _get(issue, "paper", ""),
        "number": _get(issue, "number", 0),
        "total_number": _get(issue, "total_number", 0),
        "date": _get(issue, "date"),
        "sponsor": _get(issue, "sponsor", ""),
        "registration": _get(issue, "registration", ""),
        "address": _get(issue, "address", ""),
        "printer": _get(issue, "printer", ""),
        "editors": dict(_get(issue, "editors", {}) or {}),
        "layout": layout.name,
        "page": page_number,
        "pages": page_count,
        "section": _get(page, "section", ""),
        "page_editor": _get(page, "editor", ""),
        "kind": str(kind.value if isinstance(kind, PageKind) else kind),
        "is_first": page_number == 1,
        "is_last": page_number == page_count,
    }
