"""Pictures prepared in worker processes and written to the PDF one at a time.

``pdf_images.prepare_images`` prepares several cache misses in spawned worker processes
that leave each JPEG in a file (the cache folder, or a temporary one when caching is
off); the PDF writer reads each JPEG only while it writes that image. The PDF must be
the one the serial path makes, and a picture that fails must fail the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib

import pytest
from PIL import Image

from xjeditor.model import ImageAsset, ImageFrame, Rect
from xjeditor.render import pdf_images

N_PICTURES = 6  # over PARALLEL_MIN_IMAGES


def photo(seed: int, size: tuple[int, int] = (360, 240)) -> bytes:
    """A small JPEG that compresses like a photo (noise over a gradient)."""
    rnd = random.Random(seed)
    w, h = size
    noise = Image.effect_noise((w, h), 40 + rnd.randrange(30)).convert("L")
    grad = Image.linear_gradient("L").resize((w, h)).rotate(rnd.randrange(360))
    im = Image.merge("RGB", (noise, grad, Image.blend(noise, grad, 0.5)))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG claiming that size, with no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IEND", b""))


def issue_with(pictures: list[tuple[bytes, str, str]]):
    """A 4-page issue with one image frame per picture (data, media type, name)."""
    from xjeditor.layouts import new_issue

    issue = new_issue("chenbao-sikai", pages=4, date=dt.date(2021, 1, 15))
    for i, (data, media_type, name) in enumerate(pictures):
        key = issue.add_image(ImageAsset(data, media_type, name))
        page = issue.pages[i % len(issue.pages)]
        page.frames.append(ImageFrame(f"pic{i}", Rect(20 + 40 * (i // 4), 150, 36, 30), image=key))
    return issue


def export_issue(issue, path):
    """Typeset the issue and write its PDF; returns the findings."""
    from xjeditor.pipeline import typeset_issue
    from xjeditor.render.export import write_pdf

    return write_pdf(typeset_issue(issue), path)


@pytest.fixture
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1610668800")


def serial(monkeypatch):
    monkeypatch.setattr(pdf_images, "PARALLEL_MIN_IMAGES", 10**9)


def export(issue, path, monkeypatch, cache) -> bytes:
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(cache) if cache else "")
    export_issue(issue, path)
    return path.read_bytes()


def test_the_parallel_path_gives_the_serial_pdf(tmp_path, monkeypatch, fixed_date):
    issue = issue_with([(photo(i), "image/jpeg", f"p{i}.jpg") for i in range(N_PICTURES)])
    parallel_nocache = export(issue, tmp_path / "a.pdf", monkeypatch, None)
    parallel_cold = export(issue, tmp_path / "b.pdf", monkeypatch, tmp_path / "cache")
    warm = export(issue, tmp_path / "c.pdf", monkeypatch, tmp_path / "cache")  # read from the cache's files
    with monkeypatch.context() as m:
        serial(m)
        serial_nocache = export(issue, tmp_path / "d.pdf", m, None)
    assert parallel_nocache.count(b"/Subtype /Image") == N_PICTURES
    assert parallel_nocache == serial_nocache
    assert parallel_cold == serial_nocache
    assert warm == serial_nocache


def test_the_workers_really_prepare_the_pictures(tmp_path, monkeypatch):
    """The jobs go to worker processes (not this one) and come back as files; without
    a cache folder, in a temporary folder that goes with the images."""
    import gc
    import os

    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    jobs = [(ImageAsset(photo(i), "image/jpeg"), (0, 0, 100, 80), 0, 0, 100, 80) for i in range(N_PICTURES)]

    def not_here(*args):
        raise AssertionError("prepared in the parent process")

    with monkeypatch.context() as m:
        m.setattr(pdf_images, "_make_jpeg", not_here)  # (spawned workers import their own)
        results = pdf_images.prepare_images(jobs)
    assert all(r.source is not None and r.jpeg == b"" for r in results)
    expected = [pdf_images.prepare_image(*job, cache=False) for job in jobs]
    assert [r.read_jpeg() for r in results] == [e.jpeg for e in expected]
    assert [(r.width_px, r.height_px, r.x, r.y, r.w, r.h) for r in results] == \
        [(e.width_px, e.height_px, e.x, e.y, e.w, e.h) for e in expected]
    folder = os.path.dirname(os.path.dirname(results[0].source.path))
    assert os.path.isdir(folder)
    del results
    gc.collect()
    assert not os.path.exists(folder)


def test_a_removed_entry_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))
    jobs = [(ImageAsset(photo(i), "image/jpeg"), (0, 0, 100, 80), 0, 0, 100, 80) for i in range(N_PICTURES)]
    results = pdf_images.prepare_images(jobs)
    for r in results:
        import os

        os.unlink(r.source.path)  # as another export's pruning might
    assert [r.read_jpeg() for r in results] == [pdf_images.prepare_image(*j, cache=False).jpeg for j in jobs]


def test_a_broken_picture_fails_alike_in_both_paths(tmp_path, monkeypatch):
    pictures = [(photo(i), "image/jpeg", f"p{i}.jpg") for i in range(N_PICTURES)]
    pictures[1] = (photo(1)[:400], "image/jpeg", "broken.jpg")  # cut short
    pictures[4] = (b"not a picture at all", "image/png", "junk.png")
    issue = issue_with(pictures)
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    parallel = [(f.code, f.en, f.zh) for f in export_issue(issue, tmp_path / "a.pdf")]
    serial(monkeypatch)
    assert parallel == [(f.code, f.en, f.zh) for f in export_issue(issue, tmp_path / "b.pdf")]
    unreadable = sorted(en for code, en, _ in parallel if code == "image-unreadable")
    assert len(unreadable) == 2
    assert unreadable[0] == ("page 1: image junk.png of frame pic4 cannot be read "
                             "(not an image format that can be read)")
    assert unreadable[1].startswith("page 2: image broken.jpg of frame pic1 cannot be read (")


@pytest.mark.parametrize("parallel", [True, False])
def test_the_cli_stops_at_a_picture_over_the_limit_in_a_worker(tmp_path, monkeypatch, capsys, parallel):
    from xjeditor.cli import main
    from xjeditor.fileformat import save_issue

    pictures = [(photo(i), "image/jpeg", f"p{i}.jpg") for i in range(N_PICTURES)]
    pictures[3] = (png_header(13_000, 13_000), "image/png", "huge.png")
    issue = issue_with(pictures)
    save_issue(issue, tmp_path / "huge.xjb")
    if not parallel:
        serial(monkeypatch)
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["export", str(tmp_path / "huge.xjb"), "-o", str(tmp_path / "huge.pdf")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["xjeditor: error: page 4: image huge.png of frame pic3 is too large: 13000 x 13000 pixels "
                   "(169 megapixels) is over the limit of 100 megapixels; scale the picture down"]
    assert not (tmp_path / "huge.pdf").exists()


def test_the_writer_holds_one_prepared_picture_at_a_time(tmp_path, monkeypatch):
    """Prepared JPEGs stay in their files until the writer writes each image, and each
    is let go before the next is read: memory does not grow with their number."""
    from xjeditor.render import pdf

    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    issue = issue_with([(photo(i), "image/jpeg", f"p{i}.jpg") for i in range(N_PICTURES)])
    streams = []
    original_stream = pdf.jpeg_stream

    def tracked_stream(dictionary, im):
        assert im.source is not None and im.jpeg == b""  # nothing prepared is held in memory
        s = original_stream(dictionary, im)
        streams.append(s)
        return s

    reads = []
    original_read = pdf_images.StoredJpeg.read

    def tracked_read(self):
        reads.append(sum(1 for s in streams if s.content))  # pictures held when the next one is read
        return original_read(self)

    monkeypatch.setattr(pdf, "jpeg_stream", tracked_stream)
    monkeypatch.setattr(pdf_images.StoredJpeg, "read", tracked_read)
    export_issue(issue, tmp_path / "out.pdf")
    assert len(streams) == N_PICTURES
    assert reads == [0] * N_PICTURES
    assert all(not s.content for s in streams)

    reads.clear()
    streams.clear()
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))
    export_issue(issue, tmp_path / "cold.pdf")
    export_issue(issue, tmp_path / "warm.pdf")  # cache hits: left in the cache's files too
    assert reads == [0] * (2 * N_PICTURES)


def test_parallel_export_inside_a_qt_application(tmp_path):
    """The editor exports from inside its Qt application: workers are spawned, never
    forked from a process running Qt's threads."""
    import os
    import subprocess
    import sys

    from xjeditor.fileformat import save_issue

    issue = issue_with([(photo(i), "image/jpeg", f"p{i}.jpg") for i in range(N_PICTURES)])
    save_issue(issue, tmp_path / "issue.xjb")
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from xjeditor.fileformat import load_issue\n"
        "from xjeditor.pipeline import typeset_issue\n"
        "from xjeditor.render.export import write_pdf\n"
        "write_pdf(typeset_issue(load_issue(sys.argv[1])), sys.argv[2])\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XJEDITOR_CACHE_DIR="")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "issue.xjb"), str(tmp_path / "out.pdf")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.pdf").read_bytes().count(b"/Subtype /Image") == N_PICTURES
