"""What the engine and the checks report: one ``Finding`` per problem, in English and
Chinese, with a stable code.

The typesetter records findings about a story (a column that is not a whole number of
characters wide, 寡行, a thread cut short …) and about the whole issue (a font that is
not installed); the pipeline adds those about the layout; preflight reports them with
its own checks, and the PDF writer adds what it noticed. They are all this one class:
a consumer looks at ``code``, never at the text.
"""

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
    """One problem or note.

    ``code`` is stable (``overset``, ``glyph-missing``, ``typeset-widows`` …); ``en`` and
    ``zh`` are the message; ``page`` is the folio (1-based) or None for the whole issue
    or when not known; ``ref`` is the id of the frame, story, style or font concerned and
    ``ref_kind`` says which ("frame", "story", "style", "font", or "" when nothing can
    be selected), so the editor can select it.
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

    def text(self) -> str:
        """The message in Chinese and English, ``中文 | English``."""
        return f"{self.zh} | {self.en}"


def sort_key(f: Finding) -> tuple:
    """Issue-wide findings first, then by page, severity (errors first), code and id."""
    return (f.page if f.page is not None else 0, _ORDER[f.severity], f.code, f.ref)


def story_note(code: str, story: str, en: str, zh: str,
               severity: Severity = Severity.INFO) -> Finding:
    """A finding of the typesetter about one story (its page is filled in by preflight)."""
    return Finding(severity, code, en, zh, None, story, "story")


__all__ = ["SEVERITY_ZH", "Finding", "Severity", "sort_key", "story_note"]
