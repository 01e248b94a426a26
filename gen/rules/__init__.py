"""The build-time rules of shared/rules.md: one function per rule id, registered here.

A rule is a function `check(ctx) -> Iterable[Finding]` decorated with `@rule(...)`. Rules that
the loader itself reports (a file that does not decode, YAML that does not parse) are
registered without a function so that every id has one entry: its default severity, its
Chinese title for the editors' list, and its thresholds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..findings import ERROR, OFF, WARNING, Finding
from ..site import Site


@dataclass(frozen=True)
class Rule:
    """One rule: stable id, default severity, what it checks, and its default thresholds."""

    id: str
    severity: str
    title: str
    """One line in Chinese for the editors' list of rules."""
    check: Callable[["Context"], Iterable[Finding]] | None
    defaults: dict[str, Any] = field(default_factory=dict)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, **defaults: Any):
    """Register a rule function under its id."""
    def register(fn: Callable[["Context"], Iterable[Finding]]):
        RULES[rule_id] = Rule(rule_id, severity, title, fn, defaults)
        return fn
    return register


def loader_rule(rule_id: str, severity: str, title: str, **defaults: Any) -> None:
    """Register a rule whose findings the loading stages report themselves."""
    RULES[rule_id] = Rule(rule_id, severity, title, None, defaults)


class Context:
    """What a rule sees: the site, today, the working-day calendar and its settings."""

    def __init__(self, site: Site, today: dt.date):
        self.site = site
        self.config = site.config
        self.today = today
        from ..workdays import Calendar  # local: the calendar is only needed by the checks
        self.calendar = Calendar(site.config.holidays, site.config.workdays)

    def setting(self, rule_id: str, name: str) -> Any:
        """A rule's threshold: site.yml `rules: {id: {name: value}}` else the rule's default."""
        override = self.config.rules.get(rule_id)
        if isinstance(override, dict) and name in override:
            return override[name]
        return RULES[rule_id].defaults[name]

    def finding(self, rule_id: str, where: Any, line: int | str, message: str, severity: str | None = None) -> Finding:
        """Make a finding for a document/catalogue/source (`line` may be a front matter key)."""
        display = where.source.display if hasattr(where, "source") else where.display
        if isinstance(line, str):
            line = where.line(line) if hasattr(where, "line") else 1
        return Finding(display, line, rule_id, severity or RULES[rule_id].severity, message)


def severity_for(config_rules: dict[str, Any], rule_id: str, found: str) -> str:
    """The severity after site.yml overrides (`rules: {id: warning}` or `{id: {severity: off}}`)."""
    override = config_rules.get(rule_id)
    if isinstance(override, dict):
        override = override.get("severity")
    if override in (ERROR, WARNING, OFF):
        return override
    if override is False:
        return OFF
    return found


def apply_overrides(findings: Iterable[Finding], config_rules: dict[str, Any]) -> list[Finding]:
    """Apply per-rule severity overrides; drop findings of rules switched off."""
    result = []
    for f in findings:
        severity = severity_for(config_rules, f.rule, f.severity)
        if severity != OFF:
            result.append(f if severity == f.severity else f.with_severity(severity))
    return result


def run(site: Site, today: dt.date) -> list[Finding]:
    """Run every registered rule over the site and return their findings."""
    load_all()
    ctx = Context(site, today)
    findings: list[Finding] = []
    for r in RULES.values():
        if r.check is None or severity_for(site.config.rules, r.id, r.severity) == OFF:
            continue
        findings.extend(r.check(ctx))
    return findings


def load_all() -> None:
    """Import every rule module of this package so that its rules register themselves."""
    import importlib
    import pkgutil
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


def documents(ctx: Context, *kinds: str) -> Iterator:
    """Every document of the given kinds (all kinds when none given), published or not."""
    for doc in ctx.site.documents:
        if not kinds or doc.kind in kinds:
            yield doc
