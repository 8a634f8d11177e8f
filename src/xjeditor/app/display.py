"""Can Qt open a window here? Asked before the QApplication is made: when Qt cannot load
a platform plugin it aborts the process (SIGABRT) after a few lines meant for developers.

On Linux the editor needs a display (``DISPLAY`` for X11, ``WAYLAND_DISPLAY``) unless
``QT_QPA_PLATFORM`` names a platform that needs none (offscreen, minimal, vnc, eglfs…).
On X11, Qt's xcb plugin needs system libraries that a minimal Debian lacks (libxcb-cursor0,
libxcb-icccm4, libxcb-keysyms1): the plugin is checked with ``ldd``, and libxcb-cursor,
which Qt opens only at run time, by loading it.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

RUNTIME_LIBRARIES = ("libxcb-cursor.so.0",)  # dlopen()ed by Qt 6.5 and later, not linked


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why the editor's window cannot open, in one line (Chinese, then English); None when
    it can, as far as can be told."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    names = [n.split(":")[0].strip() for n in env.get("QT_QPA_PLATFORM", "").split(";") if n.strip()]
    first = names[0] if names else ""
    if first and first != "xcb" and not first.startswith("wayland"):
        return None  # offscreen, minimal, vnc, eglfs, linuxfb…: no display needed
    if env.get("WAYLAND_DISPLAY") and (not first or first.startswith("wayland")):
        return None
    if not env.get("DISPLAY"):
        return ("没有图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开编辑器；可用 "
                "“xjeditor open 文件 --screenshot 图.png”或“xjeditor export” / no display (DISPLAY and "
                "WAYLAND_DISPLAY are not set): cannot open the editor")
    missing = missing_xcb_libraries()
    if missing:
        packages = " ".join(debian_package(lib) for lib in missing)
        return (f"Qt 的 X11 显示插件（xcb）缺少系统库 {'、'.join(missing)}，请安装：sudo apt-get install {packages}"
                f" / Qt's xcb platform plugin cannot load, missing {', '.join(missing)}: "
                f"install {packages}")
    if x_server_reachable(env["DISPLAY"]) is False:
        return (f"无法连接到显示 DISPLAY={env['DISPLAY']}（X 服务器没有运行或不允许连接），无法打开编辑器"
                f" / cannot connect to the X display {env['DISPLAY']}: cannot open the editor")
    return None


def x_server_reachable(name: str) -> bool | None:
    """Whether an X server answers at display ``name`` (None: cannot tell, no libxcb)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(name.encode(), None)  # never NULL: an error connection at worst
    try:
        return bool(conn) and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn:
            xcb.xcb_disconnect(conn)


def xcb_plugin() -> Path | None:
    from PySide6.QtCore import QLibraryInfo  # QtCore only: loads no platform plugin

    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_xcb_libraries() -> list[str]:
    """The shared libraries Qt's xcb plugin needs and the system does not have (sonames)."""
    missing: list[str] = []
    plugin = xcb_plugin()
    if plugin is not None:
        try:
            out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            if "=> not found" in line:
                name = line.split()[0]
                if name not in missing:
                    missing.append(name)
    for name in RUNTIME_LIBRARIES:
        if not _loadable(name) and name not in missing:
            missing.append(name)
    return missing


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def debian_package(soname: str) -> str:
    """The Debian package that ships a library: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    base, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    if not version:
        return base.lower()
    return f"{base}{'-' if base[-1:].isdigit() else ''}{version}".lower()
