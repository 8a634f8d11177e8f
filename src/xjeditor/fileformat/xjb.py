"""The ``.xjb`` container: a zip of ``issue.json`` and content-addressed images.

Writing is deterministic (same issue -> same bytes, on any machine): members in a fixed
order (``issue.json``, then images sorted by name), all stored uncompressed (the bytes do
not depend on the zlib build; images are compressed already), a fixed timestamp
(1980-01-01 00:00), fixed permissions and host system, no comments or extra fields, and
JSON with sorted keys, two-space indentation and real UTF-8 (``ensure_ascii=False``).

Saving is atomic: the bytes go to a temporary file in the target's folder, which is flushed
and fsynced, renamed over the target with ``os.replace`` and the folder fsynced. If anything
fails the target is untouched and the temporary file removed (``paths.replace_file``).

Reading distrusts the file: member names, counts, declared sizes and compression ratios are
checked before any member is read, members are read with a hard cap, issue.json is parsed
strictly and validated (``schema.validate_record``) before the model is built, and every
image must hash to its name. Reading never writes anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..model import Issue
from ..paths import replace_file
from . import schema, torecord
from .errors import (
    DamagedArchiveError,
    FileAccessError,
    FileChangedError,
    ImageHashMismatchError,
    InvalidJsonError,
    IssueFileError,
    MissingImageError,
    MissingIssueJsonError,
    NotAZipError,
    SchemaError,
    SizeLimitError,
    UnsafeMemberNameError,
    UnsavableIssueError,
    with_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

ISSUE_MEMBER = "issue.json"

# Limits on what a reader accepts (see docs/FORMAT.md, "Limits").
MAX_MEMBERS = 10_000
MAX_JSON_BYTES = 64 * 1024 * 1024  # issue.json, uncompressed
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # any one member, uncompressed
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, checked for members above RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_MODE = 0o100644 << 16  # regular file, rw-r--r--
_ZIP_UNIX = 3
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError,
               OverflowError, IndexError, KeyError, TypeError, AttributeError)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = _ZIP_UNIX
    info.external_attr = _ZIP_MODE
    return info


def issue_record(issue: Issue) -> dict[str, Any]:
    """The validated JSON record of ``issue``; raises :class:`UnsavableIssueError`."""
    try:
        record = torecord.issue_to_record(issue)
        schema.validate_record(record)
    except torecord.ModelMismatch as exc:
        raise UnsavableIssueError(exc.json_path, exc.detail, exc.detail_zh) from None
    except SchemaError as exc:
        raise UnsavableIssueError(exc.json_path, exc.detail, exc.detail_zh) from None
    return record


def dump_json(record: dict[str, Any]) -> bytes:
    """issue.json's bytes: sorted keys, readable Chinese, a final newline."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def issue_to_bytes(issue: Issue) -> bytes:
    """The ``.xjb`` bytes of an issue (deterministic)."""
    record = issue_record(issue)
    members: list[tuple[str, bytes]] = [(ISSUE_MEMBER, dump_json(record))]
    images = sorted((member, issue.images[key].data) for key, member in schema.image_entries(record))
    members.extend((m, bytes(d)) for m, d in images)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in members:
            zf.writestr(_zip_info(name), data)
    return buffer.getvalue()


def file_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 (hex) of a file's bytes, as returned by :func:`save_issue`."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise FileAccessError("read", exc, path=path) from None
    return digest.hexdigest()


def atomic_write(path: str | os.PathLike[str], data: bytes,
                 before_replace: Callable[[Path], None] | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (temp file, fsync, rename, fsync folder;
    ``paths.replace_file``). A symbolic link is followed: the file it points to is
    replaced, the link is kept. A new file gets the usual permissions (0666 less the
    umask); an existing file keeps its mode. ``before_replace(temp)`` runs just before
    the rename and may stop it by raising."""
    try:
        replace_file(path, lambda fh, _tmp: fh.write(data), durable=True, before_replace=before_replace)
    except OSError as exc:
        raise FileAccessError("write", exc, path=path) from None


def _check_unchanged(path: str | os.PathLike[str], expected_hash: str) -> None:
    """FileChangedError unless the file at ``path`` still has the hash ``expected_hash``."""
    try:
        current = file_hash(path)
    except FileAccessError as exc:
        if isinstance(exc.os_error, FileNotFoundError):
            raise FileChangedError(path=path, missing=True) from None
        raise
    if current != expected_hash:
        raise FileChangedError(path=path)


def _keep_aside(tmp: Path, path: str | os.PathLike[str]) -> Path:
    """Move the written temporary file ``tmp`` to a visible name beside ``path``
    (``<stem>.unsaved-<date>-<time>[-n]<suffix>``), so the work in it is not lost."""
    target = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        name = f"{target.stem}.unsaved-{stamp}{'' if n == 1 else f'-{n}'}{target.suffix}"
        candidate = tmp.parent / name
        if not os.path.lexists(candidate):
            os.rename(tmp, candidate)
            return candidate
    raise FileExistsError(17, "cannot find a free name", str(tmp.parent))


def save_issue(issue: Issue, path: str | os.PathLike[str], expected_hash: str | None = None) -> str:
    """Write ``issue`` to ``path`` atomically and return the SHA-256 of the written file.

    ``expected_hash`` is the hash the file had when the caller opened (or last saved) it:
    when given, the save is refused with :class:`FileChangedError` if the file on disk has a
    different hash or no longer exists. Pass ``None`` for a new file or "Save As".

    The file is checked before anything is written and again just before the rename: when
    someone else replaced it meanwhile, their file stays and the one just written is kept
    beside it under a visible name (``FileChangedError.kept``).
    """
    data = issue_to_bytes(issue)  # may raise UnsavableIssueError; nothing touched yet
    guard = None
    if expected_hash is not None:
        _check_unchanged(path, expected_hash)

        def guard(tmp: Path) -> None:
            try:
                _check_unchanged(path, expected_hash)
            except FileChangedError as exc:
                raise FileChangedError(path=path, missing=exc.missing, kept=_keep_aside(tmp, path)) from None

    atomic_write(path, data, before_replace=guard)
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    def bad(reason: str, reason_zh: str) -> None:
        raise UnsafeMemberNameError(name, reason, reason_zh)

    if not name:
        bad("empty name", "名称为空")
    if "\x00" in name or any(ord(ch) < 32 for ch in name):
        bad("contains control characters", "含有控制字符")
    if "\\" in name:
        bad("contains a backslash", "含有反斜杠")
    if name.startswith("/"):
        bad("absolute path", "是绝对路径")
    if _DRIVE.match(name) or ":" in name:
        bad("contains a drive letter or colon", "含有盘符或冒号")
    parts = name.rstrip("/").split("/")
    if any(p in ("..", ".") for p in parts):
        bad("contains a '..' or '.' path component", "含有 '..' 或 '.' 路径成分")
    if any(p == "" for p in parts):
        bad("contains an empty path component", "含有空的路径成分")


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB"


def _check_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SizeLimitError(f"the package has {len(infos)} members (limit {MAX_MEMBERS})",
                             f"文件包含 {len(infos)} 个成员（上限 {MAX_MEMBERS}）")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        for name in {info.filename, info.orig_filename}:
            _check_name(name)
        name = info.filename
        if name in by_name:
            raise DamagedArchiveError(f"member {name!r} appears twice", f"成员 {name!r} 出现了两次")
        by_name[name] = info
        if info.flag_bits & 0x1:
            raise DamagedArchiveError(f"member {name!r} is encrypted", f"成员 {name!r} 已加密")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DamagedArchiveError(
                f"member {name!r} uses an unsupported compression method ({info.compress_type})",
                f"成员 {name!r} 使用了不支持的压缩方式（{info.compress_type}）",
            )
        limit = MAX_JSON_BYTES if name == ISSUE_MEMBER else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise SizeLimitError(
                f"member {name!r} is {_mib(info.file_size)} uncompressed (limit {_mib(limit)})",
                f"成员 {name!r} 解压后为 {_mib(info.file_size)}（上限 {_mib(limit)}）",
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SizeLimitError(
                f"member {name!r} expands {info.file_size // max(info.compress_size, 1)} times "
                f"(limit {MAX_RATIO}); the file looks like a zip bomb",
                f"成员 {name!r} 解压后膨胀 {info.file_size // max(info.compress_size, 1)} 倍"
                f"（上限 {MAX_RATIO} 倍），疑似压缩炸弹",
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise SizeLimitError(
            f"the package holds {_mib(total)} uncompressed (limit {_mib(MAX_TOTAL_BYTES)})",
            f"文件包解压后共 {_mib(total)}（上限 {_mib(MAX_TOTAL_BYTES)}）",
        )
    return by_name


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (a lying header is an error)."""
    cap = info.file_size
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(min(_CHUNK, cap + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise SizeLimitError(
                        f"member {info.filename!r} is larger than its declared size",
                        f"成员 {info.filename!r} 的实际大小超过其声明的大小",
                    )
    except _ZIP_ERRORS + (zipfile.error,) as exc:
        raise DamagedArchiveError(f"cannot read member {info.filename!r} ({exc})",
                                  f"无法读取成员 {info.filename!r}（{exc}）") from None
    if len(out) != cap:
        raise DamagedArchiveError(f"member {info.filename!r} is truncated", f"成员 {info.filename!r} 不完整")
    return bytes(out)


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


# Chinese for the messages of Python's JSON parser (matched by prefix).
_JSON_MESSAGES_ZH = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为双引号括起的字段名",
    "Expecting ',' delimiter": "此处应为逗号 ','",
    "Expecting ':' delimiter": "此处应为冒号 ':'",
    "Extra data": "JSON 结束后还有多余内容",
    "Unterminated string": "字符串没有结束引号",
    "Invalid control character": "字符串中有无效的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\uXXXX 转义序列",
    "NaN is not allowed": "不允许使用 NaN",
    "Infinity is not allowed": "不允许使用 Infinity",
    "-Infinity is not allowed": "不允许使用 -Infinity",
    "nesting too deep": "嵌套层数过深",
}


def _json_message_zh(message: str) -> str:
    for prefix, zh in _JSON_MESSAGES_ZH.items():
        if message.startswith(prefix):
            return zh
    return message


def parse_json(data: bytes) -> Any:
    """Strictly parse issue.json: UTF-8, no NaN/Infinity, no duplicate keys."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJsonError(f"not UTF-8 text (bad byte at offset {exc.start})",
                               f"不是 UTF-8 文本（第 {exc.start} 字节无效）") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidJsonError(exc.msg, _json_message_zh(exc.msg), exc.lineno, exc.colno) from None
    except _DuplicateKey as exc:
        raise InvalidJsonError(f"duplicate key {exc.args[0]!r}", f"重复的键 {exc.args[0]!r}") from None
    except (ValueError, RecursionError) as exc:  # NaN/Infinity, huge integers, deep nesting
        msg = "nesting too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InvalidJsonError(msg, _json_message_zh(msg)) from None


def read_issue(fileobj: IO[bytes]) -> Issue:
    """Read an issue from a seekable binary file object."""
    try:
        zf = zipfile.ZipFile(fileobj, "r")
    except zipfile.BadZipFile:
        raise NotAZipError() from None
    except _ZIP_ERRORS as exc:
        raise DamagedArchiveError(f"unreadable zip directory ({exc})", f"无法读取 zip 目录（{exc}）") from None
    with zf:
        members = _check_members(zf)
        info = members.get(ISSUE_MEMBER)
        if info is None:
            raise MissingIssueJsonError()
        record = parse_json(_read_member(zf, info))
        record = schema.upgrade_record(record)
        schema.validate_record(record)
        image_data: dict[str, bytes] = {}
        for key, member in schema.image_entries(record):
            info = members.get(member)
            if info is None:
                raise MissingImageError(member)
            data = _read_member(zf, info)
            actual = hashlib.sha256(data).hexdigest()
            if actual != key:
                raise ImageHashMismatchError(member, actual)
            image_data[key] = data
    return schema.record_to_issue(record, image_data)


def issue_from_bytes(data: bytes) -> Issue:
    """Read an issue from the bytes of a ``.xjb`` file."""
    return read_issue(io.BytesIO(data))


def load_issue(path: str | os.PathLike[str]) -> Issue:
    """Open, check and read an issue file; raises an :class:`IssueFileError` subclass."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise FileAccessError("read", exc, path=path) from None
    try:
        with fh:
            return read_issue(fh)
    except IssueFileError as exc:
        raise with_path(exc, path) from None
    except OSError as exc:
        raise FileAccessError("read", exc, path=path) from None


def load_issue_with_hash(path: str | os.PathLike[str]) -> tuple[Issue, str]:
    """The issue and the SHA-256 of the file it was read from (for ``save_issue(expected_hash=)``).

    Both come from one open file handle, so a save by someone else in between (which replaces
    the file) cannot pair this issue with the other file's hash."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise FileAccessError("read", exc, path=path) from None
    try:
        with fh:
            issue = read_issue(fh)
            fh.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
    except IssueFileError as exc:
        raise with_path(exc, path) from None
    except OSError as exc:
        raise FileAccessError("read", exc, path=path) from None
    return issue, digest.hexdigest()
