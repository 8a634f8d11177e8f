"""Pictures for print: more than 8 bits a sample keeps its tones, huge pictures are
refused before they are decoded, large ones are decoded no bigger than the print needs."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

import pikepdf
import pytest
from PIL import Image

from xjeditor.model import ImageAsset, ImageFrame, Rect
from xjeditor.render import pdf_images
from xjeditor.render.pdf import render_pdf
from xjeditor.render.pdf_images import ImageError, ImageTooLarge, decode, prepare_image, separate
from xjeditor.typeset.display import DisplayPage, ImagePlacement


def encoded(im: Image.Image, fmt: str = "PNG", **save) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return out.getvalue()


def grey16_gradient(width: int = 256, height: int = 16) -> bytes:
    """A 16-bit greyscale PNG, black at the left to white at the right."""
    im = Image.new("I;16", (width, height))
    px = im.load()
    for x in range(width):
        v = round(x * 65535 / (width - 1))
        for y in range(height):
            px[x, y] = v
    data = encoded(im)
    assert Image.open(io.BytesIO(data)).mode.startswith("I")  # really 16 bits a sample
    return data


def png_header(width: int, height: int) -> bytes:
    """A PNG with that size in its header and no pixel data at all (a decoder would
    fail; a check of the header alone must refuse it before that)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def bmp_header(width: int, height: int) -> bytes:
    """A BMP of that size (no PNG or JPEG: the size comes from Pillow's reader)."""
    data = bytearray(encoded(Image.new("L", (1, 1)), "BMP"))
    struct.pack_into("<ii", data, 18, width, height)
    return bytes(data)


def pdf_image_samples(pdf: bytes) -> Image.Image:
    """The first image XObject of the PDF, decoded from its stream (a CMYK JPEG)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        (image,) = doc.pages[0].get_images().values()
        assert image.Filter == "/DCTDecode"
        im = Image.open(io.BytesIO(image.read_raw_bytes()))
        im.load()
    return im


def test_16_bit_greyscale_keeps_its_tones_in_the_pdf():
    asset = ImageAsset(grey16_gradient(), "image/png", "grey16.png")
    page = DisplayPage(300, 100, items=[ImagePlacement((10, 10, 256, 16), 10, 10, 256, 16, asset.key, "p1")])
    out = io.BytesIO()
    findings = render_pdf([page], out, fonts=lambda key: None, images={asset.key: asset}, pdfx=False)
    assert findings == []
    im = pdf_image_samples(out.getvalue())
    assert im.mode == "CMYK" and im.size == (256, 16)
    c, m, y, k = im.split()
    assert c.getextrema()[1] < 8 and m.getextrema()[1] < 8 and y.getextrema()[1] < 8  # black plate only
    row = [k.getpixel((x, 8)) for x in range(256)]
    assert row[0] > 245 and row[-1] < 10 and abs(row[128] - 127) < 12  # black, mid grey, white
    assert len(set(row)) > 150  # a gradient, not one tone
    assert all(b <= a + 6 for a, b in zip(row, row[1:], strict=False))  # lighter to the right


@pytest.mark.parametrize("mode,values,white", [
    ("I", [0, 32768, 65535], 255),  # 16-bit data in a 32-bit container
    ("I", [0, 500_000, 1_000_000], 255),  # beyond 16 bits: the largest value is white
    ("F", [0.0, 0.5, 1.0], 255),
], ids=["I-16-bit", "I-wide", "F"])
def test_wide_modes_are_scaled_by_their_range(mode, values, white):
    im = Image.new(mode, (3, 1))
    for x, v in enumerate(values):
        im.putpixel((x, 0), v)
    k = separate(im).split()[3]
    tones = [k.getpixel((x, 0)) for x in range(3)]
    assert tones[0] == 255 and abs(tones[1] - 127) <= 2 and tones[2] == 255 - white


def test_pictures_over_the_pixel_limit_are_refused_from_their_header(monkeypatch):
    assert pdf_images.MAX_PIXELS == 100_000_000
    samples = (png_header(13_000, 13_000),  # 169 megapixels (the 1.35 MB PNG of the report)
               png_header(10_001, 10_000),  # just over
               bmp_header(12_000, 12_000),  # over the limit, under Pillow's error
               bmp_header(40_000, 40_000))  # over Pillow's DecompressionBombError

    def no_decoding(self):
        raise AssertionError("a picture over the limit was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for data in samples:
        asset = ImageAsset(data, "image/png")
        with pytest.raises(ImageTooLarge) as info:
            prepare_image(asset, (0, 0, 100, 100), 0, 0, 100, 100, cache=False)
        message = str(info.value)
        assert "\n" not in message and "limit of 100 megapixels" in message
        assert isinstance(info.value, ImageError)
    assert "13000 x 13000 pixels (169 megapixels)" in str(
        pytest.raises(ImageTooLarge, decode, png_header(13_000, 13_000), 10, 10).value)


def test_the_cli_stops_at_a_picture_over_the_limit(tmp_path, capsys):
    from xjeditor.cli import main
    from xjeditor.fileformat import save_issue
    from xjeditor.layouts import new_issue

    issue = new_issue("chenbao-sikai", pages=4, date=dt.date(2021, 1, 15))
    key = issue.add_image(ImageAsset(png_header(13_000, 13_000), "image/png", "huge.png"))
    issue.pages[0].frames.append(ImageFrame("huge", Rect(30, 200, 80, 80), image=key))
    save_issue(issue, tmp_path / "huge.xjb")
    assert main(["export", str(tmp_path / "huge.xjb"), "-o", str(tmp_path / "huge.pdf")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("xjeditor: error: page 1: image huge.png of frame huge is too large: ")
    assert "limit of 100 megapixels" in err[0]
    assert not (tmp_path / "huge.pdf").exists()


def test_a_large_jpeg_is_decoded_at_a_draft_scale(monkeypatch):
    from PIL import JpegImagePlugin

    big = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    data = encoded(big, "JPEG", quality=70)
    decoded_sizes = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        out = load(self)
        decoded_sizes.append(self.size)
        return out

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    # placed one inch by 0.75: 300 x 225 pixels are needed, 1/8 scale gives 500 x 375
    p = prepare_image(ImageAsset(data, "image/jpeg"), (0, 0, 72, 54), 0, 0, 72, 54, cache=False)
    assert set(decoded_sizes) == {(500, 375)}  # 1/64 of the pixels
    assert (p.width_px, p.height_px) == (300, 225)


def test_a_large_png_is_reduced_before_anything_else():
    big = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    im = decode(encoded(big), 300, 225)
    assert im.size == (308, 231)  # reduced by 13 (edges rounded up): still what the print needs
    assert im.mode == "RGB"


def test_preflight_reports_a_picture_over_the_limit_without_decoding_it():
    from xjeditor.preflight.checks import _image_facts

    facts = _image_facts(png_header(13_000, 13_000))
    assert "limit of 100 megapixels" in facts.error
