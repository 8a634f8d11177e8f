"""``write_document`` writes the bytes reportlab's ``getpdfdata`` gives, piece by piece."""

from __future__ import annotations

import io
import os

import pytest
import test_pdf as T

from xjeditor.paths import seeds_dir
from xjeditor.render import pdf as RP
from xjeditor.render import pdfwrite
from xjeditor.render.pdfx import OutputIntent, default_output_intent


@pytest.fixture(scope="module")
def resolver(cjk_fonts):
    return lambda key: cjk_fonts[key]


class _Pieces(io.BytesIO):
    """A file that keeps the size of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, b) -> int:
        self.sizes.append(len(b))
        return super().write(b)


def _both(pages, **kw) -> tuple[bytes, _Pieces, int]:
    """The same document drawn twice: once given by getpdfdata, once by write_document."""
    args = dict(images=None, title="t", bleed_mm=None, marks=False, pdfx=True, output_intent=None,
                progress=None, spreads=False, count=None)
    args.update(kw)
    canvas, _ = RP._draw_document(pages, **args)
    reference = canvas.getpdfdata()
    canvas, _ = RP._draw_document(pages, **args)
    out = _Pieces()
    n = pdfwrite.write_document(canvas, out)
    return reference, out, n


@pytest.mark.parametrize("big", [pdfwrite._BIG, 1])
def test_the_bytes_are_those_of_getpdfdata(resolver, monkeypatch, big):
    """With the size from which a stream's data is written apart lowered to 1 byte,
    every filtered stream goes that way (fonts, profile, pictures, page contents)."""
    monkeypatch.setattr(pdfwrite, "_BIG", big)
    intent = OutputIntent(profile=bytes(range(256)) * 200, condition_identifier="IFRA26",
                          condition="ISO newspaper 26v5")
    reference, out, n = _both(T.sample_pages(), fonts=resolver, images=T.IMAGES, output_intent=intent,
                              marks=True, bleed_mm=3)
    assert out.getvalue() == reference and n == len(reference)
    assert max(out.sizes) < len(reference) / 2  # written in pieces, not as one


def test_the_demo_issue_with_its_pictures(monkeypatch):
    """A real export: the pictures' JPEGs (tens of kilobytes each) are written as they
    are, each in a write of its own, and the file is the same."""
    from xjeditor.fileformat import load_issue
    from xjeditor.render.export import shared_registry, typeset_issue

    issue = load_issue(seeds_dir() / "demo.xjb")
    pages = typeset_issue(issue).pages
    reference, out, _ = _both(pages, fonts=shared_registry(), images=issue.images,
                              output_intent=default_output_intent())
    assert out.getvalue() == reference
    assert issue.images and len(out.sizes) > len(pages) * 5 and max(out.sizes) < len(reference) / 4


def test_a_document_it_cannot_write_in_pieces_goes_through_getpdfdata(resolver):
    """Not invariant (reportlab then adds comments and dates): the bytes getpdfdata gives."""
    canvas, _ = RP._draw_document(T.sample_pages()[1:], fonts=resolver, images=None, title="t", bleed_mm=None,
                                  marks=False, pdfx=False, output_intent=None, progress=None, spreads=False,
                                  count=None)
    canvas._doc.invariant = 0
    out = _Pieces()
    pdfwrite.write_document(canvas, out)
    assert len(out.sizes) == 1 and out.getvalue().startswith(b"%PDF-")


def test_a_new_file_gets_the_same_bytes_with_its_room_reserved(resolver, tmp_path, monkeypatch):
    """``write_document_file`` reserves the file's size (posix_fallocate) and then writes
    the same bytes; where reserving fails, the file is written all the same."""
    args = dict(fonts=resolver, images=T.IMAGES, title="t", bleed_mm=None, marks=False, pdfx=True,
                output_intent=None, progress=None, spreads=False, count=None)
    reference = RP._draw_document(T.sample_pages(), **args)[0].getpdfdata()
    reserved: list[int] = []
    real = getattr(os, "posix_fallocate", None)

    def fallocate(fd: int, offset: int, length: int) -> None:
        reserved.append(length)
        if len(reserved) > 1:
            raise OSError(95, "Operation not supported")
        if real is not None:
            real(fd, offset, length)

    monkeypatch.setattr(os, "posix_fallocate", fallocate, raising=False)
    for name in ("a.pdf", "b.pdf"):
        path = tmp_path / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            n = pdfwrite.write_document_file(RP._draw_document(T.sample_pages(), **args)[0], fd)
        finally:
            os.close(fd)
        assert path.read_bytes() == reference and n == len(reference)
    assert reserved == [len(reference)] * 2


def test_a_path_is_written_through_a_new_file_beside_it(resolver, tmp_path, monkeypatch):
    """``render_pdf`` to a path: a new file gets mode 0644, one written over keeps its
    mode, and no temporary file is left, also when writing fails (the old file stays)."""
    import stat

    target = tmp_path / "out.pdf"
    RP.render_pdf(T.sample_pages(), target, fonts=resolver, pdfx=False)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_bytes().startswith(b"%PDF-")
    os.chmod(target, 0o640)
    first = target.read_bytes()
    RP.render_pdf(T.sample_pages(), target, fonts=resolver, pdfx=False)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_bytes() == first

    def broken(canvas, fd):
        os.write(fd, b"%PDF-half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(RP, "write_document_file", broken)
    with pytest.raises(OSError):
        RP.render_pdf(T.sample_pages(), target, fonts=resolver, pdfx=False)
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
