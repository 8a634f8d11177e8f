"""Screen-resolution previews of an issue's pictures ("proxies"), kept in a cache folder.

The editor draws a 24-megapixel photo a few hundred device pixels wide, so it draws it
from a proxy: the picture decoded as the page shows it (``picture_decode``: oriented,
8-bit, flattened, sRGB), its long side reduced to ``PROXY_SIZES`` pixels (a JPEG is
decoded at 1/2, 1/4 or 1/8 scale with Pillow's ``draft`` when that still leaves enough
pixels), stored as a JPEG (quality ``JPEG_QUALITY``); a picture smaller than that is used as it
is decoded and not stored. ``QtPageRenderer`` takes the
smallest proxy that has at least the device pixels the picture is shown at, and decodes
the whole picture only when none has.

Proxies are made once per picture and size and kept in ``paths.user_cache_dir("proxies")``,
as ``pdf_images`` keeps prepared images: an entry's key is a hash of the picture's bytes
(its SHA-256), the proxy size and quality, Pillow's version and the source of the code
that decodes it (this module and ``picture_decode``); an entry is plain data, a header
(magic, format version, its key, the JPEG's length, a BLAKE2b checksum) and the JPEG. It
is used only when the key and the checksum match, and made again otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
from pathlib import Path

from PIL import Image
from PIL import __version__ as PILLOW_VERSION

from ..model import ImageAsset
from ..paths import prune_cache, source_digest, touch_cache_file, user_cache_dir, write_cache_file
from . import picture_decode

# Long sides of the proxies, smallest first: page thumbnails, then the canvas.
PROXY_SIZES = (256, 1024)
JPEG_QUALITY = 90
CACHE_KIND = "proxies"
CACHE_VERSION = 1
CACHE_MAX_BYTES = 256 * 1024 * 1024

_MAGIC = b"XJPX"
# magic, format version, key (hex), length of the JPEG, checksum
_HEADER = struct.Struct(">4sH64sI32s")


def cache_dir() -> Path | None:
    """Where proxies are kept (``paths.user_cache_dir``); None: no caching."""
    return user_cache_dir(CACHE_KIND)


@functools.cache
def _code_digest() -> str:
    """A hash of the source of the code that makes a proxy (``paths.source_digest``)."""
    return source_digest(__file__, picture_decode.__file__)


def cache_key(asset: ImageAsset, size: int) -> str:
    facts = json.dumps([CACHE_VERSION, asset.key, size, JPEG_QUALITY, picture_decode.MAX_PIXELS,
                        PILLOW_VERSION, _code_digest()])
    return hashlib.sha256(facts.encode()).hexdigest()


def _checksum(key: bytes, jpeg: bytes | memoryview) -> bytes:
    h = hashlib.blake2b(key, digest_size=32)
    h.update(jpeg)
    return h.digest()


def entry_bytes(key: str, jpeg: bytes) -> bytes:
    """The bytes of a cache entry."""
    k = key.encode("ascii")
    return _HEADER.pack(_MAGIC, CACHE_VERSION, k, len(jpeg), _checksum(k, jpeg)) + jpeg


def entry_jpeg(key: str, data: bytes) -> bytes | None:
    """The JPEG of an entry's bytes when it is whole and is the entry of ``key``; else None."""
    if len(data) < _HEADER.size:
        return None
    magic, version, stored_key, n_jpeg, checksum = _HEADER.unpack_from(data)
    k = key.encode("ascii")
    if magic != _MAGIC or version != CACHE_VERSION or stored_key != k or len(data) != _HEADER.size + n_jpeg:
        return None
    jpeg = memoryview(data)[_HEADER.size:]
    if _checksum(k, jpeg) != checksum:
        return None
    return bytes(jpeg)


def entry_path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / key[:2] / key


def _read(key: str, size: int) -> Image.Image | None:
    path = entry_path(key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    jpeg = entry_jpeg(key, data)
    if jpeg is None:
        return None
    try:
        im = Image.open(io.BytesIO(jpeg), formats=["JPEG"])
        if im.mode not in ("L", "RGB") or max(im.size) > size:
            return None  # not what this module writes
        im.load()
    except Exception:  # noqa: BLE001 - a JPEG that passed the checksum but Pillow refuses
        return None
    touch_cache_file(path)
    return im


def _encoded(im: Image.Image) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def make_proxy(data: bytes, size: int) -> Image.Image:
    """The picture in ``data`` as ``decode_picture`` gives it, its long side at most
    ``size`` pixels. Raises ``ValueError`` for data Pillow cannot read."""
    return picture_decode.decode_picture(data, max_side=size)


def proxy(asset: ImageAsset, size: int) -> Image.Image:
    """The proxy of ``asset`` with long side at most ``size`` (an ``L`` or ``RGB`` image),
    from the cache folder, else made and stored there. Raises ``ValueError`` for a
    picture that cannot be read."""
    key = cache_key(asset, size)
    im = _read(key, size)
    if im is not None:
        return im
    made = make_proxy(asset.data, size)
    if max(made.size) < size:
        # The whole picture: kept exact (no JPEG), and quickly decoded again; the cache
        # is for pictures too large to decode at every opening.
        return made
    jpeg = _encoded(made)
    path = entry_path(key)
    if path is not None:
        write_cache_file(path, entry_bytes(key, jpeg))
        prune_cache(CACHE_KIND, CACHE_MAX_BYTES)
    # the stored JPEG's pixels, so that a proxy just made and one read later are the same
    im = Image.open(io.BytesIO(jpeg))
    im.load()
    return im
