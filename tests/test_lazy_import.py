"""``lazy_import``: a deferred module runs on first use, and an export whose pictures all
come from the cache never runs Pillow's ``Image`` module (reportlab imports it)."""

import os
import subprocess
import sys

from xjeditor import cli
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


def test_a_stand_in_imports_the_module_on_first_look_up():
    out = _python(
        "import sys\n"
        "from xjeditor import lazy_import\n"
        "assert 'colorsys' not in sys.modules\n"
        "lazy_import.stand_in('colorsys')\n"
        "import colorsys\n"
        "print(type(colorsys).__name__, type(sys.modules['colorsys']).__name__)\n"
        "print(colorsys.rgb_to_hsv(1.0, 0.0, 0.0)[2], type(sys.modules['colorsys']).__name__)\n"
        "import colorsys as again\n"
        "from colorsys import ONE_THIRD\n"
        "print(again is sys.modules['colorsys'], colorsys.ONE_THIRD is again.ONE_THIRD is ONE_THIRD)\n"
        "lazy_import.stand_in('os')\n"  # imported already: left alone
        "print(type(sys.modules['os']).__name__)\n"
    )
    assert out == ["_StandIn", "_StandIn", "1.0", "module", "True", "True", "module"]


def test_an_export_leaves_the_unused_modules_asleep(tmp_path):
    """What ``xjeditor export`` does in its two processes (read the issue, typeset it,
    write the PDF), here in one process started as the command, with the caches warm:
    the modules ``entry`` stands in for stay stand-ins (jinja2, for one, uses
    ``inspect``: it runs only when the cache of rendered page furniture is cold)."""
    code = (
        "import sys\n"
        "from xjeditor import cli\n"
        "cli._leave = lambda code: None\n"
        f"sys.argv = ['xjeditor', 'export', {str(seeds_dir() / 'demo.xjb')!r}, '-o', {str(tmp_path / 'x.pdf')!r}]\n"
        "cli.entry()\n"
        "print(*(type(sys.modules[m]).__name__ for m in cli.UNUSED_MODULES))\n"
        "print('typing' in sys.modules)\n"
    )
    cache = str(tmp_path / "cache")
    _python(code, XJEDITOR_CACHE_DIR=cache, XJEDITOR_NO_FORK="1")
    out = _python(code, XJEDITOR_CACHE_DIR=cache, XJEDITOR_NO_FORK="1")
    assert out[-1 - len(cli.UNUSED_MODULES):-1] == ["_StandIn"] * len(cli.UNUSED_MODULES)
    # nor does it import typing (the project's modules import it for type checkers only)
    assert out[-1] == "False"


def test_no_stand_in_for_a_module_that_does_not_exist():
    out = _python(
        "import sys\n"
        "from xjeditor import lazy_import\n"
        "lazy_import.stand_in('no_such_module_xj', 'colorsys')\n"
        "print('no_such_module_xj' in sys.modules, type(sys.modules['colorsys']).__name__)\n"
        "try:\n"
        "    import no_such_module_xj\n"
        "except ImportError:\n"
        "    print('ImportError')\n"
    )
    assert out == ["False", "_StandIn", "ImportError"]


def test_the_writer_hashes_without_openssl(tmp_path):
    """The export's writer has hashlib use CPython's own hash functions (loading
    OpenSSL's costs more than its hashing); they give the same digests, and the PDF is
    the same as one written with OpenSSL's."""
    demo = str(seeds_dir() / "demo.xjb")

    def export(out, first=""):
        return _python(
            first + "import sys\n"
            "from xjeditor import cli\n"
            "cli._leave = lambda code: None\n"
            f"sys.argv = ['xjeditor', 'export', {demo!r}, '-o', {str(out)!r}]\n"
            "cli.entry()\n"
            "import hashlib\n"
            "print(sys.modules.get('_hashlib') is None, hashlib.sha256(b'abc').hexdigest()[:12])\n",
            XJEDITOR_NO_FORK="1")

    plain, own = tmp_path / "plain.pdf", tmp_path / "own.pdf"
    assert export(plain, first="import hashlib\n")[-2] == "False"  # imported first: OpenSSL's, as usual
    assert export(own)[-2:] == ["True", "ba7816bf8f01"]
    assert own.read_bytes() == plain.read_bytes()


def test_the_child_of_a_small_issue_hashes_without_openssl(tmp_path):
    """The typesetting child checks the pictures' SHA-256 with CPython's own code when
    the issue file is small (sooner done than OpenSSL is loaded), with OpenSSL's when it
    is not; the issue read is the same either way."""
    demo = str(seeds_dir() / "demo.xjb")

    def child_reads(limit: str) -> list[str]:
        return _python(
            "import sys\n"
            "from xjeditor.cli import export_child as ec\n"
            f"ec.SMALL_ISSUE_BYTES = {limit}\n"
            "ec.use_two_processes = lambda: True\n"
            "class InProcess:\n"  # the child's work, without the fork
            "    def __init__(self, load):\n"
            "        self.issue = load()\n"
            "ec.TypesetChild = InProcess\n"
            f"ec.prestart([{demo!r}, '-o', {str(tmp_path / 'x.pdf')!r}])\n"
            "issue = ec._early[2].issue\n"
            "print(sys.modules.get('_hashlib') is None, len(issue.pages), len(issue.images))\n")

    assert os.path.getsize(demo) < 1 << 20
    assert child_reads("1 << 20") == ["True", "4", "11"]
    assert child_reads("0") == ["False", "4", "11"]
