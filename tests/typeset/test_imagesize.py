"""typeset.imagesize: the shown pixel size from the header, always Pillow's answer."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from xjeditor.fileformat import load_issue
from xjeditor.paths import seeds_dir
from xjeditor.typeset import imagesize
from xjeditor.typeset.imagesize import image_size_px


def pillow(data):
    return imagesize._with_pillow(data)


def make(fmt, size, orientation=None, **kw):
    im = Image.new("RGB", size, (200, 30, 30))
    buf = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kw["exif"] = exif.tobytes()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


@settings(max_examples=40)
@given(w=st.integers(1, 300), h=st.integers(1, 300), orientation=st.one_of(st.none(), st.integers(1, 8)),
       progressive=st.booleans())
def test_jpeg_sizes_and_orientations_match_pillow(w, h, orientation, progressive):
    data = make("JPEG", (w, h), orientation, progressive=progressive)
    assert image_size_px(data) == pillow(data)
    if orientation in (5, 6, 7, 8):
        assert image_size_px(data) == (h, w)


@pytest.mark.parametrize("orientation", [None, 1, 6, 8])
def test_png_matches_pillow_with_or_without_exif(orientation):
    data = make("PNG", (40, 25), orientation)
    assert image_size_px(data) == pillow(data)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "WEBP"])
def test_other_formats_are_read_by_pillow(fmt):
    data = make(fmt, (31, 17))
    assert image_size_px(data) == (31, 17)


def test_the_demo_photos_match_pillow():
    issue = load_issue(seeds_dir() / "demo.xjb")
    assert issue.images
    for asset in issue.images.values():
        assert image_size_px(asset.data) == pillow(asset.data)


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00", b"\x89PNG\r\n\x1a\n\x00",
                                  b"not an image at all", b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00"])
def test_broken_headers_give_pillows_answer(data):
    assert image_size_px(data) == pillow(data)


def test_a_truncated_jpeg_still_has_its_size_when_the_header_is_whole():
    data = make("JPEG", (120, 80), 6)
    assert image_size_px(data[: len(data) // 2]) == (80, 120)
