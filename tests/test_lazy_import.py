"""``lazy_import``: a deferred module runs on first use, and an export whose pictures all
come from the cache never runs Pillow's ``Image`` module (reportlab imports it)."""

import os
import subprocess
import sys

from xjeditor.paths import seeds_dir


def _python(code: str, **env: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_a_deferred_module_runs_on_first_use():
    out = _python(
        "import sys\n"
        "from xjeditor import lazy_import\n"
        "assert 'colorsys' not in sys.modules and 'email.charset' not in sys.modules\n"
        "m = lazy_import.defer('colorsys')\n"
        "print(type(m).__name__)\n"
        "print(m.rgb_to_hsv(1.0, 0.0, 0.0)[2])\n"
        "print(type(m).__name__)\n"
        "print(lazy_import.defer('colorsys') is m, lazy_import.defer('no_such_module_xj'))\n"
        "lazy_import.defer('email.charset')\n"
        "from email import charset\n"  # as reportlab imports PIL.Image: it stays asleep
        "print(type(charset).__name__, type(lazy_import.load(charset)).__name__)\n"
    )
    assert out == ["_LazyModule", "1.0", "module", "True", "None", "_LazyModule", "module"]


def test_a_warm_export_leaves_pillow_asleep(tmp_path):
    code = (
        "import sys\n"
        "from xjeditor.cli import main\n"
        f"main(['export', {str(seeds_dir() / 'demo.xjb')!r}, '-o', {str(tmp_path / 'x.pdf')!r}])\n"
        "print('PIL.ExifTags' in sys.modules)\n"
    )
    cache = str(tmp_path / "cache")
    first = _python(code, XJEDITOR_CACHE_DIR=cache, XJEDITOR_NO_FORK="1")
    second = _python(code, XJEDITOR_CACHE_DIR=cache, XJEDITOR_NO_FORK="1")
    assert first[-1] == "True"  # pictures were prepared: Pillow ran
    assert second[-1] == "False"  # all from the cache: it never had to
