"""``xjeditor typeset``: compose plain-text paragraphs at a measure and print the lines.

One paragraph per input line (blank lines ignored). Prints the composed lines, one per
output line, with a blank line between paragraphs; ``--json`` prints widths and flags.
"""

from __future__ import annotations

import argparse
import sys

from ..model.units import mm_to_pt
from .common import CliError, json_text, printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PUNCT_CHOICES = ("house", "gb", "full", "kaiming", "banjiao")


def register(sub: Any) -> None:
    p = sub.add_parser("typeset", help="compose paragraphs into lines (避头尾, punctuation, justification)",
                       description="Compose plain-text paragraphs (one per line) at a measure "
                                   "and print the composed lines.")
    p.add_argument("file", nargs="?", default="-", help="UTF-8 text file, or - for stdin (default)")
    p.add_argument("--width", type=float, required=True, help="measure, in em of --size (or mm)")
    p.add_argument("--unit", choices=("em", "mm"), default="em", help="unit of --width (default em)")
    p.add_argument("--size", type=float, default=9.0, help="type size in points (default 9, 小五)")
    p.add_argument("--indent", type=float, default=2.0, help="first-line indent in em (default 2)")
    p.add_argument("--punct", choices=PUNCT_CHOICES, default="house",
                   help="punctuation style (default house)")
    p.add_argument("--kinsoku", choices=("none", "basic", "gb", "strict"), default="gb",
                   help="避头尾 strictness (default gb)")
    p.add_argument("--json", action="store_true", help="print JSON with widths and flags")
    p.set_defaults(func=run)


def _metrics() -> Any:
    try:
        from ..typeset import fonts
    except ImportError:
        fonts = None
    if fonts is not None and hasattr(fonts, "default_registry"):
        try:
            m = fonts.default_registry().metrics("song")
            m.advance("中")
            return m
        except Exception as exc:  # a missing or unreadable font file
            print(f"xjeditor: note: body font unavailable ({exc}); using synthetic metrics",
                  file=sys.stderr)
    else:
        print("xjeditor: note: no font registry; using synthetic metrics", file=sys.stderr)
    from ..typeset.metrics import SyntheticMetrics
    return SyntheticMetrics()


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from ..typeset.compose import ComposeOptions, Run, compose_paragraph

    if not args.size > 0:
        raise CliError("--size must be a positive number of points")
    if not args.width > 0:
        raise CliError("--width must be positive")
    if args.indent < 0:
        raise CliError("--indent must not be negative")
    measure = mm_to_pt(args.width) if args.unit == "mm" else args.width * args.size
    if measure < args.size:
        raise CliError(f"--width is narrower than one character ({measure:.2f} pt < {args.size:g} pt)")
    text = _read(args.file)
    metrics = _metrics()
    opts = ComposeOptions(punct=args.punct, kinsoku=args.kinsoku, indent=args.indent)
    paras = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            paras.append(compose_paragraph((Run(line, "song", args.size, metrics),), measure, opts))
    if args.json:
        out = {"paragraphs": [{"lines": [{"text": ln.text, "natural_width": round(ln.natural_width, 3),
                                          "width": round(ln.width, 3), "loose": ln.loose}
                                         for ln in p.lines],
                               "orphan": p.orphan} for p in paras],
               "measure": round(measure, 3)}
        print(json_text(out, indent=1))
    else:
        print("\n\n".join("\n".join(printable(ln.text) for ln in p.lines) for p in paras))
    return 0
