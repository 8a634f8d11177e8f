"""``xjeditor preflight``: check an issue file before it goes to the printing plant.

Prints one line per finding (severity, page, code, the message in Chinese and English)
or, with ``--json``, a JSON list. Exits 1 when there is an error, else 0; a file that
cannot be read exits 2 with one line.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("preflight", help="check an issue for print problems (exit 1 on errors)")
    p.add_argument("file", help="issue file (.xjb)")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..preflight import Severity, run_preflight
    from ..pipeline import typeset_issue
    from .common import CliError, json_text, open_issue, printable

    issue = open_issue(args.file)
    try:
        ts = typeset_issue(issue)
        findings = run_preflight(issue, ts)
    except (KeyError, ValueError, OSError) as exc:  # a style or font the issue names is unusable
        raise CliError(f"{args.file}: cannot typeset: {exc}") from None
    for d in ts.diagnostics:
        print(f"xjeditor: warning: {printable(d.text())}", file=sys.stderr)
    errors = sum(1 for f in findings if f.severity == Severity.ERROR)
    if args.json:
        print(json_text([f.to_dict() for f in findings], indent=1))
    else:
        for f in findings:
            print(printable(f.line()))
        warnings = sum(1 for f in findings if f.severity == Severity.WARNING)
        print(f"{errors} error(s), {warnings} warning(s), {len(findings) - errors - warnings} note(s) "
              f"| 错误 {errors}，警告 {warnings}，提示 {len(findings) - errors - warnings}")
    return 1 if errors else 0
