"""Layout templates (data files in ``layouts/``) and page furniture from jinja2 templates.

Public API (docs/LAYOUTS.md)::

    load_layout(name_or_stem) -> Layout                 # bundled, then the user's
                                                        # raises UnknownLayoutError, LayoutError
    available_layouts() -> [(name, path)]               # the user's folder: user_layouts_dir()
    validate_layout(layout) -> [LayoutError]            # empty when sound
    furniture(issue, page_index, layout=None) -> (frames, stories)   # ids start with "_"
    issue_with_furniture(issue, layout=None) -> Issue   # a copy with every page's furniture
    new_issue(layout, pages=4, number=1, total_number=0, date=None, paper=None) -> Issue
    add_page(issue, layout, master, section="", editor="") -> Page

Modules, in the order a layout is used: ``layout`` (the data classes: grid, elements,
masters, the layout and its style sheet), ``fields`` (positions and typed values of the
TOML), ``parse`` (a file into a ``Layout``), ``templates`` (the jinja2 sandbox, compiling
and rendering, the template variables), ``validate`` (the house rules), ``find``
(layouts by name, bundled then the user's folder), ``furniture``, ``newissue``; errors in
``errors``. Chinese dates and numbers for templates are in :mod:`xjeditor.layouts.cnformat`.
"""

from .cnformat import banci, cn_date, cn_digits, cn_numeral, cn_weekday, qihao, zong_qihao
from .errors import LayoutError, LayoutFileError, LayoutTemplateError, LayoutValueError, UnknownLayoutError
from .find import available_layouts, layout_files, layout_folders, load_layout, load_layout_file, user_layouts_dir
from .furniture import FURNITURE_PREFIX, furniture, issue_with_furniture, template_context
from .layout import LIVE_MARGIN_MM, BaseGrid, Element, Layout, Master, resolve_length
from .newissue import PageCountWarning, add_page, new_issue, page_count_warning
from .validate import validate_layout

__all__ = [
    "LIVE_MARGIN_MM",
    "FURNITURE_PREFIX",
    "BaseGrid",
    "Element",
    "Layout",
    "Master",
    "LayoutError",
    "LayoutFileError",
    "LayoutTemplateError",
    "LayoutValueError",
    "UnknownLayoutError",
    "PageCountWarning",
    "available_layouts",
    "layout_files",
    "layout_folders",
    "user_layouts_dir",
    "load_layout",
    "load_layout_file",
    "resolve_length",
    "validate_layout",
    "furniture",
    "issue_with_furniture",
    "template_context",
    "new_issue",
    "add_page",
    "page_count_warning",
    "banci",
    "cn_date",
    "cn_digits",
    "cn_numeral",
    "cn_weekday",
    "qihao",
    "zong_qihao",
]
