"""Every shipped layout makes a blank issue that exports, with its furniture in the PDF
text as the issue data says; the demo pages render to PNG for a person to look at."""

import datetime as dt

import pdfplumber
import pytest

from xjeditor.layouts import available_layouts, new_issue
from xjeditor.layouts.cnformat import cn_date
from xjeditor.pipeline import typeset_issue
from xjeditor.render.export import write_pdf


@pytest.mark.parametrize("name", [name for name, _ in available_layouts()])
def test_blank_issue_of_each_layout_exports_with_its_furniture(name, tmp_path):
    issue = new_issue(name, pages=4, number=152, total_number=1036, date=dt.date(2021, 1, 15))
    out = tmp_path / "blank.pdf"
    write_pdf(typeset_issue(issue), out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 4
        texts = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    date = cn_date(issue.date, weekday=True).replace(" ", "")
    assert issue.paper in texts[0] and "152" in texts[0]
    assert date in texts[0] or date in "".join(texts)
    for n, text in enumerate(texts[1:], 2):
        assert f"第{n}版" in text, (name, n, text[:80])
        assert issue.pages[n - 1].section in text
        assert "2021年1月15日" in text


def test_demo_pages_render_to_png(qapp, tmp_path):
    from xjeditor.fileformat import load_issue
    from xjeditor.paths import seeds_dir
    from xjeditor.pipeline import shared_registry
    from xjeditor.render.qt import QtPageRenderer, render_png

    issue = load_issue(seeds_dir() / "demo.xjb")
    ts = typeset_issue(issue)
    reg = shared_registry()
    renderer = QtPageRenderer(reg.path, issue.images)
    for i, page in enumerate(ts.pages, 1):
        img = render_png(page, tmp_path / f"demo-p{i}.png", dpi=40, fonts=reg.path, images=issue.images,
                         renderer=renderer)
        # a printed page: mostly white paper with plenty of ink on it
        dark = sum(1 for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)
                   if img.pixelColor(x, y).lightness() < 128)
        total = (img.width() // 4 + 1) * (img.height() // 4 + 1)
        assert 0.03 < dark / total < 0.6, (i, dark / total)
