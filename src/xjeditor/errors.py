"""The one base of the project's bilingual errors.

An error a user may see carries the same message twice: ``message`` in English (``str()``,
the CLI, logs) and ``message_zh`` in Simplified Chinese (the editor); ``en`` and ``zh``
name the same two. Each layer derives its own errors from :class:`BilingualError`
(``IssueFileError``, ``LayoutError``, ``FontError``, ``FontEmbedError``) and sets
``path`` as it needs. Imports nothing of the project.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error with an English and a Simplified Chinese message."""

    def __init__(self, message: str, message_zh: str = "", *, path: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        self.path = path

    def __str__(self) -> str:
        return self.message

    @property
    def en(self) -> str:
        return self.message

    @property
    def zh(self) -> str:
        return self.message_zh
