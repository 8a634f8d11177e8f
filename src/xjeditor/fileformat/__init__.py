"""Issue files (``.xjb``) and story text files (``.story``).

Public API of the issue file (docs/FORMAT.md)::

    save_issue(issue, path, expected_hash=None) -> str   # atomic; returns the file's SHA-256
    load_issue(path) -> Issue
    load_issue_with_hash(path) -> (Issue, str)           # the hash to pass back to save_issue
    issue_to_bytes(issue) -> bytes                       # deterministic
    issue_from_bytes(data) -> Issue
    file_hash(path) -> str

Every failure raises a subclass of :class:`IssueFileError` with ``message`` (English) and
``message_zh`` (Chinese).
"""

from .errors import (
    DamagedArchiveError,
    FileAccessError,
    FileChangedError,
    ImageHashMismatchError,
    InvalidIssueFileError,
    InvalidJsonError,
    IssueFileError,
    MissingImageError,
    MissingIssueJsonError,
    NotAZipError,
    SchemaError,
    SizeLimitError,
    UnsafeMemberNameError,
    UnsavableIssueError,
    UnsupportedFormatVersionError,
)
from .schema import FORMAT_VERSION, VERSION_HISTORY
from .xjb import (
    MAX_JSON_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    file_hash,
    issue_from_bytes,
    issue_to_bytes,
    load_issue,
    load_issue_with_hash,
    save_issue,
)

__all__ = [
    "FORMAT_VERSION",
    "VERSION_HISTORY",
    "MAX_JSON_BYTES",
    "MAX_MEMBER_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "save_issue",
    "load_issue",
    "load_issue_with_hash",
    "issue_to_bytes",
    "issue_from_bytes",
    "file_hash",
    "IssueFileError",
    "FileAccessError",
    "FileChangedError",
    "UnsavableIssueError",
    "InvalidIssueFileError",
    "NotAZipError",
    "DamagedArchiveError",
    "UnsafeMemberNameError",
    "SizeLimitError",
    "MissingIssueJsonError",
    "InvalidJsonError",
    "UnsupportedFormatVersionError",
    "SchemaError",
    "MissingImageError",
    "ImageHashMismatchError",
]
