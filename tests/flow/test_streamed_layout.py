"""``layout_issue(..., on_page=...)``: each page handed over as soon as it is complete, in
page order, with exactly the items (and order) of a layout made all at once."""

import copy

from xjeditor.fileformat import load_issue
from xjeditor.paths import seeds_dir
from xjeditor.render.export import typeset_issue
from xjeditor.typeset.display import dump
from xjeditor.typeset.fonts import default_registry
from xjeditor.typeset.layout import layout_issue


def _demo():
    return typeset_issue(load_issue(seeds_dir() / "demo.xjb")).issue  # with its furniture


def test_pages_come_in_order_complete_and_identical():
    issue = _demo()
    fonts = default_registry()
    whole = layout_issue(copy.deepcopy(issue), fonts)
    handed = []
    snapshots = []

    def on_page(page):
        handed.append(page)
        snapshots.append(dump([page]))  # as it was when handed over

    streamed = layout_issue(copy.deepcopy(issue), fonts, on_page=on_page)
    assert [p.number for p in handed] == list(range(1, len(issue.pages) + 1))
    assert handed == streamed.pages
    assert snapshots == [dump([p]) for p in whole.pages]  # nothing added afterwards
    assert list(streamed.stories) == list(whole.stories)  # stories in issue order
    for sid, sl in whole.stories.items():
        assert streamed.stories[sid].copyfit == sl.copyfit


def test_a_page_waits_for_a_story_threaded_onto_it_from_a_later_page():
    issue = _demo()
    # Thread the last page's first text frame on into page 1's last one: page 1 can only
    # be handed over after that story (which starts on the last page) is set.
    from xjeditor.model import TextFrame

    last = [f for f in issue.pages[-1].frames if isinstance(f, TextFrame) and f.story and not f.next]
    first = [f for f in issue.pages[0].frames if isinstance(f, TextFrame) and not f.story]
    if not first:  # the demo's front page has no free frame: add one below the trim
        from xjeditor.model import Rect

        first = [TextFrame("spare", Rect(20, 300, 100, 40), columns=2, gutter=4.76)]
        issue.pages[0].frames.append(first[0])
    last[0].next = first[0].id
    last[0].rect.h = 30.0  # too short for the story: it runs on into page 1
    fonts = default_registry()
    whole = layout_issue(copy.deepcopy(issue), fonts)
    order = []
    streamed = layout_issue(copy.deepcopy(issue), fonts, on_page=lambda p: order.append(dump([p])))
    assert order == [dump([p]) for p in whole.pages]
    assert dump(streamed.pages) == dump(whole.pages)
    sid = last[0].story
    assert 0 in streamed.stories[sid].items  # the story did reach page 1


def test_display_pages_survive_the_pipe_and_copies_exactly():
    """What the typesetting process pickles is what the writer gets (every field of every
    item, GlyphRun's own __reduce__ included), and copies are equal too."""
    import pickle

    from xjeditor.model import CMYK
    from xjeditor.typeset.display import DisplayPage, GlyphRun

    issue = _demo()
    pages = layout_issue(issue, default_registry()).pages
    back = [pickle.loads(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in pages]
    assert back == pages and dump(back) == dump(pages)
    run = GlyphRun("hei", 12.5, 1.0, 2.0, "新泾", (0.0, 12.5), CMYK(0.1, 0.2, 0.3, 0.4), False, "s9")
    page = DisplayPage(100.0, 200.0, [run], bleed=8.5, number=3)
    for twin in (pickle.loads(pickle.dumps(page)), copy.deepcopy(page), copy.copy(run)):
        assert twin == page or twin == run
    assert pickle.loads(pickle.dumps(run)).overprint is False
