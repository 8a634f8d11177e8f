"""render.deflate: big streams deflated once, cached by content, several at a time."""

import zlib

import pytest

from xjeditor.render import deflate as d

DATA = bytes(range(256)) * 2000


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path))
    return tmp_path / "deflate"


def test_deflated_bytes_inflate_to_the_input(cache):
    assert zlib.decompress(d.deflate(DATA)) == DATA
    assert len(list(cache.rglob("*.zc"))) == 1


def test_the_same_bytes_come_from_the_cache(cache, monkeypatch):
    first = d.deflate(DATA)

    def no_deflating(*args):
        raise AssertionError("deflated again")

    monkeypatch.setattr(d.zlib, "compress", no_deflating)
    assert d.deflate(DATA) == first


def test_a_damaged_cache_entry_is_not_used(cache):
    d.deflate(DATA)
    (entry,) = cache.rglob("*.zc")
    good = entry.read_bytes()
    entry.write_bytes(good[:-10] + bytes(10))  # damaged on disk: the CRC no longer matches
    assert zlib.decompress(d.deflate(DATA)) == DATA
    assert entry.read_bytes() == good  # and written again
    entry.write_bytes(b"abc")
    assert zlib.decompress(d.deflate(DATA)) == DATA


def test_no_cache_folder_still_deflates(monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    assert zlib.decompress(d.deflate(DATA)) == DATA


def test_an_unwritable_cache_costs_only_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(blocker))  # a file where a folder should be
    assert zlib.decompress(d.deflate(DATA)) == DATA


def test_deflate_all_keeps_the_order(cache):
    items = [DATA[:n] for n in (1000, 300000, 5, 70000)]
    assert [zlib.decompress(z) for z in d.deflate_all(items)] == items
    assert d.deflate_all([]) == []
