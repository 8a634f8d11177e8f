"""Pictures on screen as the PDF prints them: oriented by their EXIF tag, more than 8 bits
a sample scaled to 8 by range, JPEG-compressed TIFFs read, transparency on white, and a
picture added to the issue after the renderer was made (a new, never-saved issue) shown."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from screen_pdf import to_pil

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 160, 30), (30, 30, 220), (240, 220, 40)
UPRIGHT_W, UPRIGHT_H = 60, 40  # the picture as it is meant to be seen


def _upright() -> Image.Image:
    """Four quadrants: red top left, green top right, blue bottom left, yellow bottom right."""
    im = Image.new("RGB", (UPRIGHT_W, UPRIGHT_H))
    w, h = UPRIGHT_W // 2, UPRIGHT_H // 2
    for colour, (x, y) in ((RED, (0, 0)), (GREEN, (w, 0)), (BLUE, (0, h)), (YELLOW, (w, h))):
        im.paste(colour, (x, y, x + w, y + h))
    return im


# The pixels a camera stores for each EXIF orientation of the upright picture (EXIF 2.3,
# tag 0x0112: where the stored rows and columns go when shown). Pillow's rotations are
# counter-clockwise.
STORED = {
    1: lambda im: im,
    2: lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),  # row 0 top, column 0 right
    3: lambda im: im.transpose(Image.Transpose.ROTATE_180),  # row 0 bottom, column 0 right
    4: lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),  # row 0 bottom, column 0 left
    5: lambda im: im.transpose(Image.Transpose.TRANSPOSE),  # row 0 left, column 0 top
    6: lambda im: im.transpose(Image.Transpose.ROTATE_90),  # row 0 right, column 0 top
    7: lambda im: im.transpose(Image.Transpose.TRANSVERSE),  # row 0 right, column 0 bottom
    8: lambda im: im.transpose(Image.Transpose.ROTATE_270),  # row 0 left, column 0 bottom
}


def _asset(data: bytes, media_type: str):
    from xjeditor.model import ImageAsset

    return ImageAsset(data, media_type, "test")


def _show(asset, *, w: float = 120, h: float = 80, under=None, renderer=None):
    """The picture placed at (10, 10) in a w x h frame on a white page, drawn at 72 dpi
    (one pixel a point)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from xjeditor.pipeline import shared_registry
    from xjeditor.render.qt import QtPageRenderer
    from xjeditor.typeset.display import DisplayPage, ImagePlacement

    items = list(under or [])
    items.append(ImagePlacement((10, 10, w, h), 10, 10, w, h, asset.key if asset else None))
    page = DisplayPage(w + 20, h + 20, items)
    if renderer is None:
        renderer = QtPageRenderer(shared_registry().path, {asset.key: asset} if asset else {})
    img = QImage(round(page.width), round(page.height), QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    renderer.paint(painter, page)
    painter.end()
    return to_pil(img)


def _near(pixel, colour, tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(qapp, orientation):
    from PIL import ExifTags

    stored = STORED[orientation](_upright())
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=95, exif=exif)
    # placed at the size layout gives it: the upright proportions, 3:2
    img = _show(_asset(buf.getvalue(), "image/jpeg"), w=120, h=80)
    quadrants = {RED: (40, 30), GREEN: (100, 30), BLUE: (40, 70), YELLOW: (100, 70)}
    seen = {colour: img.getpixel(xy) for colour, xy in quadrants.items()}
    assert all(_near(seen[c], c) for c in quadrants), seen


def _tiff(mode: str, values: list, **save) -> bytes:
    """Four vertical stripes of ``values``, 64 x 16 pixels, as a TIFF."""
    buf = io.BytesIO()
    _stripes(mode, values).save(buf, "TIFF", **save)
    return buf.getvalue()


def _stripes(mode: str, values: list) -> Image.Image:
    im = Image.new(mode, (64, 16))
    for i, v in enumerate(values):
        im.paste(Image.new(mode, (16, 16), v), (16 * i, 0))
    return im


QUARTERS = [0, 64, 128, 255]  # black, dark grey, mid grey, white

WIDE = {
    "16-bit grey": ("I;16", [0, 16384, 32768, 65535]),
    "16-bit grey, big-endian": ("I;16B", [0, 16384, 32768, 65535]),
    "32-bit integer": ("I", [0, 1 << 29, 1 << 30, (1 << 31) - 1]),
    "32-bit integer, 16-bit values": ("I", [0, 16384, 32768, 65535]),
    "float": ("F", [0.0, 0.25, 0.5, 1.0]),
    "float, 0-255": ("F", [0.0, 64.0, 128.0, 255.0]),
}


def _stripe_greys(img) -> list[int]:
    # the frame is 128 x 32 at (10, 10): stripes 32 points wide, sampled in their middle
    return [img.convert("L").getpixel((10 + 32 * i + 16, 26)) for i in range(4)]


@pytest.mark.parametrize("kind", list(WIDE))
def test_wide_samples_are_scaled_to_8_bits(qapp, kind):
    mode, values = WIDE[kind]
    img = _show(_asset(_tiff(mode, values), "image/tiff"), w=128, h=32)
    greys = _stripe_greys(img)
    assert all(abs(g - q) <= 3 for g, q in zip(greys, QUARTERS)), greys


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_jpeg_compressed_tiff(qapp, mode):
    values = [0, 64, 128, 200] if mode == "L" else [(0, 0, 0), RED, GREEN, BLUE]
    data = _tiff(mode, values, compression="jpeg", quality=95)
    img = _show(_asset(data, "image/tiff"), w=128, h=32)
    for i, want in enumerate(values):
        got = img.getpixel((10 + 32 * i + 16, 26))
        want = (want,) * 3 if mode == "L" else want
        assert _near(got, want, 12), (i, got, want)


def test_png_16_bit_grey(qapp):
    buf = io.BytesIO()
    _stripes("I;16", [0, 16384, 32768, 65535]).save(buf, "PNG")
    greys = _stripe_greys(_show(_asset(buf.getvalue(), "image/png"), w=128, h=32))
    assert all(abs(g - q) <= 3 for g, q in zip(greys, QUARTERS)), greys


def test_transparency_is_white_as_in_the_pdf(qapp):
    """PDF/X-1a has no transparency: the PDF holds the picture flattened on white, which
    covers what is under it."""
    from xjeditor.model import CMYK
    from xjeditor.typeset.display import Box

    im = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    im.paste((30, 30, 220, 255), (30, 0, 60, 40))  # right half opaque blue
    buf = io.BytesIO()
    im.save(buf, "PNG")
    black = Box(0, 0, 140, 100, stroke=0, fill=CMYK(0, 0, 0, 1))
    img = _show(_asset(buf.getvalue(), "image/png"), under=[black])
    assert _near(img.getpixel((40, 50)), (255, 255, 255), 3)  # transparent: white paper
    assert _near(img.getpixel((100, 50)), (30, 30, 220), 3)
    assert img.getpixel((5, 5)) == (0, 0, 0)  # the box outside the picture


def test_unreadable_picture_shows_the_placeholder(qapp):
    img = _show(_asset(b"not a picture", "image/jpeg"))
    assert 200 < img.convert("L").getpixel((70, 20)) < 250  # the tinted placeholder


def _jpeg(colour=RED) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def test_picture_added_after_the_renderer_was_made(qapp):
    """The window makes its renderer with the issue's own (then empty) picture mapping
    and adds pictures to that mapping later: the renderer must see them, even after
    drawing the frame before the picture was there."""
    from xjeditor.pipeline import shared_registry
    from xjeditor.render.qt import QtPageRenderer

    images: dict = {}
    renderer = QtPageRenderer(shared_registry().path, images)
    asset = _asset(_jpeg(), "image/jpeg")
    before = _show(asset, renderer=renderer)  # the frame names the picture; not in the issue yet
    assert not _near(before.getpixel((70, 50)), RED)
    images[asset.key] = asset
    after = _show(asset, renderer=renderer)
    assert _near(after.getpixel((70, 50)), RED)


def test_picture_in_a_new_never_saved_issue(qapp):
    """As the editor does it: a new issue (no pictures), its renderer made, the page
    drawn; then a picture placed in an image frame and the page drawn again."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from xjeditor.layouts import available_layouts, new_issue
    from xjeditor.model import FitMode, ImageFrame, Rect
    from xjeditor.pipeline import shared_registry, typeset_issue
    from xjeditor.render.qt import QtPageRenderer
    from xjeditor.typeset.display import ImagePlacement

    name, _path = available_layouts()[0]
    issue = new_issue(name, pages=4)
    assert issue.images == {}
    renderer = QtPageRenderer(shared_registry().path, issue.images)  # as MainWindow.set_document

    def draw():
        page = typeset_issue(issue).pages[1]
        img = QImage(round(page.width), round(page.height), QImage.Format.Format_RGB32)
        img.fill(Qt.GlobalColor.white)
        painter = QPainter(img)
        renderer.paint(painter, page)
        painter.end()
        return page, to_pil(img)

    draw()
    key = issue.add_image(_asset(_jpeg(), "image/jpeg"))
    issue.pages[1].frames.append(ImageFrame("test-photo", Rect(60, 120, 80, 60), image=key, fit=FitMode.FIT,
                                            runaround=False))
    page, img = draw()
    (placed,) = [item for item in page.items if isinstance(item, ImagePlacement) and item.image == key]
    x, y, w, h = placed.clip
    assert _near(img.getpixel((round(x + w / 2), round(y + h / 2))), RED)
