"""Findings: what the checks say about the content, as data (never printed here)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

ERROR = "error"
WARNING = "warning"
OFF = "off"

SEVERITY_ZH = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in the content: which rule, how bad, where, and what to do (发现的问题)."""

    file: str
    """Path as the editor sees it, e.g. `content/normative/2023/a/index.md`."""
    line: int
    """1-based line of the offending key or body line; 0 when the whole site is meant."""
    rule: str
    """Stable rule id from rules.md, e.g. `interpretation-missing`."""
    severity: str
    """`error` or `warning`."""
    message: str
    """Simplified Chinese: what is wrong and how to fix it."""

    def with_severity(self, severity: str) -> "Finding":
        return replace(self, severity=severity)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for f in findings:
        if f.severity == ERROR:
            errors += 1
        elif f.severity == WARNING:
            warnings += 1
    return errors, warnings


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings by file, line and rule, dropping exact repeats."""
    return sorted(set(findings))
