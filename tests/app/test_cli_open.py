"""``xjeditor open FILE --screenshot OUT.png`` writes the window as a 1600×1000 PNG."""

from __future__ import annotations

from xjeditor.cli import main


def test_screenshot_writes_a_1600_by_1000_png(app, sample, tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "shot.png"
    assert main(["open", str(sample), "--screenshot", str(out)]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1600, 1000)
    # the pasteboard is grey and a page is white: both are on screen
    colors = {img.pixelColor(x, y).name() for x in range(300, 1300, 25) for y in range(100, 900, 25)}
    assert "#ffffff" in colors and "#969696" in colors


def test_screenshot_of_a_bad_file_fails_cleanly(app, tmp_path, capsys):
    bad = tmp_path / "bad.xjb"
    bad.write_text("not an issue")
    assert main(["open", str(bad), "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "bad.xjb" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_cli_package_does_not_import_qt():
    import subprocess
    import sys

    code = "import sys, xjeditor.cli; xjeditor.cli.build_parser(); print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
