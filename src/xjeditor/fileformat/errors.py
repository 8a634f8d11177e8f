"""Typed errors of the issue file (``.xjb``) reader and writer.

Every error carries an English ``message`` (the CLI, logs) and a Chinese ``message_zh``
(the GUI). ``str(error)`` is the English message. Messages are one line and name the
problem precisely enough for a user to act on it; ``path`` is the file concerned when known
(the messages do not repeat it, so callers can prefix it as they like).

Hierarchy::

    IssueFileError
    ├── FileAccessError              the operating system refused a read or write
    ├── FileChangedError             save refused: the file changed on disk since it was opened
    ├── UnsavableIssueError          the model cannot be written (dangling reference, NaN ...)
    └── InvalidIssueFileError        the bytes are not a valid issue file
        ├── NotAZipError
        ├── DamagedArchiveError      truncated, bad CRC, encrypted, unsupported compression
        ├── UnsafeMemberNameError    a member name that could escape the package
        ├── SizeLimitError           too many members, members or totals too large, zip bombs
        ├── MissingIssueJsonError
        ├── InvalidJsonError         with ``line`` and ``column`` when known
        ├── UnsupportedFormatVersionError
        ├── SchemaError              with the JSON path of the offending value
        ├── MissingImageError
        └── ImageHashMismatchError
"""

from __future__ import annotations

import os

from ..errors import BilingualError


def _show(name: str) -> str:
    """A member name or key quoted for a one-line message (control characters escaped)."""
    return repr(name)


class IssueFileError(BilingualError):
    """Base class of every error raised by :mod:`xjeditor.fileformat` for issue files."""

    def __init__(self, message: str, message_zh: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message, message_zh, path=os.fspath(path) if path is not None else None)


class FileAccessError(IssueFileError):
    """Reading or writing the file failed at the operating-system level."""

    def __init__(self, action: str, os_error: OSError, *, path: str | os.PathLike[str] | None = None) -> None:
        reason = os_error.strerror or str(os_error)
        zh_action = {"read": "读取", "write": "写入"}.get(action, action)
        super().__init__(
            f"cannot {action} the file: {reason}",
            f"无法{zh_action}文件：{reason}",
            path=path,
        )
        self.os_error = os_error


class FileChangedError(IssueFileError):
    """``save_issue(..., expected_hash=...)`` found a different file on disk (or none)."""

    def __init__(self, *, path: str | os.PathLike[str] | None = None, missing: bool = False,
                 kept: str | os.PathLike[str] | None = None) -> None:
        if missing:
            en = "the file was moved or deleted since it was opened; not saved (use Save As)"
            zh = "文件在打开后已被移动或删除，未保存（请使用“另存为”）"
        else:
            en = "the file was changed on disk by someone else since it was opened; not saved"
            zh = "文件在打开后已被他人在磁盘上修改，未保存"
        if kept is not None:  # the change came while the save was being written
            en += f"; your version was saved as {os.fspath(kept)}"
            zh += f"；您的版本已另存为 {os.fspath(kept)}"
        super().__init__(en, zh, path=path)
        self.missing = missing
        self.kept = None if kept is None else os.fspath(kept)


class UnsavableIssueError(IssueFileError):
    """The model is inconsistent and cannot be written (nothing is written)."""

    def __init__(self, json_path: str, detail: str, detail_zh: str) -> None:
        super().__init__(
            f"cannot save the issue: {json_path}: {detail}",
            f"无法保存本期：{json_path}：{detail_zh}",
        )
        self.json_path = json_path
        self.detail = detail


class InvalidIssueFileError(IssueFileError):
    """The file's content is not a valid issue file."""


class NotAZipError(InvalidIssueFileError):
    def __init__(self, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            "not an XJ Editor issue file (it is not a zip archive)",
            "不是 XJ Editor 期刊文件（不是 zip 压缩包）",
            path=path,
        )


class DamagedArchiveError(InvalidIssueFileError):
    def __init__(self, detail: str, detail_zh: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(f"damaged issue file: {detail}", f"期刊文件已损坏：{detail_zh}", path=path)


class UnsafeMemberNameError(InvalidIssueFileError):
    def __init__(self, member: str, reason: str, reason_zh: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            f"unsafe member name {_show(member)} in the package: {reason}",
            f"文件包内成员名 {_show(member)} 不安全：{reason_zh}",
            path=path,
        )
        self.member = member


class SizeLimitError(InvalidIssueFileError):
    def __init__(self, detail: str, detail_zh: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            f"refusing to open: {detail}",
            f"拒绝打开：{detail_zh}",
            path=path,
        )


class MissingIssueJsonError(InvalidIssueFileError):
    def __init__(self, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            "not an XJ Editor issue file: the package has no issue.json",
            "不是 XJ Editor 期刊文件：文件包中没有 issue.json",
            path=path,
        )


class InvalidJsonError(InvalidIssueFileError):
    def __init__(
        self,
        detail: str,
        detail_zh: str,
        line: int | None = None,
        column: int | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        where = f" at line {line}, column {column}" if line is not None else ""
        where_zh = f"（第 {line} 行第 {column} 列）" if line is not None else ""
        super().__init__(
            f"issue.json is not valid JSON{where}: {detail}",
            f"issue.json 不是有效的 JSON{where_zh}：{detail_zh}",
            path=path,
        )
        self.line = line
        self.column = column


class UnsupportedFormatVersionError(InvalidIssueFileError):
    def __init__(self, version: int, supported: int, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            f"the file has format version {version}, made by a newer XJ Editor; "
            f"this version reads format versions up to {supported}. Please update XJ Editor",
            f"文件格式版本为 {version}，由更新版本的 XJ Editor 生成；"
            f"本版本最高只能读取格式版本 {supported}，请升级 XJ Editor",
            path=path,
        )
        self.version = version
        self.supported = supported


class SchemaError(InvalidIssueFileError):
    """A value in issue.json has the wrong type, range or reference; ``json_path`` locates it."""

    def __init__(self, json_path: str, detail: str, detail_zh: str, *,
                 path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(f"{json_path}: {detail}", f"{json_path}：{detail_zh}", path=path)
        self.json_path = json_path
        self.detail = detail
        self.detail_zh = detail_zh


class MissingImageError(InvalidIssueFileError):
    def __init__(self, member: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            f"image {_show(member)} is listed in issue.json but missing from the package",
            f"图片 {_show(member)} 在 issue.json 中有登记，但文件包中缺失",
            path=path,
        )
        self.member = member


class ImageHashMismatchError(InvalidIssueFileError):
    def __init__(self, member: str, actual: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(
            f"image {_show(member)} is damaged: its content does not match its hash name "
            f"(content hash {actual[:12]}…)",
            f"图片 {_show(member)} 已损坏：内容与其哈希文件名不符（实际哈希 {actual[:12]}…）",
            path=path,
        )
        self.member = member
        self.actual = actual


def with_path(error: IssueFileError, path: str | os.PathLike[str]) -> IssueFileError:
    """Set ``error.path`` (when unset) and return the error, for re-raising."""
    if error.path is None:
        error.path = os.fspath(path)
    return error
