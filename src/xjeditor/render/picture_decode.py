"""Pictures decoded to 8-bit pixels as the page shows them, for the screen.

``decode_picture`` turns an issue's picture bytes into an 8-bit greyscale (``L``) or
``RGB`` Pillow image, the way ``pdf_images`` prepares it for print:

1. the EXIF (or TIFF) orientation applied, so the picture has the proportions the
   layout gave it (``typeset.imagesize``);
2. more than 8 bits a sample (16-bit greyscale, 32-bit integer, floating point)
   scaled to 8 bits by the samples' range instead of clipped (``to_8bit``);
3. transparency composited onto white, as the PDF (PDF/X-1a) has none;
4. colour with an embedded profile converted to sRGB when ImageCms can.

Pillow reads TIFF (JPEG-compressed ones too) and every other format the issue may hold,
where Qt's own readers need plug-ins that may be missing.
"""

from __future__ import annotations

import io
import math

from PIL import Image

# Pictures above this many pixels are refused, on screen and in print (``pdf_images``
# raises ``ImageTooLarge``): decoding takes 3 to 4 bytes a pixel, and a small file can hold
# a huge picture (a decompression bomb). 100 megapixels is 33 × 33 inches at 300 ppi, far
# more than a newspaper prints.
MAX_PIXELS = 100_000_000

# Pillow's modes with more than 8 bits a sample.
WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


def sample_range(im: Image.Image) -> tuple[float, float]:
    """The sample values (black, white) of a wide greyscale image.

    16-bit images use their type's whole range, 0 to 65535. 32-bit integers within
    0-65535 are 16-bit data in a wider container and are read the same way; beyond that
    there is no usual white, and the largest value present is white. Floating point
    samples within 0-1 use that range, others 0 to their largest value. Negative values
    present extend black down to the lowest one.
    """
    if im.mode.startswith("I;16"):
        return 0.0, 65535.0
    lo, hi = im.getextrema()
    if im.mode == "F":
        top = 1.0 if hi <= 1.0 else hi
    else:
        top = 65535.0 if hi <= 65535 else hi
    bottom = min(0.0, lo)
    if top <= bottom:
        top = bottom + 1.0
    return float(bottom), float(top)


def to_8bit(im: Image.Image) -> Image.Image:
    """A wide greyscale image (``WIDE_MODES``) as ``L``, scaled linearly from
    ``sample_range`` (black to white) to 0-255; any other image unchanged."""
    if im.mode not in WIDE_MODES:
        return im
    lo, hi = sample_range(im)
    if im.mode != "F":
        im = im.convert("I")  # 16-bit modes: point() needs I or F
    scale = 255.0 / (hi - lo)
    offset = 0.5 - lo * scale  # + 0.5: rounded, not truncated, by the conversion to L
    return im.point(lambda v: v * scale + offset).convert("L")


def flatten(im: Image.Image) -> Image.Image:
    """Transparency composited onto white (``RGB``); other images unchanged."""
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in _ALPHA_MODES:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """An RGB image with an embedded profile converted to sRGB; as it was when the
    profile cannot be used."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except Exception:  # noqa: BLE001 - no LittleCMS, or a broken profile: shown as it is
        return im


def decode_picture(data: bytes, max_side: int | None = None) -> Image.Image:
    """The picture in ``data`` as an oriented 8-bit ``L`` or ``RGB`` image. Raises
    ``ValueError`` for data Pillow cannot read (or too many pixels).

    ``max_side``: reduce the picture so that its long side is at most this many pixels
    (a JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still leaves enough, then
    resampled with Lanczos; never enlarged)."""
    from PIL import ImageOps

    try:
        im = Image.open(io.BytesIO(data))
        if im.width * im.height > MAX_PIXELS:
            raise ValueError(f"{im.width}x{im.height} pixels is too large")
        if max_side is not None and im.format == "JPEG" and max(im.size) > max_side:
            k = max_side / max(im.size)
            im.draft(im.mode, (math.ceil(im.width * k), math.ceil(im.height * k)))
        im.load()
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        im = to_8bit(im)
        im = flatten(im)
        if im.mode == "1":
            im = im.convert("L")
        elif im.mode not in ("L", "RGB"):
            im = im.convert("RGB")  # CMYK, YCbCr, LAB, HSV
        elif icc and im.mode == "RGB":
            im = _to_srgb(im, icc)
        if max_side is not None and max(im.size) > max_side:
            k = max_side / max(im.size)
            size = (max(1, round(im.width * k)), max(1, round(im.height * k)))
            # (reducing_gap: a large reduction starts with a fast whole-factor one)
            im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    return im
