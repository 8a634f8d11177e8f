"""Whole pages as text: the display list of the sample issue against a committed dump.

A change in composition or flow shows up here as a readable diff of positions. When the
change is intended, regenerate with ``XJ_UPDATE_EXPECTED=1 pytest tests/flow`` and review
the diff before committing it.
"""

import difflib
import os
from pathlib import Path

from xjeditor.fileformat import load_issue
from xjeditor.paths import seeds_dir
from xjeditor.typeset.display import dump
from xjeditor.typeset.fonts import default_registry
from xjeditor.typeset.layout import layout_issue

EXPECTED = Path(__file__).parent / "expected" / "sample.dump"


def test_sample_issue_dump_matches_expectation():
    issue = load_issue(seeds_dir() / "sample.xjb")
    got = dump(layout_issue(issue, default_registry()).pages)
    if os.environ.get("XJ_UPDATE_EXPECTED"):
        EXPECTED.write_text(got, encoding="utf-8")
    want = EXPECTED.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                 "expected", "got", n=1))[:60])
        raise AssertionError("display list changed; if intended, rerun with XJ_UPDATE_EXPECTED=1:\n" + diff)
