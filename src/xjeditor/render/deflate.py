"""Deflating the large streams of an export, once.

The biggest streams a print PDF deflates are the same from one export to the next: the
output intent's CMYK profile always, and the pages' content streams whenever the pages
are unchanged. Hashing a stream (to find it in the cache) costs a small part of
deflating it. (Font subsets and their ToUnicode maps are kept deflated in a cache of
their own, ``subsets/``, see ``pdf_fonts``: they pass through here with ``cache=False``
and are not stored twice.) ``deflate`` keeps the results in ``paths.user_cache_dir("deflate")``,
keyed by a hash of the bytes; ``deflate_all`` looks a list of streams up and deflates
the ones not found several at once on threads (zlib lets go of the GIL).

A stream deflated here is handed to reportlab with its ``/Filter`` already in the
dictionary, which reportlab takes as "already encoded".
"""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from pathlib import Path

from ..paths import prune_cache, touch_cache_file, user_cache_dir, write_cache_file

#: zlib level (reportlab's default for its own streams).
DEFLATE_LEVEL = 6
#: The cache folder is kept under this size, least recently used entries going first.
CACHE_MAX_BYTES = 256 * 1024 * 1024


def _cache_path(data: bytes) -> Path | None:
    folder = user_cache_dir("deflate")
    if folder is None:
        return None
    digest = hashlib.blake2b(data, digest_size=32).hexdigest()  # (CPython's own: see cli.export_child.hashes_without_openssl)
    return folder / digest[:2] / f"{digest}-{zlib.ZLIB_RUNTIME_VERSION}-{DEFLATE_LEVEL}.zc"


def _cached(path: Path | None) -> bytes | None:
    """The deflated bytes kept at ``path``; None when missing or damaged."""
    if path is not None:
        try:
            entry = path.read_bytes()
            if len(entry) > 4 and int.from_bytes(entry[:4], "big") == zlib.crc32(memoryview(entry)[4:]):
                touch_cache_file(path)
                return entry[4:]
        except OSError:
            pass
    return None


def _deflate_to(data: bytes, path: Path | None) -> bytes:
    packed = zlib.compress(data, DEFLATE_LEVEL)
    if path is not None:
        write_cache_file(path, zlib.crc32(packed).to_bytes(4, "big") + packed)
        prune_cache("deflate", CACHE_MAX_BYTES)
    return packed


def deflate(data: bytes) -> bytes:
    """``data`` deflated, from the cache when the same bytes were deflated before.

    A cache entry is the CRC-32 of the deflated bytes, then those bytes: an entry damaged
    on disk is not used."""
    path = _cache_path(data)
    found = _cached(path)
    return found if found is not None else _deflate_to(data, path)


def deflate_all(items: list[bytes], *, cache: bool = True) -> list[bytes]:
    """``deflate`` of each item, several at once when there are cores to spare.

    The cache is looked up first, in this thread: when every item is there (an issue
    exported before), no thread is started at all. ``cache=False`` neither looks up nor
    keeps anything (streams a cache of their own keeps)."""
    paths = [_cache_path(data) if cache else None for data in items]
    out = [_cached(path) for path in paths]
    todo = [i for i, found in enumerate(out) if found is None]
    workers = min(len(todo), os.cpu_count() or 1)
    if workers < 2:
        for i in todo:
            out[i] = _deflate_to(items[i], paths[i])
        return out

    errors: list[BaseException] = []

    def work(share: list[int]) -> None:
        try:
            for i in share:
                out[i] = _deflate_to(items[i], paths[i])
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            errors.append(exc)

    # Plain threads (zlib lets go of the GIL); each takes every workers-th item.
    threads = [threading.Thread(target=work, args=(todo[k::workers],)) for k in range(1, workers)]
    for t in threads:
        t.start()
    work(todo[0::workers])
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return out
