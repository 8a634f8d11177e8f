"""``xjeditor new``: a blank issue file from a layout template.

    xjeditor new --layout 社区晨报-四开 --pages 4 --number 152 --date 2021-01-15 -o issue.xjb
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import warnings

from ..fileformat import IssueFileError, save_issue
from ..layouts import LayoutError, UnknownLayoutError, available_layouts, load_layout, new_issue, page_count_warning

DEFAULT_LAYOUT = "社区晨报-四开"


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new",
        help="create a blank issue file (.xjb) from a layout template",
        description="Create a blank issue from a layout: page 1 with the masthead, the other pages "
                    "with running heads, the layout's sections and styles.",
    )
    parser.add_argument("--layout", default=DEFAULT_LAYOUT,
                        help="layout name or file stem, bundled or in the user's layouts folder "
                             f"(default {DEFAULT_LAYOUT})")
    parser.add_argument("--pages", type=_count(1), default=4,
                        help="number of pages (default 4; R42 wants a multiple of 4)")
    parser.add_argument("--number", type=_count(0), default=1, help="issue number, 第N期 (default 1)")
    parser.add_argument("--total-number", type=_count(0), default=0,
                        help="running total, 总第N期 (default 0: not printed)")
    parser.add_argument("--date", type=_date, default=None, help="issue date as YYYY-MM-DD (default today)")
    parser.add_argument("--paper", default=None, help="paper name (default: the layout's)")
    parser.add_argument("-o", "--output", metavar="FILE.xjb", help="the issue file to write")
    parser.add_argument("--force", action="store_true", help="overwrite FILE.xjb if it exists")
    parser.add_argument("--list-layouts", action="store_true", help="list the available layouts and exit")
    parser.set_defaults(func=run)


def _layout_list() -> str:
    names = [name for name, _ in available_layouts()]
    return ", ".join(names) if names else "(none)"


def run(args: argparse.Namespace) -> int:
    from .common import CliError

    if args.list_layouts:
        for name, path in available_layouts():
            layout = load_layout(path)
            sys.stdout.write(f"{name}\t{path.stem}\t{layout.page_width:g} × {layout.page_height:g} mm\t"
                             f"{layout.description}\n")
        return 0
    if not args.output:
        raise CliError("the output file is missing: give -o FILE.xjb")
    if os.path.exists(args.output) and not args.force:
        raise CliError(f"{args.output} already exists (use --force to overwrite it)")
    try:
        layout = load_layout(args.layout)
    except UnknownLayoutError:
        raise CliError(f"unknown layout {args.layout!r}; available layouts: {_layout_list()}") from None
    except LayoutError as exc:
        raise CliError(str(exc)) from None
    if args.paper is not None and not args.paper.strip():
        raise CliError("--paper must not be empty")
    warning = page_count_warning(args.pages)
    if warning:
        print(f"xjeditor: warning: {warning}", file=sys.stderr)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the page-count warning is printed above, once
            issue = new_issue(layout, pages=args.pages, number=args.number, total_number=args.total_number,
                              date=args.date, paper=args.paper.strip() if args.paper else None)
    except LayoutError as exc:
        raise CliError(str(exc)) from None
    try:
        save_issue(issue, args.output)
    except IssueFileError as exc:
        raise CliError(f"{args.output}: {' '.join(exc.message.split())}") from None
    print(f"wrote {args.output}: {issue.paper} 第{issue.number}期, {len(issue.pages)} pages, "
          f"layout {layout.name}")
    return 0
