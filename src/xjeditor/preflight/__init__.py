"""Preflight: the checks a printing plant would make, run before export.

``run_preflight(issue, typeset=None) -> list[Finding]``; each ``Finding`` has a severity
(error / warning / info), a stable code, an English and a Chinese message, the page and
the id of the frame, story or style it concerns.
"""

from .checks import CHECKS, run_preflight
from .findings import Finding, Severity

__all__ = ["CHECKS", "Finding", "Severity", "run_preflight"]
