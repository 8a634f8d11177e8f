"""What preflight reports: the one ``Finding`` class (``typeset.diagnostics``), which the
typesetter and the PDF writer use too."""

from ..typeset.diagnostics import SEVERITY_ZH, Finding, Severity, sort_key

__all__ = ["SEVERITY_ZH", "Finding", "Severity", "sort_key"]
