"""The build-time rules of shared/rules.md: one function per rule id, registered here.

A rule is a function `check(ctx) -> Iterable[Finding]` decorated with `@rule(...)`. Rules that
the loader itself reports (a file that does not decode, YAML that does not parse) are
registered without a function so that every id has one entry: its default severity, its
Chinese title for the editors' list, and its thresholds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from gen import parallel
from gen.findings import ERROR, OFF, WARNING, Finding
from gen.model.site import Site


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


class Memo:
    """Findings of checks that read one document (or a document and the one it refers to), kept
    between runs: after an edit, only the changed documents are checked again by those rules.

    An entry's key is the rule, the document's path and the digest of its bytes, the rule's settings
    and whatever else the check reads (`Context.per_document`); the whole memo is dropped when the
    generator's code or site.yml changes (`scope`). It lives in `.gongkai-cache/rules.json`.
    """

    def __init__(self, scope: str = "", entries: dict[str, list] | None = None):
        self.scope = scope
        self.old = entries or {}
        self.new: dict[str, list] = {}

    @classmethod
    def load(cls, path: Path, scope: str) -> "Memo":
        import json
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["entries"] if data.get("scope") == scope else {}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            entries = {}
        return cls(scope, entries if isinstance(entries, dict) else {})

    def store(self, path: Path) -> None:
        """Write the entries this run used (best effort: a read-only checkout simply has none)."""
        import json
        try:
            path.parent.mkdir(exist_ok=True)
            partial = path.with_name(path.name + ".part")
            partial.write_text(json.dumps({"scope": self.scope, "entries": self.new}, ensure_ascii=False,
                                          separators=(",", ":")), encoding="utf-8")
            partial.replace(path)
        except OSError:
            pass

    def get(self, key: str, check: Callable[[], Iterable[Finding]]) -> list[Finding]:
        kept = self.old.get(key)
        if isinstance(kept, list):
            try:
                found = [Finding(*f) for f in kept]
                self.new[key] = kept
                return found
            except TypeError:
                pass
        found = list(check())
        self.new[key] = [[f.file, f.line, f.rule, f.severity, f.message] for f in found]
        return found


def memo_scope(site: Site) -> str:
    """What every memo entry depends on besides its own inputs: this code and site.yml."""
    from gen import code_digest
    return code_digest(site.config.digest)


class Context:
    """What a rule sees: the site, today, the working-day calendar and its settings."""

    def __init__(self, site: Site, today: dt.date, memo: Memo | None = None):
        self.site = site
        self.config = site.config
        self.today = today
        self.memo = memo
        from gen.model.workdays import Calendar  # local: the calendar is only needed by the checks
        self.calendar = Calendar(site.config.holidays, site.config.workdays)

    def per_document(self, rule_id: str, doc: Any, check: Callable[[], Iterable[Finding]], *inputs: Any) -> list[Finding]:
        """`check()`'s findings for one document, which must read nothing but the document, the rule's
        settings and `inputs` (another document's path and digest, a file's stamp, a word list…):
        kept in the memo by all of them, so an unchanged document is not checked again."""
        digest = getattr(doc.source, "digest", None)
        if self.memo is None or not digest:
            return list(check())
        import hashlib
        key = hashlib.blake2b(repr((rule_id, doc.source.rel, digest, self.config.rules.get(rule_id), inputs))
                              .encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
        return self.memo.get(key, check)

    def setting(self, rule_id: str, name: str) -> Any:
        """A rule's threshold: site.yml `rules: {id: {name: value}}` else the rule's default."""
        default = RULES[rule_id].defaults[name]
        override = self.config.rules.get(rule_id)
        if isinstance(override, dict) and name in override:
            value = override[name]
            # A mistyped threshold falls back to the default (reported by check_settings), so
            # no rule ever crashes on, or loops over, an editor's typo.
            return value if setting_problem(default, value) is None else default
        return default

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


def apply_overrides(findings: Iterable[Finding], config_rules: dict[str, Any],
                    per_file: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Apply per-rule severity overrides (a document's own `rules` before site.yml's); drop findings
    of rules switched off. `per_file`: a file as findings show it → its own settings."""
    result = []
    per_file = per_file or {}
    for f in findings:
        own = per_file.get(f.file)
        severity = severity_for(config_rules, f.rule, f.severity)
        if own is not None and own.get(f.rule) is not None:
            severity = severity_for(own, f.rule, severity)
        if severity != OFF:
            result.append(f if severity == f.severity else f.with_severity(severity))
    return result


def run(site: Site, today: dt.date, spread: bool = False, memo: Memo | None = None) -> list[Finding]:
    """Run every registered rule over the site and return their findings (in rule order).

    With `spread` (`gongkai check`, where nothing else is going on), the rules of a large site are
    shared out to every core: each process takes the next few rules when done with its own.
    `memo`: findings of per-document checks from the last run, updated (see `Memo`).
    """
    load_all()
    ctx = Context(site, today, memo)
    findings: list[Finding] = check_settings(site.config, site)
    active = [r for r in RULES.values() if r.check is not None and severity_for(site.config.rules, r.id, r.severity) != OFF]

    def check(batch: list[Rule]) -> tuple[list[Finding], dict[str, list]]:
        found = [finding for r in batch for finding in r.check(ctx)]
        return found, (memo.new if memo is not None else {})
    if spread and len(site.documents) >= parallel.MIN_ITEMS:
        parts = parallel.work_queue(check, active, min_items=2)
    else:
        parts = [check(active)]
    for _, entries in parts:  # what forked workers checked, brought back
        if memo is not None:
            memo.new.update(entries)
    return findings + [finding for part, _ in parts for finding in part]


def setting_problem(default: Any, value: Any) -> str | None:
    """Why a threshold value from site.yml cannot be used in place of `default`, or None."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "应为 true 或 false"
    if isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
        return None if ok else "应为 0 到 1 之间的小数，例如 0.6"
    if isinstance(default, int) or default is None:
        if default is None and value is None:
            return None
        limit = max(1000, (default or 0) * 10)
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit
        return None if ok else f"应为 0 到 {limit} 之间的整数"
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "应为文字列表，例如 [normative, policy]"
    return None


def document_settings(site: Site) -> dict[str, dict[str, Any]]:
    """Each document's own rule settings (front matter `rules`), by the file as findings show it."""
    return {doc.source.display: doc.rules for doc in site.documents if doc.rules}


def overridden(site: Site) -> list[dict[str, Any]]:
    """Every rule setting a document makes for itself, with its reason: what `check --format json` lists."""
    listing = []
    for doc in sorted(site.documents, key=lambda d: d.id):
        for rule_id, value in (doc.rules or {}).items():
            setting = value.get("severity", value) if isinstance(value, dict) else value
            reason = value.get("reason") if isinstance(value, dict) else None
            listing.append({"file": doc.source.display, "line": doc.line(f"rules.{rule_id}"), "rule": str(rule_id),
                            "setting": setting if isinstance(setting, str) else ("off" if setting is False else setting),
                            "reason": reason})
    return listing


def check_settings(config: Any, site: Site | None = None) -> list[Finding]:
    """Report `rules` entries of site.yml (and of documents' front matter) that name no rule, no
    threshold, or a wrong value."""
    findings = _check_rules(config.rules, config.display, config.line)
    for doc in site.documents if site is not None else []:
        if doc.rules:
            findings += _check_rules(doc.rules, doc.source.display, doc.line)
    return findings


def _check_rules(settings: dict[str, Any], display: str, line_of: Callable[[str], int]) -> list[Finding]:
    import difflib
    load_all()
    findings: list[Finding] = []

    def problem(key: str, message: str) -> None:
        findings.append(Finding(display, line_of(key), "front-matter-invalid", ERROR, message))

    severities = f"{ERROR}、{WARNING}、{OFF}"
    for rule_id, value in settings.items():
        rule_id = str(rule_id)
        known = RULES.get(rule_id)
        if known is None:
            close = difflib.get_close_matches(rule_id, list(RULES), n=1, cutoff=0.6)
            hint = f"是否应为“{close[0]}”？" if close else "规则编号见 docs/rules.md 的规则列表。"
            problem(f"rules.{rule_id}", f"rules 中的“{rule_id}”不是规则编号。{hint}")
            continue
        if value is False or value in (ERROR, WARNING, OFF):
            continue
        if not isinstance(value, dict):
            problem(f"rules.{rule_id}", f"规则“{rule_id}”的设置“{value}”无效：写严重程度（{severities}），"
                                        f"或写映射，例如 {{severity: {WARNING}}}。")
            continue
        for name, setting in value.items():
            name = str(name)
            key = f"rules.{rule_id}.{name}"
            if name == "severity":
                if not (setting is False or setting in (ERROR, WARNING, OFF)):
                    problem(key, f"规则“{rule_id}”的严重程度“{setting}”无效，可用的值：{severities}。")
                continue
            if name == "reason":  # why the setting is made, for whoever reads it later
                continue
            if name not in known.defaults:
                names = ["severity", *known.defaults]
                close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
                hint = f"是否应为“{close[0]}”？" if close else ""
                problem(key, f"规则“{rule_id}”没有“{name}”这项设置。{hint}可用的设置：{'、'.join(names)}。")
                continue
            why = setting_problem(known.defaults[name], setting)
            if why:
                problem(key, f"规则“{rule_id}”的 {name} 设置为“{setting}”无效：{why}。现按默认值 {known.defaults[name]} 检查。")
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


def historical(ctx: Context, doc) -> bool:
    """Whether a document predates `history_before` in site.yml (imported from an older system): it is
    listed and searched, but not held to the timeliness and interpretation rules."""
    before = ctx.config.history_before
    day = getattr(doc, "written", None) or doc.published
    return before is not None and day is not None and day < before


def max_text_bytes(config_rules: dict[str, Any]) -> int:
    """The `file-too-large` limit in bytes (site.yml may raise or lower it)."""
    override = config_rules.get("file-too-large")
    if isinstance(override, dict) and isinstance(override.get("max_bytes"), int) and override["max_bytes"] > 0:
        return override["max_bytes"]
    return 5 * 1024 * 1024
