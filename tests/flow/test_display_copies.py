"""Display pages survive pickling and copies exactly (every field of every item,
GlyphRun's own __reduce__ included)."""

import copy
import pickle

from xjeditor.fileformat import load_issue
from xjeditor.model import CMYK
from xjeditor.paths import seeds_dir
from xjeditor.pipeline import typeset_issue
from xjeditor.typeset.display import DisplayPage, GlyphRun, dump


def test_display_pages_survive_pickling_and_copies_exactly():
    pages = typeset_issue(load_issue(seeds_dir() / "demo.xjb")).pages
    back = [pickle.loads(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in pages]
    assert back == pages and dump(back) == dump(pages)
    run = GlyphRun("hei", 12.5, 1.0, 2.0, "新泾", (0.0, 12.5), CMYK(0.1, 0.2, 0.3, 0.4), False, "s9")
    page = DisplayPage(100.0, 200.0, [run], bleed=8.5, number=3)
    for twin in (pickle.loads(pickle.dumps(page)), copy.deepcopy(page), copy.copy(run)):
        assert twin == page or twin == run
    assert pickle.loads(pickle.dumps(run)).overprint is False
