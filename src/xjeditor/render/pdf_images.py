"""Images for print: oriented, cropped to what shows, at most 300 ppi, CMYK JPEG.

``prepare_image`` turns an ``ImageAsset`` and its placement into the JPEG the PDF embeds:

1. decode: pictures over ``MAX_PIXELS`` are refused (``ImageTooLarge``) from their header,
   before any pixel is decoded; a JPEG is decoded at 1/2, 1/4 or 1/8 scale (``draft``)
   and any other picture reduced by a whole factor (``reduce``) when that still leaves
   enough pixels for ``MAX_PPI``; more than 8 bits a sample (16-bit greyscale, 32-bit
   integer, floating point) is scaled to 8 bits by the samples' range, the way the
   screen shows it (``picture_decode.to_8bit``), never clipped;
2. apply the EXIF orientation;
3. crop to the part visible inside the clip rectangle (whole source pixels, so the
   crop is placed exactly where those pixels were);
4. downsample so that neither axis exceeds ``MAX_PPI`` at the placed size; never
   upsample;
5. separate to CMYK (``separate``): colour images through the bundled CMYK output
   profile with Pillow's ImageCms (the image's own embedded profile, else sRGB, as the
   source), greyscale to the black plate only, then the total ink limited to
   ``TOTAL_INK_LIMIT`` (spec R45); without ImageCms (or the profile) the profile-free
   ``to_cmyk`` stands in;
6. encode as a CMYK JPEG.

Prepared images are kept in a cache folder (``cache_dir``), so a second export of the
same issue does not decode, resample or separate again. An entry's key is a hash of the
picture's bytes (its SHA-256), the placement and output settings, the output profile,
Pillow's version and the source of the code that prepares it (this module and
``picture_decode``). An entry is plain data: a header (magic, its key, the lengths, a
BLAKE2b checksum), the placement facts as JSON and the JPEG; it is used only when the
key and the checksum match, and made again otherwise.

An export prepares its pictures with ``prepare_images``: cache hits are left in the cache
(``PreparedImage.source``), several misses are prepared in spawned worker processes, one
per CPU, which write their entries into the cache folder (or a temporary folder when
caching is off); the PDF writer reads each JPEG only while it writes that image
(``jpeg_stream``), so the prepared pictures are never all in memory at once.

Pillow writes CMYK JPEGs the way Adobe applications do, with inverted channel values,
so the image XObject carries ``/Decode [1 0 1 0 1 0 1 0]``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import io
import json
import math
import os
import struct
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

# Only Image at import time (reportlab imports it anyway): ImageChops, ImageMath and
# ImageOps are imported where an image is actually prepared, which an export whose
# images all come from the cache never does.
from PIL import Image, UnidentifiedImageError
from PIL import __version__ as PILLOW_VERSION

from ..model import ImageAsset
from ..paths import prune_cache, source_digest, resources_dir, touch_cache_file, user_cache_dir, write_cache_file
from ..typeset.imagesize import SOF_MARKERS, image_size_px, jpeg_segments
from . import picture_decode
from .picture_decode import MAX_PIXELS, to_8bit

MAX_PPI = 300.0
JPEG_QUALITY = 90
TOTAL_INK_LIMIT = 240.0  # percent, spec R45 (configurable 220-280)
OUTPUT_PROFILE = "icc/xj-newsprint-tr002.icc"  # under resources/
# The cache entries' format (the key also covers this module's source, so a change to
# the preparation makes new entries by itself).
CACHE_VERSION = 2
# The cache folder is kept under this size, least recently used entries going first.
CACHE_MAX_BYTES = 512 * 1024 * 1024

_ROTATED_ORIENTATIONS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class ImageError(Exception):
    """An image cannot be read or converted."""


class ImageTooLarge(ImageError):
    """The picture has more than ``MAX_PIXELS`` pixels: it is refused, not decoded."""


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
    # When set, the JPEG is kept in a file, not in memory (``jpeg`` is empty then): read
    # it with ``read_jpeg``, as the PDF writer does when it writes the image.
    source: StoredJpeg | None = None

    def read_jpeg(self) -> bytes:
        """The JPEG's bytes, from memory or from the file that holds them."""
        return self.source.read() if self.source is not None else self.jpeg


@dataclass(frozen=True, slots=True, eq=False)
class StoredJpeg:
    """A prepared JPEG kept in an entry file (the cache folder's, or a temporary
    folder's when caching is off), read each time it is needed.

    The entry is checked as a cache hit is (key and checksum); when it is gone (pruned
    by another export) or damaged, the JPEG is made again from the picture, which gives
    the same bytes."""

    path: str
    key: str
    asset: ImageAsset
    part: tuple[float, float, float, float]
    iw: float
    ih: float
    max_ppi: float
    folder: object = None  # a temporary folder kept (not removed) while this may be read

    def read(self) -> bytes:
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        found = _entry_contents(self.key, data)
        if found is not None:
            return found[1]
        return _make_jpeg(self.asset.data, self.part, self.iw, self.ih, self.max_ppi)[1]


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
    """Convert to CMYK without a colour profile (the fallback when ImageCms or the
    output profile is unavailable; greyscale always takes this way).

    Greyscale goes to the black plate only (K = 1 - grey). RGB uses complete grey
    component replacement: C, M, Y = 1 - R, G, B, then K = min(C, M, Y) is taken out of
    all three. Total ink stays at or below 200 %, within newsprint limits (spec R45);
    colours are not matched to any press condition.
    """
    from PIL import ImageChops, ImageOps

    if im.mode == "CMYK":
        return im
    if im.mode in ("1", "L", *picture_decode.WIDE_MODES):
        grey = to_8bit(im).convert("L")
        zero = Image.new("L", grey.size, 0)
        return Image.merge("CMYK", (zero, zero, zero, ImageOps.invert(grey)))
    rgb = im.convert("RGB")
    c, m, y = (ImageOps.invert(band) for band in rgb.split())
    k = ImageChops.darker(c, ImageChops.darker(m, y))
    return Image.merge("CMYK", (ImageChops.subtract(c, k), ImageChops.subtract(m, k),
                                ImageChops.subtract(y, k), k))


def limit_ink(im: Image.Image, limit: float = TOTAL_INK_LIMIT) -> Image.Image:
    """Hold C + M + Y + K at or below ``limit`` percent (spec R45).

    Where a pixel has more, its C, M and Y are scaled down together and K is kept, so
    the darkness and detail carried by the black plate stay and only the colour under
    it thins out (where K alone exceeds the limit, K is cut to it).
    """
    from PIL import ImageMath

    if im.mode != "CMYK":
        raise ValueError(f"limit_ink needs a CMYK image, not {im.mode}")
    cap = max(0.0, limit) * 255.0 / 100.0
    c, m, y, k = im.split()
    if cap >= 4 * 255:
        return im
    k_max = min(cap, 255.0)
    # Most pictures are under the limit everywhere: find out from the band extrema of
    # the sum before doing any per-pixel arithmetic.
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    if total.getextrema()[1] <= cap:
        return im

    def scale(a):
        cmy = a["float"](a["c"]) + a["m"] + a["y"]
        room = a["max"](cap - a["min"](a["float"](a["k"]), k_max), 0.0)
        return a["min"](room / a["max"](cmy, 1.0), 1.0)

    factor = ImageMath.lambda_eval(scale, c=c, m=m, y=y, k=k)
    out = [ImageMath.lambda_eval(lambda a: a["convert"](a["band"] * a["f"], "L"), band=band, f=factor)
           for band in (c, m, y)]
    if k_max < 255:
        k = k.point(lambda v: min(v, int(k_max)))
    return Image.merge("CMYK", (*out, k))


@functools.cache
def _image_cms():
    """Pillow's ImageCms module, or None when Pillow was built without LittleCMS."""
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover - depends on the Pillow build
        return None
    return ImageCms


@functools.cache
def _cms_available() -> bool:
    """Whether ``_image_cms()`` would find ImageCms, without importing it (the cache key
    needs only this, and a cache hit needs no colour management at all)."""
    if "PIL.ImageCms" in sys.modules:
        return _image_cms() is not None
    try:
        return importlib.util.find_spec("PIL._imagingcms") is not None
    except (ImportError, ValueError):  # pragma: no cover - a broken Pillow install
        return _image_cms() is not None


def output_profile_path() -> Path:
    """The bundled CMYK output profile the images are separated for."""
    return resources_dir() / OUTPUT_PROFILE


@functools.cache
def _profile_digest(path: str) -> str:
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return "none"


_transform_lock = threading.Lock()
_transforms: dict[tuple[str, str], object] = {}


def _transform(source: bytes | None, target: str):
    """An RGB to CMYK transform from ``source`` (ICC bytes; None = sRGB) to the profile at
    ``target``; None when colour management is unavailable or a profile is unusable.
    Transforms are made once and shared: built without LittleCMS's one-pixel cache,
    they are safe to apply from several threads."""
    cms = _image_cms()
    if cms is None or not Path(target).is_file():
        return None
    skey = hashlib.sha256(source).hexdigest() if source else "sRGB"
    key = (skey, target)
    with _transform_lock:
        if key in _transforms:
            return _transforms[key]
        try:
            src = cms.ImageCmsProfile(io.BytesIO(source)) if source else cms.createProfile("sRGB")
            dst = cms.getOpenProfile(target)
            if hasattr(cms, "Flags"):
                flags = cms.Flags.NOCACHE | cms.Flags.BLACKPOINTCOMPENSATION
            else:  # pragma: no cover - Pillow before 10.3
                flags = 0x0040 | 0x2000
            found = cms.buildTransform(src, dst, "RGB", "CMYK",
                                       renderingIntent=cms.Intent.RELATIVE_COLORIMETRIC, flags=flags)
        except Exception:  # noqa: BLE001 - a broken profile: the caller falls back
            found = None
        _transforms[key] = found
        return found


def separate(im: Image.Image, *, profile: str | os.PathLike | None = None,
             ink_limit: float = TOTAL_INK_LIMIT) -> Image.Image:
    """A CMYK image for the press: colour through the output profile (``profile``, by
    default the bundled newsprint one) from the image's embedded profile or sRGB,
    greyscale on the black plate, CMYK as it is; then the total ink limited."""
    if im.mode == "CMYK":
        cmyk = im
    elif im.mode in ("1", "L", *picture_decode.WIDE_MODES):
        cmyk = to_cmyk(im)
    else:
        target = str(profile if profile is not None else output_profile_path())
        rgb = im if im.mode == "RGB" else im.convert("RGB")
        embedded = im.info.get("icc_profile") or None
        transform = (_transform(embedded, target) if embedded else None) or _transform(None, target)
        if transform is not None:
            cmyk = _image_cms().applyTransform(rgb, transform)
        else:
            cmyk = to_cmyk(rgb)
    return limit_ink(cmyk, ink_limit)


# ------------------------------------------------------------------ the cache


def cache_dir() -> Path | None:
    """Where prepared images are kept (``paths.user_cache_dir``); None: no caching."""
    return user_cache_dir("images")


_MAGIC = b"XJPI"
# magic, format version, key (hex), length of the facts, length of the JPEG, checksum
_HEADER = struct.Struct(">4sH64sII32s")


@functools.cache
def _output_profile_digest(home: str | None) -> str:
    """``_profile_digest`` of the output profile, the profile being found from
    ``XJEDITOR_HOME`` (``home``; resolving the path costs more than the rest of a look-up
    in the cache, and an export makes one for every image)."""
    return _profile_digest(str(output_profile_path()))


@functools.cache
def _code_digest() -> str:
    """A hash of the source of the code that prepares a picture (``paths.source_digest``)."""
    return source_digest(__file__, picture_decode.__file__)


def _cache_key(asset: ImageAsset, part, iw: float, ih: float, max_ppi: float) -> str:
    profile = _output_profile_digest(os.environ.get("XJEDITOR_HOME"))
    facts = json.dumps([CACHE_VERSION, asset.key, [round(v, 9) for v in part], round(iw, 6), round(ih, 6),
                        max_ppi, JPEG_QUALITY, TOTAL_INK_LIMIT, MAX_PIXELS, profile, _cms_available(),
                        PILLOW_VERSION, _code_digest()])
    return hashlib.sha256(facts.encode()).hexdigest()


def _checksum(key: bytes, facts: bytes, jpeg: bytes) -> bytes:
    h = hashlib.blake2b(key, digest_size=32)
    h.update(facts)
    h.update(jpeg)
    return h.digest()


def _entry(key: str, facts: dict, jpeg: bytes) -> bytes:
    """The bytes of a cache entry."""
    head = json.dumps(facts, sort_keys=True).encode()
    k = key.encode("ascii")
    return _HEADER.pack(_MAGIC, CACHE_VERSION, k, len(head), len(jpeg), _checksum(k, head, jpeg)) + head + jpeg


def _facts_of(data: bytes) -> dict:
    """The placement facts of an entry, checked; ValueError when they are not as written."""
    facts = json.loads(data)
    if not isinstance(facts, dict) or set(facts) != {"width", "height", "crop"}:
        raise ValueError("unexpected facts")
    width, height, crop = facts["width"], facts["height"], facts["crop"]
    numbers = [width, height, *crop] if isinstance(crop, list) and len(crop) == 4 else None
    if numbers is None or not all(type(n) is int and n >= 0 for n in numbers) or width < 1 or height < 1:
        raise ValueError("unexpected facts")
    return facts


def _entry_contents(key: str, data: bytes) -> tuple[dict, bytes] | None:
    """The facts and the JPEG of an entry's bytes, when it is whole and is the entry of
    ``key``; else None."""
    if len(data) < _HEADER.size:
        return None
    magic, version, stored_key, n_facts, n_jpeg, checksum = _HEADER.unpack_from(data)
    k = key.encode("ascii")
    if (magic != _MAGIC or version != CACHE_VERSION or stored_key != k
            or len(data) != _HEADER.size + n_facts + n_jpeg):
        return None
    view = memoryview(data)
    head = view[_HEADER.size:_HEADER.size + n_facts]
    jpeg = view[_HEADER.size + n_facts:]
    if _checksum(k, head, jpeg) != checksum:
        return None
    try:
        facts = _facts_of(bytes(head))
    except ValueError:
        return None
    return facts, bytes(jpeg)


def _cache_read(key: str) -> tuple[dict, bytes] | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / key[:2] / key
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    found = _entry_contents(key, data)
    if found is not None:
        touch_cache_file(path)
    return found


def _cache_write(key: str, facts: dict, jpeg: bytes) -> None:
    folder = cache_dir()
    if folder is None:
        return
    write_cache_file(folder / key[:2] / key, _entry(key, facts, jpeg))
    prune_cache("images", CACHE_MAX_BYTES)


def _flatten(im: Image.Image) -> Image.Image:
    """Composite transparency onto white: PDF/X-1a allows none."""
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, im).convert("RGB")
    if im.mode not in ("1", "L", "RGB", "CMYK"):
        return im.convert("RGB")
    return im


def _from_cache(key: str, ix: float, iy: float, iw: float, ih: float, *,
                stored: StoredJpeg | None = None) -> PreparedImage | None:
    """The cache's entry of ``key`` placed; with ``stored`` (the entry's file), the JPEG
    is left in the file and read again when it is written."""
    hit = _cache_read(key)
    if hit is not None:
        facts, jpeg = hit
        try:
            found = _placed(jpeg, ix, iy, iw, ih, **facts)
        except (TypeError, ValueError):
            return None  # an unexpected entry: make it again
        if stored is not None:
            found = dataclasses.replace(found, jpeg=b"", source=stored)
        return found
    return None


def cached_image(asset: ImageAsset, clip: tuple[float, float, float, float], ix: float, iy: float,
                 iw: float, ih: float, *, max_ppi: float = MAX_PPI) -> tuple[bool, PreparedImage | None]:
    """(True, what ``prepare_image`` would return) when that is known without decoding the
    image: nothing of it shows, or the cache folder has it; else (False, None). A cached
    image is returned with its JPEG left in the cache (``PreparedImage.source``), so
    that an export holds none of them in memory until it writes each one."""
    part = visible_part(clip, ix, iy, iw, ih)
    if part is None:
        return True, None
    key = _cache_key(asset, part, iw, ih, max_ppi)
    folder = cache_dir()
    stored = (StoredJpeg(str(folder / key[:2] / key), key, asset, part, iw, ih, max_ppi)
              if folder is not None else None)
    found = _from_cache(key, ix, iy, iw, ih, stored=stored)
    return found is not None, found


# ------------------------------------------------------------------ decoding


def _too_large(width: int, height: int) -> ImageTooLarge:
    return ImageTooLarge(f"{width} x {height} pixels ({width * height / 1e6:.0f} megapixels) is over the "
                         f"limit of {MAX_PIXELS // 1_000_000} megapixels; scale the picture down")


_open_lock = threading.Lock()


def open_picture(data: bytes) -> Image.Image:
    """The picture opened, its header read and nothing decoded; ``ImageTooLarge`` when it
    has more than ``MAX_PIXELS`` pixels. (Pillow's own limit, ``Image.MAX_IMAGE_PIXELS``,
    is left as it is: its warning is not wanted here, and its error is this one.)"""
    with _open_lock, warnings.catch_warnings():  # (the warning filters are global: one thread at a time)
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            size = image_size_px(data)
            if size is not None:
                raise _too_large(*size) from None
            raise ImageTooLarge(f"the picture is over the limit of {MAX_PIXELS // 1_000_000} megapixels; "
                                "scale it down") from None
    if im.width * im.height > MAX_PIXELS:
        raise _too_large(im.width, im.height)
    return im


# Modes ``Image.reduce`` averages correctly (not palette indices, nor unpremultiplied alpha).
_REDUCIBLE = ("L", "RGB", "CMYK", "I", "F")


def decode(data: bytes, need_w: int, need_h: int) -> Image.Image:
    """The picture oriented, 8 bits a sample (``1``, ``L``, ``RGB`` or ``CMYK``),
    transparency flattened, its embedded profile in ``info`` (RGB); at least
    ``need_w`` × ``need_h`` pixels as oriented (when it has that many), and as few more as
    a JPEG's draft scales or a whole-factor reduction allow. Raises ``ImageError``."""
    from PIL import ImageOps

    try:
        im = open_picture(data)
        orientation = im.getexif().get(0x0112, 1)
        raw_w, raw_h = (need_h, need_w) if orientation in _ROTATED_ORIENTATIONS else (need_w, need_h)
        if im.format == "JPEG":
            im.draft(None, (raw_w, raw_h))  # decoded at 1/2, 1/4 or 1/8 scale where that is enough
        im.load()
        icc = im.info.get("icc_profile")
        factor = min(im.width // raw_w, im.height // raw_h)
        if factor >= 2 and im.mode in _REDUCIBLE:
            im = im.reduce(factor)
        im = to_8bit(im)
        im = ImageOps.exif_transpose(im)
        im = _flatten(im)
        if icc and im.mode == "RGB":
            im.info["icc_profile"] = icc  # conversions above may drop it
        return im
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageError("not an image format that can be read") from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise ImageError(f"{type(exc).__name__}: {exc}") from exc


def prepare_image(asset: ImageAsset, clip: tuple[float, float, float, float], ix: float, iy: float,
                  iw: float, ih: float, *, max_ppi: float = MAX_PPI, cache: bool = True) -> PreparedImage | None:
    """The print-ready JPEG of the visible part of a placed image; None when no part of
    it is inside the clip. Raises ``ImageError`` for data that cannot be decoded and
    ``ImageTooLarge`` for a picture over ``MAX_PIXELS``.
    ``cache`` looks the result up in (and adds it to) the cache folder."""
    part = visible_part(clip, ix, iy, iw, ih)
    if part is None:
        return None
    key = _cache_key(asset, part, iw, ih, max_ppi) if cache else ""
    if cache:
        found = _from_cache(key, ix, iy, iw, ih)
        if found is not None:
            return found
    facts, jpeg = _make_jpeg(asset.data, part, iw, ih, max_ppi)
    if cache:
        _cache_write(key, facts, jpeg)
    return _placed(jpeg, ix, iy, iw, ih, **facts)


def _make_jpeg(data: bytes, part: tuple[float, float, float, float], iw: float, ih: float,
               max_ppi: float) -> tuple[dict, bytes]:
    """(placement facts, CMYK JPEG) of the visible ``part`` of the picture ``data``
    placed ``iw`` × ``ih`` points large (steps 1 to 6 of the module's description)."""
    # Pixels the whole image needs at max_ppi.
    need_w = max(1, math.ceil(iw / 72.0 * max_ppi))
    need_h = max(1, math.ceil(ih / 72.0 * max_ppi))
    im = decode(data, need_w, need_h)

    width, height = im.size
    u0, v0, u1, v1 = part
    px0, py0 = math.floor(u0 * width + 1e-9), math.floor(v0 * height + 1e-9)
    px1, py1 = math.ceil(u1 * width - 1e-9), math.ceil(v1 * height - 1e-9)
    px1, py1 = max(px1, px0 + 1), max(py1, py0 + 1)
    if (px0, py0, px1, py1) != (0, 0, width, height):
        icc = im.info.get("icc_profile")
        im = im.crop((px0, py0, px1, py1))
        if icc:
            im.info["icc_profile"] = icc
    w, h = (px1 - px0) * iw / width, (py1 - py0) * ih / height
    max_w = max(1, math.ceil(w / 72.0 * max_ppi))
    max_h = max(1, math.ceil(h / 72.0 * max_ppi))
    if im.width > max_w or im.height > max_h:
        icc = im.info.get("icc_profile")
        im = im.resize((min(im.width, max_w), min(im.height, max_h)), Image.Resampling.LANCZOS)
        if icc:
            im.info["icc_profile"] = icc
    try:
        cmyk = separate(im)
        out = io.BytesIO()
        cmyk.save(out, "JPEG", quality=JPEG_QUALITY)
    except Exception as exc:  # noqa: BLE001
        raise ImageError(f"{type(exc).__name__}: {exc}") from exc
    return {"width": width, "height": height, "crop": [px0, py0, px1, py1]}, out.getvalue()


def _cmyk_jpeg_size(jpeg: bytes) -> tuple[int, int]:
    """(width, height) of a four-component (CMYK) JPEG, read from its frame header
    without decoding; ValueError for anything else."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    for marker, pos, _length in jpeg_segments(jpeg):
        if marker in SOF_MARKERS:
            if pos + 10 > len(jpeg):
                break
            height, width, components = struct.unpack_from(">HHB", jpeg, pos + 5)
            if components != 4:
                raise ValueError("not a CMYK JPEG")
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            break
    raise ValueError("no JPEG frame header")


def _placed(jpeg: bytes, ix: float, iy: float, iw: float, ih: float, *, width: int, height: int,
            crop: list[int], size: tuple[int, int] | None = None,
            source: StoredJpeg | None = None) -> PreparedImage:
    """The prepared JPEG placed where its source pixels were (the crop's place).
    ``size`` is the JPEG's pixel size when ``jpeg`` is not at hand (``source``)."""
    px0, py0, px1, py1 = crop
    width_px, height_px = size if size is not None else _cmyk_jpeg_size(jpeg)
    x, y = ix + px0 * iw / width, iy + py0 * ih / height
    w, h = (px1 - px0) * iw / width, (py1 - py0) * ih / height
    return PreparedImage(jpeg, width_px, height_px, x, y, w, h, source=source)


# ------------------------------------------------------------------ many images at once

# Cache misses below this many are prepared in this process, one after the other:
# starting worker processes costs more than it saves for a few pictures.
PARALLEL_MIN_IMAGES = 4

Job = tuple[ImageAsset, tuple[float, float, float, float], float, float, float, float]


def _prepare_or_error(asset: ImageAsset, clip, ix: float, iy: float, iw: float, ih: float,
                      ) -> PreparedImage | ImageError | None:
    try:
        return prepare_image(asset, clip, ix, iy, iw, ih)
    except ImageError as exc:
        return exc


def _prepare_to_file(data: bytes, part: tuple[float, float, float, float], iw: float, ih: float,
                     max_ppi: float, path: str, key: str) -> tuple[dict, tuple[int, int]] | ImageError:
    """In a worker process: prepare a picture and write it as the entry ``key`` at
    ``path``; returns its placement facts and pixel size, or the ``ImageError``."""
    try:
        facts, jpeg = _make_jpeg(data, part, iw, ih, max_ppi)
    except ImageError as exc:
        return exc
    write_cache_file(Path(path), _entry(key, facts, jpeg))  # not written: read back, it is made again
    return facts, _cmyk_jpeg_size(jpeg)


def prepare_images(jobs: list[Job]) -> list[PreparedImage | ImageError | None]:
    """``prepare_image`` of each job (asset, clip, ix, iy, iw, ih), in order; an
    ``ImageError`` is returned in its job's place, any other error raised.

    With ``PARALLEL_MIN_IMAGES`` or more jobs (the caller leaves out cache hits) and more
    than one CPU, the pictures are prepared in worker processes (``spawn``ed: safe in
    a process that runs Qt or threads), one per CPU. Workers write each JPEG as an entry
    in the cache folder, or in a temporary folder for this run when caching is off, and
    return only its facts: the images come back as ``PreparedImage``s whose JPEG stays
    in that file (``source``) until the PDF writer reads it, so memory does not grow
    with the number of pictures. The bytes are those ``prepare_image`` makes."""
    cpus = os.cpu_count() or 1
    if len(jobs) < PARALLEL_MIN_IMAGES or cpus < 2:
        return [_prepare_or_error(*job) for job in jobs]
    folder = cache_dir()
    temp = None
    if folder is None:
        temp = tempfile.TemporaryDirectory(prefix="xjeditor-images-")  # removed when no image needs it
        folder = Path(temp.name)
    results: list[PreparedImage | ImageError | None] = [None] * len(jobs)
    tasks = []  # (index, key, part, path)
    for i, (asset, clip, ix, iy, iw, ih) in enumerate(jobs):
        part = visible_part(clip, ix, iy, iw, ih)
        if part is not None:
            key = _cache_key(asset, part, iw, ih, MAX_PPI)
            tasks.append((i, key, part, str(folder / key[:2] / key)))
    outcomes: dict[int, tuple[dict, tuple[int, int]] | ImageError] = {}
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(len(tasks), cpus), mp_context=context) as pool:
            futures = [(i, pool.submit(_prepare_to_file, jobs[i][0].data, part, jobs[i][4], jobs[i][5],
                                       MAX_PPI, path, key))
                       for i, key, part, path in tasks]
            try:
                for i, future in futures:
                    outcomes[i] = future.result()  # anything but an ImageError is raised here, as serially
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # (not the pictures still queued first)
                raise
    except (BrokenProcessPool, OSError):
        pass  # no worker processes to be had (or one died): the rest is prepared here
    if temp is None:
        prune_cache("images", CACHE_MAX_BYTES)
    for i, key, part, path in tasks:
        asset, clip, ix, iy, iw, ih = jobs[i]
        outcome = outcomes.get(i)
        if outcome is None:
            results[i] = _prepare_or_error(*jobs[i])
        elif isinstance(outcome, ImageError):
            results[i] = outcome
        else:
            facts, size = outcome
            stored = StoredJpeg(path, key, asset, part, iw, ih, MAX_PPI, temp)
            results[i] = _placed(b"", ix, iy, iw, ih, **facts, size=size, source=stored)
    return results


def jpeg_stream(dictionary, im: PreparedImage):
    """The image XObject's stream (reportlab's ``PDFStream``) with ``dictionary`` and the
    JPEG of ``im``; a JPEG kept in a file is read only while the stream is written out."""
    from reportlab.pdfbase import pdfdoc

    if im.source is None:
        return pdfdoc.PDFStream(dictionary, im.jpeg)

    class StoredStream(pdfdoc.PDFStream):
        def format(self, document):
            self.content = im.source.read()
            try:
                return super().format(document)
            finally:
                self.content = b""

    return StoredStream(dictionary, b"")
