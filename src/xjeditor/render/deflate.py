"""Deflating the large streams of an export, once.

The biggest streams a print PDF deflates are the same from one export to the next: the
output intent's CMYK profile always, and the font subsets whenever the issue shows the
same characters. Deflating a subset of a CJK face (a few hundred kB) takes longer than
building it. ``deflate`` keeps the results in ``paths.user_cache_dir("deflate")``, keyed
by a hash of the bytes; ``deflate_all`` deflates several streams at once on threads
(zlib lets go of the GIL).

A stream deflated here is handed to reportlab with its ``/Filter`` already in the
dictionary, which reportlab takes as "already encoded".
"""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

from ..paths import user_cache_dir, write_cache_file

#: zlib level (reportlab's default for its own streams).
DEFLATE_LEVEL = 6


def _cache_path(data: bytes) -> Path | None:
    folder = user_cache_dir("deflate")
    if folder is None:
        return None
    digest = hashlib.sha256(data).hexdigest()
    return folder / digest[:2] / f"{digest}-{zlib.ZLIB_RUNTIME_VERSION}-{DEFLATE_LEVEL}.zc"


def deflate(data: bytes) -> bytes:
    """``data`` deflated, from the cache when the same bytes were deflated before.

    A cache entry is the CRC-32 of the deflated bytes, then those bytes: an entry damaged
    on disk is not used."""
    path = _cache_path(data)
    if path is not None:
        try:
            entry = path.read_bytes()
            if len(entry) > 4 and int.from_bytes(entry[:4], "big") == zlib.crc32(memoryview(entry)[4:]):
                return entry[4:]
        except OSError:
            pass
    packed = zlib.compress(data, DEFLATE_LEVEL)
    if path is not None:
        write_cache_file(path, zlib.crc32(packed).to_bytes(4, "big") + packed)
    return packed


def deflate_all(items: list[bytes]) -> list[bytes]:
    """``deflate`` of each item, several at once when there are cores to spare."""
    workers = min(len(items), os.cpu_count() or 1)
    if workers < 2:
        return [deflate(d) for d in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(deflate, items))
