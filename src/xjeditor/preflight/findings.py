"""What preflight reports: one ``Finding`` per problem, in English and Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the plant would reject the file or print it wrong
    WARNING = "warning"  # probably a mistake; look before sending
    INFO = "info"  # worth knowing; nothing to fix


SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One preflight result.

    ``code`` is stable (``overset``, ``glyph-missing``, ``image-low-ppi`` …); ``page`` is
    the folio (1-based) or None for the whole issue; ``ref`` is the id of the frame,
    story or style concerned and ``ref_kind`` says which ("frame", "story", "style", or
    "" when nothing can be selected), so the editor can select it.
    """

    severity: Severity
    code: str
    en: str
    zh: str
    page: int | None = None
    ref: str = ""
    ref_kind: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = str(self.severity)
        return d

    def line(self) -> str:
        """One line of text: severity, page, code, then the message in Chinese and English."""
        page = f"p{self.page}" if self.page is not None else "-"
        return f"{self.severity.value:<7} {page:<4} {self.code}: {self.zh} | {self.en}"


def sort_key(f: Finding) -> tuple:
    return (f.page if f.page is not None else 0, _ORDER[f.severity], f.code, f.ref)
