"""Cache folders stay bounded: the least recently used entries go first."""

import os
import time

from xjeditor import paths


def _fill(folder, sizes):
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    files = []
    for i, size in enumerate(sizes):
        sub = folder / f"{i % 3:02d}"
        sub.mkdir(exist_ok=True)
        f = sub / f"entry{i}"
        f.write_bytes(b"x" * size)
        os.utime(f, (now - 1000 + i, now - 1000 + i))  # entry0 is the oldest
        files.append(f)
    return files


def test_under_the_limit_nothing_goes(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(paths, "_pruned", set())
    files = _fill(tmp_path / "somekind", [100] * 10)
    assert paths.prune_cache("somekind", 1000) == 0
    assert all(f.exists() for f in files)


def test_over_the_limit_the_oldest_go_down_to_three_quarters(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(paths, "_pruned", set())
    files = _fill(tmp_path / "images", [100] * 20)  # 2,000 bytes
    paths.touch_cache_file(files[0])  # the oldest, but just used: it stays
    assert paths.prune_cache("images", 1000) == 13
    left = [f for f in files if f.exists()]
    assert sum(f.stat().st_size for f in left) <= 750
    assert files[0] in left and files[-1] in left and not files[1].exists()


def test_once_per_process_and_kind_and_never_without_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(paths, "_pruned", set())
    _fill(tmp_path / "somekind", [100] * 20)
    assert paths.prune_cache("somekind", 1000) > 0
    _fill(tmp_path / "somekind", [100] * 20)
    assert paths.prune_cache("somekind", 1000) == 0  # already walked in this process
    assert paths.prune_cache("missing-kind", 10) == 0
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    assert paths.prune_cache("images", 0) == 0
    paths.touch_cache_file(tmp_path / "nope")  # a missing file is no error
