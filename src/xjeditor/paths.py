"""Where the project's shipped data lives (fonts, layouts, seeds).

The app runs from a source checkout (``pip install -e .``); the data folders sit at the
top of the repository. ``XJEDITOR_HOME`` points elsewhere when set.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("XJEDITOR_HOME")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return project_root() / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def layouts_dir() -> Path:
    return project_root() / "layouts"


def seeds_dir() -> Path:
    return project_root() / "seeds"
