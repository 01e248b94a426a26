"""The build, top to bottom: load → parse → model → check → render → index → write."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from gen import rules
from gen.content import sources
from gen.content.config import SiteConfig, load_config
from gen.findings import WARNING, Finding, count, sorted_findings
from gen.model.assemble import assemble_site
from gen.model.parse import parse_content
from gen.model.document import Catalogue, Document
from gen.model.site import ColumnIntro, FailedDocument, Site


@dataclass
class Options:
    """What the CLI asked for."""

    content: Path = Path("content")
    out: Path = Path("site")
    today: dt.date = field(default_factory=dt.date.today)
    base_url: str | None = None
    search: bool = True
    layouts: Path | None = None
    """Templates and static assets; default: `layouts/` beside `content/`, else the packaged ones."""
    incremental: bool = True
    """Reuse the unchanged pages of the previous output (`--no-incremental`: render everything)."""
    progress: Progress | None = None


@dataclass
class Result:
    """What a build or check produced."""

    findings: list[Finding]
    site: Site | None = None
    timings: dict[str, float] = field(default_factory=dict)
    """Stage name → seconds."""
    written: bool = False
    pages: int = 0
    rendered: int = 0
    """Pages and feeds rendered by this build; the others were reused from the previous output."""
    reused: int = 0
    unchanged: bool = False
    """Nothing changed since the last build of the same output: it was kept as it is."""
    documents: int = 0

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]


Progress = Callable[[str, float], None]
"""Told each stage's name and seconds when it ends (the CLI prints stage lines on a terminal)."""


class Timer:
    """Adds the seconds spent in each named stage to a timings dict (and tells `progress`)."""

    def __init__(self, timings: dict[str, float], progress: Progress | None = None):
        self.timings = timings
        self.progress = progress

    def add(self, name: str, seconds: float, finished: bool = True) -> None:
        """Count `seconds` for a stage (timed by the caller, or by `with timer(name)`); tell `progress` if it finished."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        if self.progress is not None and finished:
            self.progress(name, seconds)

    def __call__(self, name: str):
        timer = self

        class _Stage:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.add(name, time.perf_counter() - self.start, finished=exc[0] is None)
        return _Stage()


class Loaded(NamedTuple):
    """The load stage's result: the content's files, the site's settings (None when site.yml is
    unusable) and what the loader found."""

    tree: sources.ContentTree
    config: SiteConfig | None
    findings: list[Finding]


class Parsed(NamedTuple):
    """The parse stage's result: typed documents, catalogues and column introductions, the files
    that could not be made into documents, and what parsing found."""

    documents: list[Document]
    catalogues: list[Catalogue]
    intros: list[ColumnIntro]
    findings: list[Finding]
    failed: list[FailedDocument]


def load(content: Path, folders: sources.Folders | None = None, known: dict | None = None) -> Loaded:
    """Walk the content and read site.yml and the other small files. Document files are read by the
    parse stage, on every core (the preview, passing `known`, reads them here). `folders`: the
    content's walk, when the caller made it already (see `sources.load`)."""
    tree = sources.load(content, defer_documents=known is None, folders=folders)
    config, config_findings = load_config(tree.site_config)
    if config is not None:
        sources.enforce_limit(tree, rules.max_text_bytes(config.rules))
    return Loaded(tree, config, tree.findings + config_findings)


def parse(loaded: Loaded, known: dict | None = None, alongside: Callable[[], object] | None = None) -> Parsed:
    """Parse the loaded files (see `model.parse.parse_content`: `known`, the preview's last parse of
    each file; `alongside`, work of this process's own done while forked children parse)."""
    return Parsed(*parse_content(loaded.tree, loaded.config, known, alongside))


def model(loaded: Loaded, parsed: Parsed, today: dt.date) -> tuple[Site, list[Finding]]:
    """The site model, and every finding of the stages so far."""
    findings = loaded.findings + parsed.findings
    site = assemble_site(loaded.tree, loaded.config, parsed.documents, parsed.catalogues, parsed.intros, today,
                         findings, parsed.failed)
    return site, findings


def load_site(content: Path, today: dt.date, timings: dict[str, float] | None = None,
              known: dict | None = None, progress: Progress | None = None) -> tuple[Site | None, list[Finding]]:
    """Load, parse and model the content; the Site is None only when site.yml is unusable.

    `known` (kept by the preview server) maps a document's path to (digest, document, findings)
    of its last parse: files whose bytes did not change are not parsed again, and it is updated.
    """
    stage = Timer(timings if timings is not None else {}, progress)
    with stage("load"):
        loaded = load(content, known=known)
    if loaded.config is None:
        return None, loaded.findings
    with stage("parse"):
        parsed = parse(loaded, known)
    with stage("model"):
        return model(loaded, parsed, today)


def collector_paused(run: Callable) -> Callable:
    """Run without the cycle collector (restored afterwards, as it was).

    A build makes one large object graph that lives to the end and almost no cyclic garbage
    (templates import their macros without the page's context for that reason), so the collector
    would only walk the graph again and again as it grows.
    """
    @functools.wraps(run)
    def paused(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return run(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return paused


@collector_paused
def check(content: Path, today: dt.date, timings: dict[str, float] | None = None,
          progress: Progress | None = None) -> Result:
    """Load and check the content without writing the site (what the rules found per document is
    remembered in .gongkai-cache/, see `rules.Memo`)."""
    timings = timings if timings is not None else {}
    site, findings = load_site(content, today, timings, progress=progress)
    if site is not None:
        with Timer(timings, progress)("check"):
            findings += _run_rules(content, site, today)
        findings = rules.apply_overrides(findings, site.config.rules, rules.document_settings(site))
    return Result(findings=sorted_findings(findings), site=site, timings=timings,
                  documents=len(site.documents) if site else 0)


@collector_paused
def build(options: Options) -> Result:
    """Check the content and, when there is no error, write the site atomically:
    load → parse → model → check → render → index → write, or nothing when no input changed."""
    from gen.build import unchanged, write  # output stages, needed only when building
    layouts = options.layouts or default_layouts(options.content)
    timings: dict[str, float] = {}
    stage = Timer(timings, options.progress)
    write.recover(options.out)
    with stage("cache"):
        folders = list(sources.walk(options.content.resolve(), hidden=True))  # for the fingerprint, then the loader
        key = unchanged.fingerprint(options.content, layouts, (options.today, options.base_url, options.search), folders)
        remembered = unchanged.lookup(options.content, options.out, key)
    if remembered is not None:
        findings, documents, pages = remembered
        return Result(findings=findings, written=True, pages=pages, unchanged=True, documents=documents, timings=timings)
    pool = _index_workers(options)
    try:
        with stage("load"):
            files = load(options.content, folders)
        if files.config is None:
            return Result(findings=sorted_findings(files.findings), timings=timings)
        compiled: list = []  # the templates, compiled while the children parse
        with stage("parse"):
            parsed = parse(files, alongside=lambda: compiled.append(_prepare_rendering(layouts)))
        with stage("model"):
            site, found = model(files, parsed, options.today)
        if options.base_url:
            site.config.base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        result = Result(findings=[], site=site, timings=timings, documents=len(site.documents))
        modelled_cleanly = _record_findings(result, found, [])  # the findings so far, site.yml's settings applied
        with stage("check"):
            # With errors before the rules they still report, but their memo is left as it was.
            if not _record_findings(result, found, _run_rules(options.content, site, options.today,
                                                              memo=options.incremental and modelled_cleanly)):
                return result  # nothing is rendered when the content has errors
        previous = _previous(options)
        with stage("render"):
            staging, tally = render_and_write(site, layouts, options.search, options.out, previous,
                                              env=compiled[0] if compiled else None)
        result.pages, result.rendered, result.reused = tally.pages, tally.rendered, tally.reused
        try:
            if options.search:
                with stage("index"):
                    tally.record.search = _index(site, staging, options, previous, result, pool)
            with stage("write"):
                _write(staging, options)
        except BaseException:
            write.discard(staging)
            raise
        _remember(options, key, tally, result)
        return result
    finally:
        if pool is not None:
            pool.terminate()


def _index_workers(options: Options):
    """The search index's processes, started before the site is loaded (see `search.workers`), or None."""
    if not options.search:
        return None
    from gen.search import bundle as search  # only when asked for: --no-search loads none of the index's code
    return search.workers()


def _prepare_rendering(layouts: Path):
    """What rendering and the rules need, made while forked children parse: their modules (Jinja's
    with them; the children need none of it) and the compiled templates, returned."""
    from gen import render
    from gen.build import incremental  # noqa: F401 - imported now, while the children parse
    rules.load_all()
    return render.environment(layouts)


def _run_rules(content: Path, site: Site, today: dt.date, memo: bool = True) -> list[Finding]:
    """The rules' findings, on every core, with the per-document ones of the last check or build of
    this content kept in `.gongkai-cache/rules.json` (see `rules.Memo`; not with `memo` False) and
    brought up to date."""
    from gen.build import unchanged
    if not memo:
        return rules.run(site, today, spread=True)
    path = unchanged.folder_for(content) / "rules.json"
    kept = rules.Memo.load(path, rules.memo_scope(site))
    found = rules.run(site, today, spread=True, memo=kept)
    kept.store(path)
    return found


def _record_findings(result: Result, loaded: list[Finding], found: list[Finding]) -> bool:
    """Record the loader's and the rules' findings, settings applied; True when there is no error."""
    site = result.site
    result.findings = sorted_findings(rules.apply_overrides(loaded + found, site.config.rules, rules.document_settings(site)))
    return result.errors == 0


def _previous(options: Options):
    """What the last build of this output rendered (`incremental.Record`), empty with --no-incremental."""
    from gen.build import incremental, unchanged
    if not options.incremental:
        return incremental.Record()
    return incremental.load(unchanged.folder_for(options.content), options.out)


def _index(site: Site, staging: Path, options: Options, previous, result: Result, pool) -> dict:
    """Index the staged pages for search, keeping the previous output's unchanged shards; add the
    warnings for downloads cut at the text limit; return what the index holds (for the next build)."""
    from gen.build import unchanged
    from gen.search import bundle as search
    before = search.Previous(options.out / search.OUTPUT, previous.search) if previous.folder else None
    report = search.index(staging, site, cache=unchanged.folder_for(options.content), previous=before, pool=pool)
    result.findings = sorted_findings(result.findings + _cut_downloads(site, report.cut))
    return report.state


def _write(staging: Path, options: Options) -> None:
    """Put the staged site in place of the output, in one step."""
    from gen.build import incremental, unchanged, write
    incremental.forget(unchanged.folder_for(options.content), options.out)  # the record must never describe a folder it did not see
    write.swap(staging, options.out)


def _remember(options: Options, key: str, tally, result: Result) -> None:
    """What the next build reuses: the pages rendered (incremental) and the fingerprint of this one (unchanged)."""
    from gen.build import incremental, unchanged
    result.written = True
    incremental.store(unchanged.folder_for(options.content), options.out, tally.record)
    unchanged.store(options.content, options.out, key, result.findings, result.documents, result.pages)


def _cut_downloads(site: Site, cut: list[Path]) -> list[Finding]:
    """Warnings for downloads with more text than the search index takes from one file."""
    from gen.search.files import TEXT_LIMIT
    by_location = {a.source.location: a.source for d in site.public_documents for a in d.attachments}
    return [Finding(by_location[str(path)].display, 1, "file-too-large", WARNING,
                    f"附件的文字超过 {TEXT_LIMIT // 10000} 万字，站内搜索只收录前 {TEXT_LIMIT // 10000} 万字。"
                    "附件照常发布；如需全文可检索，请把它拆分为几个文件。")
            for path in cut if str(path) in by_location]


def render_and_write(site: Site, layouts: Path, search: bool, out: Path, previous=None, env=None,
                     mentions: bool = False, manifest: bool = True):
    """Render every page into a new staging folder, on every core; return it and what was done
    (`env`: the compiled templates, when made already; `mentions`: see `incremental.render_or_reuse`;
    `manifest`: see `render.Renderer`).

    Pages whose key equals the one recorded for the previous output are hard-linked from it
    instead of rendered (see `incremental`).
    """
    from gen.build import incremental
    from gen import parallel
    from gen import render
    from gen.build import write
    renderer = render.Renderer(site, layouts, search, env, manifest)  # templates compiled once, before forking
    previous = previous or incremental.Record()
    frame = incremental.frame_key(renderer, (search,))
    staging = write.begin(out)

    def work(jobs) -> incremental.Tally:
        return incremental.render_or_reuse(renderer, jobs, write.Writer(staging), frame, previous, mentions)
    try:
        tallies = parallel.work_queue(work, render.jobs(site))
    except BaseException:
        write.discard(staging)
        raise
    total = incremental.Tally()
    for tally in tallies:
        total.add(tally)
    return staging, total


def default_layouts(content: Path) -> Path:
    """The column's own `layouts/` beside content/, else the packaged templates."""
    from gen.render import packaged_layouts
    beside = content.resolve().parent / "layouts"
    if (beside / "base.html").is_file():
        return beside
    import sys
    return packaged_layouts() or Path(sys.prefix) / "share" / "gongkai" / "layouts"


@dataclass
class ArchiveResult(Result):
    """What `gongkai archive` produced."""

    path: Path | None = None
    documents: int = 0
    """Documents handed over in this package."""
    catalogue: int = 0
    """Rows of the full catalogue (every public document)."""
    originals: int = 0
    payload_files: int = 0
    payload_bytes: int = 0
    size: int = 0
    """Bytes of the zip."""


@collector_paused
def archive(options) -> ArchiveResult:
    """Check the content and, when there is no error, write the archive package (gongkai archive)."""
    from gen import archive as packaging
    checked = check(options.content, options.today)
    result = ArchiveResult(findings=checked.findings, site=checked.site, timings=checked.timings)
    if checked.site is None or checked.errors:
        return result
    layouts = options.layouts or default_layouts(options.content)
    package = packaging.write_package(checked.site, layouts, options, Timer(result.timings))
    result.written = True
    for name in ("path", "pages", "documents", "catalogue", "originals", "payload_files", "payload_bytes", "size"):
        setattr(result, name, getattr(package, name))
    return result
