"""``xjeditor info FILE.xjb``: what an issue file holds, for people or (``--json``) scripts."""

from __future__ import annotations

import argparse
import io
import os
import sys
import unicodedata
from collections import Counter

from ..model import ImageAsset, Issue
from .common import json_text, printable, read_issue_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FRAME_KINDS = ("text", "image", "rule", "box")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "info",
        help="describe an issue file (.xjb): pages, stories, characters, images",
        description="Describe an issue file: paper, issue, pages, stories, characters and images.",
    )
    parser.add_argument("file", metavar="FILE.xjb", help="the issue file")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.set_defaults(func=run)


def _pixel_size(asset: ImageAsset) -> tuple[int, int] | None:
    """Width and height in pixels when Pillow can read the image header, else None."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(asset.data)) as im:
            return int(im.size[0]), int(im.size[1])
    except Exception:  # noqa: BLE001 - any unreadable image is simply reported without a size
        return None


def describe(issue: Issue) -> dict[str, Any]:
    """The facts ``info`` prints, as plain data (also the ``--json`` output)."""
    pages = []
    for number, page in enumerate(issue.pages, start=1):
        counts = Counter(getattr(f, "kind", "?") for f in page.frames)
        pages.append(
            {
                "number": number,
                "kind": str(page.kind),
                "section": page.section,
                "size_mm": [page.width, page.height],
                "frames": {kind: counts.get(kind, 0) for kind in FRAME_KINDS},
            }
        )
    stories = [
        {
            "id": story.id,
            "headline": story.headline,
            "parts": len(story.parts),
            "characters": story.text_length(),
        }
        for story in issue.stories.values()
    ]
    images = []
    for key, asset in issue.images.items():
        size = _pixel_size(asset)
        images.append(
            {
                "key": key,
                "media_type": asset.media_type,
                "original_name": asset.original_name,
                "bytes": len(asset.data),
                "pixels": list(size) if size else None,
            }
        )
    return {
        "paper": issue.paper,
        "number": issue.number,
        "total_number": issue.total_number,
        "date": issue.date.isoformat(),
        "layout": issue.layout,
        "pages": pages,
        "stories": stories,
        "characters": issue.character_count,
        "images": {
            "count": len(images),
            "bytes": sum(i["bytes"] for i in images),
            "items": images,
        },
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_text(info: dict[str, Any], file_name: str) -> str:
    lines = [
        f"File:    {file_name}",
        f"Paper:   {info['paper']}",
        f"Issue:   No. {info['number']}" + (f" (total No. {info['total_number']})" if info["total_number"] else ""),
        f"Date:    {info['date']}",
        f"Layout:  {info['layout'] or '-'}",
        "",
        f"Pages ({len(info['pages'])}):",
    ]
    for page in info["pages"]:
        frames = ", ".join(f"{kind} {n}" for kind, n in page["frames"].items() if n) or "no frames"
        section = page["section"] or "-"
        lines.append(f"  {page['number']:>3}  {page['kind']:<5}  {_pad(section, 12)}  {frames}")
    lines += ["", f"Stories ({len(info['stories'])}):"]
    id_width = max((len(s["id"]) for s in info["stories"]), default=2)
    head_width = min(40, max((_width(s["headline"]) for s in info["stories"]), default=0))
    for story in info["stories"]:
        lines.append(
            f"  {story['id']:<{id_width}}  {_pad(story['headline'] or '-', head_width)}"
            f"  {story['parts']:>3} part{'s' if story['parts'] != 1 else ' '}  {story['characters']:>6} chars"
        )
    images = info["images"]
    lines += [
        "",
        f"Total characters: {info['characters']}",
        f"Images: {images['count']}, {images['bytes']:,} bytes",
    ]
    for image in images["items"]:
        pixels = f"{image['pixels'][0]}×{image['pixels'][1]} px" if image["pixels"] else "size unknown"
        name = f"  {image['original_name']}" if image["original_name"] else ""
        size = f"{image['bytes']:>10,} bytes"
        lines.append(f"  {image['key'][:12]}  {image['media_type']:<10}  {pixels:>15}  {size}{name}")
    return "\n".join(lines)


def _printable(value: Any) -> Any:
    """``value`` with every string in it made safe for a terminal (``printable``)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    issue, digest = read_issue_file(args.file, with_hash=True)
    info = describe(issue)
    if args.json:
        text = json_text({"file": args.file, "sha256": digest, **info}, indent=2)
    else:
        text = format_text(_printable(info), printable(args.file))
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        devnull = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        os.dup2(devnull.fileno(), sys.stdout.fileno())
    return 0
