"""A picture an issue holds: its original bytes, kept under their hash.

Apart from the rest of the model so that what only draws pictures (the PDF writer) can
use it without the issue's other classes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


# Image types an issue may hold, with the extension their package member gets.
IMAGE_EXTENSIONS: dict[str, str] = {"image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif"}


@dataclass
class ImageAsset:
    """A placed image's original bytes; stored in the issue file under its hash."""

    data: bytes
    media_type: str  # image/jpeg, image/png, image/tiff
    original_name: str = ""  # file name only, never a path

    @property
    def key(self) -> str:
        """The SHA-256 of ``data`` (hex), made once for given bytes: saving, drawing and
        the image cache all ask for it, and an image is often megabytes."""
        data = self.data
        known = self.__dict__.get("_key")
        if known is not None and known[0] is data:
            return known[1]
        key = hashlib.sha256(data).hexdigest()
        if type(data) is bytes:  # (a bytearray could change under it)
            self.__dict__["_key"] = (data, key)
        return key

    @classmethod
    def verified(cls, data: bytes, media_type: str, original_name: str, key: str) -> ImageAsset:
        """An asset whose ``key`` the caller has just checked to be the SHA-256 of
        ``data`` (the file reader hashes every image it reads)."""
        asset = cls(data, media_type, original_name)
        if type(data) is bytes:
            asset.__dict__["_key"] = (data, key)
        return asset

    @property
    def extension(self) -> str:
        return IMAGE_EXTENSIONS.get(self.media_type, ".bin")
