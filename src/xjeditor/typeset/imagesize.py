"""The pixel size of an image as it will be shown (EXIF rotation applied).

Layout needs only each picture's proportions. Reading them from the JPEG or PNG header
takes microseconds, where opening the file with Pillow imports its format plugins and
parses the whole EXIF block on every layout. Anything this reader does not follow to the
end (another format, an unusual EXIF layout, a damaged header) goes to Pillow, so the
answer is always Pillow's.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

_ORIENTATION = 0x0112
#: JPEG start-of-frame markers (the frame header holds the size); C4, C8 and CC are not.
SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class _Unsure(Exception):
    """The header is not one this reader follows to the end: ask Pillow."""


def image_size_px(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels as shown (EXIF orientations 5-8 swap them), or None when
    the image cannot be read."""
    try:
        if data[:3] == b"\xff\xd8\xff":
            size, orientation = _jpeg(data)
        elif data[:8] == b"\x89PNG\r\n\x1a\n":
            size, orientation = _png(data)
        else:
            raise _Unsure
    except (_Unsure, struct.error, IndexError, ValueError):
        return _with_pillow(data)
    w, h = size
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def _with_pillow(data: bytes) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
            orientation = im.getexif().get(_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - any unreadable image is reported by preflight
        return None
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def jpeg_segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, position, length) of each marker segment of a JPEG after its SOI, in
    order; ``data[position + 4:position + 2 + length]`` is the segment's body. Fill bytes
    and markers without a length are stepped over. Raises ValueError for a broken marker
    or length; stops where the data ends."""
    pos, n = 2, len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            raise ValueError("broken JPEG marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            raise ValueError("broken JPEG segment length")
        yield marker, pos, length
        pos += 2 + length


def _jpeg(data: bytes) -> tuple[tuple[int, int], int]:
    orientation: int | None = None
    exif_seen = xmp_seen = False
    for marker, pos, length in jpeg_segments(data):
        body = pos + 4
        if marker == 0xE1 and data[body:body + 6] == b"Exif\0\0":
            if exif_seen:  # Pillow joins several Exif blocks
                raise _Unsure
            exif_seen = True
            orientation = _exif_orientation(data[body + 6:pos + 2 + length])
        elif marker == 0xE1 and data[body:body + 29] == b"http://ns.adobe.com/xap/1.0/\0":
            xmp_seen = True  # Pillow looks for tiff:Orientation there when Exif has none
        elif marker in SOF_MARKERS:
            h, w = struct.unpack_from(">HH", data, body + 1)
            if not (w and h) or (orientation is None and xmp_seen):
                raise _Unsure
            return (w, h), orientation or 1
        elif marker == 0xDA:  # image data before any frame header
            raise _Unsure
    raise _Unsure


def _exif_orientation(tiff: bytes) -> int | None:
    if tiff[:4] == b"II*\0":
        order = "<"
    elif tiff[:4] == b"MM\0*":
        order = ">"
    else:
        raise _Unsure
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for i in range(count):
        tag, kind, num = struct.unpack_from(order + "HHI", tiff, ifd + 2 + 12 * i)
        if tag == _ORIENTATION:
            if kind != 3 or num != 1:  # not one SHORT: leave it to Pillow
                raise _Unsure
            (value,) = struct.unpack_from(order + "H", tiff, ifd + 2 + 12 * i + 8)
            return value
    return None


def _png(data: bytes) -> tuple[tuple[int, int], int]:
    if data[12:16] != b"IHDR":
        raise _Unsure
    w, h = struct.unpack_from(">II", data, 16)
    if not (w and h):
        raise _Unsure
    pos = 8
    while pos + 8 <= len(data):  # metadata that may rotate it anywhere: Pillow reads that
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"eXIf":
            raise _Unsure
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key = data[pos + 8:pos + 8 + min(length, 80)].split(b"\0", 1)[0]
            if key in (b"Raw profile type exif", b"XML:com.adobe.xmp"):
                raise _Unsure
        if kind == b"IEND":
            break
        pos += 12 + length
    return (w, h), 1
