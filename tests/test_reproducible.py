"""PDFs carry the time of their export; SOURCE_DATE_EPOCH makes them reproducible.

tests/conftest.py sets SOURCE_DATE_EPOCH for the whole session; the tests here that need
the real time remove it.
"""

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pikepdf
import pytest

from xjeditor.fileformat import load_issue
from xjeditor.paths import seeds_dir
from xjeditor.pipeline import typeset_issue
from xjeditor.render.export import write_pdf
from xjeditor.render.pdfx import document_time

DEMO = seeds_dir() / "demo.xjb"


@pytest.fixture(scope="module")
def demo():
    issue = load_issue(DEMO)
    return issue, typeset_issue(issue)


def _export(demo, path):
    issue, ts = demo
    write_pdf(ts, path)
    return path.read_bytes()


def _dates(path):
    """The Info CreationDate and ModDate and the XMP CreateDate, as datetimes."""
    with pikepdf.open(path) as pdf:
        info = [str(pdf.docinfo.CreationDate), str(pdf.docinfo.ModDate)]
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        doc_id = bytes(pdf.trailer.ID[0])
    dates = []
    for text in info:
        m = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'", text)
        assert m, text
        offset = timedelta(hours=int(m[3]), minutes=int(m[4])) * (-1 if m[2] == "-" else 1)
        dates.append(datetime.strptime(m[1], "%Y%m%d%H%M%S").replace(tzinfo=timezone(offset)))
    create = re.search(r"<xmp:CreateDate>(.*?)</xmp:CreateDate>", xmp)[1]
    dates.append(datetime.fromisoformat(create))
    return dates, doc_id


def test_with_source_date_epoch_two_exports_are_byte_identical(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1610668800")
    first = _export(demo, tmp_path / "a.pdf")
    second = _export(demo, tmp_path / "b.pdf")
    assert first == second
    dates, doc_id = _dates(tmp_path / "a.pdf")
    assert dates == [datetime(2021, 1, 15, tzinfo=timezone.utc)] * 3
    # another date: the same content, another document ID
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1610668801")
    _export(demo, tmp_path / "c.pdf")
    other_dates, other_id = _dates(tmp_path / "c.pdf")
    assert other_dates == [datetime(2021, 1, 15, 0, 0, 1, tzinfo=timezone.utc)] * 3
    assert other_id != doc_id


def test_without_source_date_epoch_the_pdf_states_the_time_of_export(demo, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    _export(demo, tmp_path / "now.pdf")
    after = datetime.now(timezone.utc)
    dates, _ = _dates(tmp_path / "now.pdf")
    assert len(set(dates)) == 1  # Info and XMP agree
    assert before - timedelta(seconds=1) <= dates[0] <= after + timedelta(seconds=1)


@pytest.mark.parametrize("value", ["", "soon", "-5", "1e9", "²", "99999999999999"])
def test_an_unusable_source_date_epoch_is_ignored(value, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    stamp = document_time()
    assert abs(stamp.t - datetime.now(timezone.utc).timestamp()) < 60


@pytest.mark.slow
def test_demo_export_is_identical_with_caching_off_cold_and_warm(tmp_path):
    """The issue's acceptance: the demo's PDF is the same bytes with the image cache off,
    with an empty cache and with a filled one (each export its own process)."""
    outputs = []
    cache = tmp_path / "cache"
    for name, cache_dir in (("off", ""), ("cold", str(cache)), ("warm", str(cache))):
        out = tmp_path / f"{name}.pdf"
        env = {**os.environ, "XJEDITOR_CACHE_DIR": cache_dir, "SOURCE_DATE_EPOCH": "1610668800"}
        subprocess.run([sys.executable, "-m", "xjeditor", "export", str(DEMO), "-o", str(out)],
                       env=env, check=True, capture_output=True)
        outputs.append(out.read_bytes())
        if name == "cold":
            assert any(p.is_file() for p in cache.rglob("*")), "the cold export filled the cache"
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].startswith(b"%PDF-1.4")
