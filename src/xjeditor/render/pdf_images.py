"""Images for print: oriented, cropped to what shows, at most 300 ppi, CMYK JPEG.

``prepare_image`` turns an ``ImageAsset`` and its placement into the JPEG the PDF embeds:

1. decode (a JPEG is decoded at a reduced scale when that still leaves enough pixels);
2. apply the EXIF orientation;
3. crop to the part visible inside the clip rectangle (whole source pixels, so the
   crop is placed exactly where those pixels were);
4. downsample so that neither axis exceeds ``MAX_PPI`` at the placed size; never
   upsample;
5. convert to CMYK (see ``to_cmyk``) and encode as a CMYK JPEG.

Pillow writes CMYK JPEGs the way Adobe applications do, with inverted channel values,
so the image XObject carries ``/Decode [1 0 1 0 1 0 1 0]``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from ..model import ImageAsset

MAX_PPI = 300.0
JPEG_QUALITY = 90
# Decoding bombs: refuse images above this many pixels instead of exhausting memory.
MAX_PIXELS = 200_000_000

_ROTATED_ORIENTATIONS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class ImageError(Exception):
    """An image cannot be read or converted."""


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """A CMYK JPEG and where it goes, in display-list points (y down)."""

    jpeg: bytes
    width_px: int
    height_px: int
    x: float
    y: float
    w: float
    h: float
    inverted: bool = True  # Adobe-style CMYK JPEG: the PDF needs /Decode [1 0 ...]


def visible_part(clip: tuple[float, float, float, float], ix: float, iy: float, iw: float,
                 ih: float) -> tuple[float, float, float, float] | None:
    """The part of the placed image inside the clip, as fractions (u0, v0, u1, v1) of
    the image's width and height; None when nothing of it shows."""
    if iw <= 0 or ih <= 0:
        return None
    cx, cy, cw, ch = clip
    x0, y0 = max(cx, ix), max(cy, iy)
    x1, y1 = min(cx + cw, ix + iw), min(cy + ch, iy + ih)
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0 - ix) / iw, (y0 - iy) / ih, (x1 - ix) / iw, (y1 - iy) / ih


def to_cmyk(im: Image.Image) -> Image.Image:
    """Convert to CMYK without a colour profile (a stand-in until ICC conversion).

    Greyscale goes to the black plate only (K = 1 - grey). RGB uses complete grey
    component replacement: C, M, Y = 1 - R, G, B, then K = min(C, M, Y) is taken out of
    all three. Total ink stays at or below 200 %, within newsprint limits (spec R45);
    colours are not matched to any press condition.
    """
    if im.mode == "CMYK":
        return im
    if im.mode in ("1", "L", "I", "I;16", "F"):
        grey = im.convert("L")
        zero = Image.new("L", grey.size, 0)
        return Image.merge("CMYK", (zero, zero, zero, ImageOps.invert(grey)))
    rgb = im.convert("RGB")
    c, m, y = (ImageOps.invert(band) for band in rgb.split())
    k = ImageChops.darker(c, ImageChops.darker(m, y))
    return Image.merge("CMYK", (ImageChops.subtract(c, k), ImageChops.subtract(m, k),
                                ImageChops.subtract(y, k), k))


def _flatten(im: Image.Image) -> Image.Image:
    """Composite transparency onto white: PDF/X-1a allows none."""
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, im).convert("RGB")
    if im.mode not in ("1", "L", "I", "I;16", "F", "RGB", "CMYK"):
        return im.convert("RGB")
    return im


def prepare_image(asset: ImageAsset, clip: tuple[float, float, float, float], ix: float, iy: float,
                  iw: float, ih: float, *, max_ppi: float = MAX_PPI) -> PreparedImage | None:
    """The print-ready JPEG of the visible part of a placed image; None when no part of
    it is inside the clip. Raises ``ImageError`` for data that cannot be decoded."""
    part = visible_part(clip, ix, iy, iw, ih)
    if part is None:
        return None
    try:
        im = Image.open(io.BytesIO(asset.data))
        if im.width * im.height > MAX_PIXELS:
            raise ImageError(f"{im.width}x{im.height} pixels is too large")
        orientation = im.getexif().get(0x0112, 1)
        # Pixels the whole image needs at max_ppi; a JPEG can be decoded at 1/2, 1/4 or
        # 1/8 scale when that still gives at least this many.
        need_w = max(1, math.ceil(iw / 72.0 * max_ppi))
        need_h = max(1, math.ceil(ih / 72.0 * max_ppi))
        if im.format == "JPEG":
            raw_need = (need_h, need_w) if orientation in _ROTATED_ORIENTATIONS else (need_w, need_h)
            im.draft(None, raw_need)
        im.load()
        im = ImageOps.exif_transpose(im)
        im = _flatten(im)
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageError("not an image format that can be read") from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise ImageError(f"{type(exc).__name__}: {exc}") from exc

    width, height = im.size
    u0, v0, u1, v1 = part
    px0, py0 = math.floor(u0 * width + 1e-9), math.floor(v0 * height + 1e-9)
    px1, py1 = math.ceil(u1 * width - 1e-9), math.ceil(v1 * height - 1e-9)
    px1, py1 = max(px1, px0 + 1), max(py1, py0 + 1)
    if (px0, py0, px1, py1) != (0, 0, width, height):
        im = im.crop((px0, py0, px1, py1))
    # The crop's place on the page.
    x, y = ix + px0 * iw / width, iy + py0 * ih / height
    w, h = (px1 - px0) * iw / width, (py1 - py0) * ih / height
    max_w = max(1, math.ceil(w / 72.0 * max_ppi))
    max_h = max(1, math.ceil(h / 72.0 * max_ppi))
    if im.width > max_w or im.height > max_h:
        im = im.resize((min(im.width, max_w), min(im.height, max_h)), Image.Resampling.LANCZOS)
    try:
        cmyk = to_cmyk(im)
        out = io.BytesIO()
        cmyk.save(out, "JPEG", quality=JPEG_QUALITY)
    except Exception as exc:  # noqa: BLE001
        raise ImageError(f"{type(exc).__name__}: {exc}") from exc
    return PreparedImage(out.getvalue(), cmyk.width, cmyk.height, x, y, w, h)
