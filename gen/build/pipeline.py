"""The build, top to bottom: load → parse → model → check → render → index → write."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from gen import PACKAGE, rules
from gen.content import boundary, frontmatter, markdown, sources
from gen.content.config import RESERVED_PATHS, load_config
from gen.findings import ERROR, WARNING, Finding, count, sorted_findings
from gen.model.document import Catalogue, Document, build_catalogue, build_document, column_for
from gen.model.site import ColumnIntro, Excluded, FailedDocument, Site, make_attachment


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


def load_site(content: Path, today: dt.date, timings: dict[str, float] | None = None,
              known: dict | None = None, progress: Progress | None = None,
              alongside: Callable[[], object] | None = None,
              folders: sources.Folders | None = None) -> tuple[Site | None, list[Finding]]:
    """Load, parse and model the content; the Site is None only when site.yml is unusable.

    `known` (kept by the preview server) maps a document's path to (digest, document, findings)
    of its last parse: files whose bytes did not change are not parsed again, and it is updated.
    `alongside` is work of this process's own done while forked children parse (the build
    compiles its templates then); it is done in any case, before the parse when nothing forks.
    `folders`: the content's walk, when the caller made it already (see `sources.load`).
    """
    stage = Timer(timings if timings is not None else {}, progress)
    with stage("load"):
        # Document files are read by the parse stage, on every core (the preview reads as it goes).
        tree = sources.load(content, defer_documents=known is None, folders=folders)
    config, config_findings = load_config(tree.site_config)
    if config is None:
        return None, tree.findings + config_findings
    sources.enforce_limit(tree, rules.max_text_bytes(config.rules))
    findings = tree.findings + config_findings
    with stage("parse"):
        documents, catalogues, intros, doc_findings, failed = _parse(tree, config, known, alongside)
    findings += doc_findings
    with stage("model"):
        site = _assemble(tree, config, documents, catalogues, intros, today, findings, failed)
    return site, findings


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
    """Load and check the content without writing anything."""
    timings = timings if timings is not None else {}
    site, findings = load_site(content, today, timings, progress=progress)
    if site is not None:
        with Timer(timings, progress)("check"):
            findings += rules.run(site, today, spread=True)
        findings = rules.apply_overrides(findings, site.config.rules, rules.document_settings(site))
    return Result(findings=sorted_findings(findings), site=site, timings=timings,
                  documents=len(site.documents) if site else 0)


@collector_paused
def build(options: Options) -> Result:
    """Check the content and, when there is no error, write the site atomically."""
    from gen.build import unchanged  # output stages, needed only when building
    from gen.build import write
    layouts = options.layouts or default_layouts(options.content)
    start = time.perf_counter()
    write.recover(options.out)
    folders = list(sources.walk(options.content.resolve(), hidden=True))  # for the fingerprint, then the loader
    key = unchanged.fingerprint(options.content, layouts, (options.today, options.base_url, options.search), folders)
    remembered = unchanged.lookup(options.content, options.out, key)
    looked_up = time.perf_counter() - start
    if remembered is not None:
        findings, documents, pages = remembered
        return Result(findings=findings, written=True, pages=pages, unchanged=True, documents=documents,
                      timings={"cache": looked_up})
    timings = {"cache": looked_up}
    pool = None
    if options.search:  # the search index's processes start now, while this process is small (see `search.workers`)
        from gen.search import bundle as search
        pool = search.workers()
    try:
        return _build(options, layouts, key, folders, timings, pool)
    finally:
        if pool is not None:
            pool.terminate()


def _build(options: Options, layouts: Path, key: str, folders: list, timings: dict[str, float], pool) -> Result:
    """`build` once the content is known to have changed (`pool`: processes for the search index)."""
    from gen.build import unchanged
    from gen.build import write
    compiled: list = []

    def prepare() -> None:
        """What rendering and the rules need, made while forked children parse: their modules
        (Jinja's with them; the children need none of it) and the compiled templates."""
        from gen.build import incremental  # noqa: F401
        from gen import render
        rules.load_all()
        compiled.append(render.environment(layouts))
    site, loaded = load_site(options.content, options.today, timings, progress=options.progress,
                             alongside=prepare, folders=folders)
    result = Result(findings=sorted_findings(loaded), site=site, timings=timings,
                    documents=len(site.documents) if site else 0)
    if site is None:
        return result
    stage = Timer(timings, options.progress)
    if options.base_url:
        site.config.base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
    from gen.build import incremental

    def checked(found: list[Finding]) -> bool:
        """Record all findings; True when there is no error."""
        result.findings = sorted_findings(rules.apply_overrides(loaded + found, site.config.rules, rules.document_settings(site)))
        return result.errors == 0
    if not checked([]):  # the loader found errors already: report the rules' findings too, render nothing
        with stage("check"):
            checked(rules.run(site, options.today, spread=True))  # nothing to render: the rules take every core
        return result
    cache_folder = unchanged.folder_for(options.content)
    previous = incremental.load(cache_folder, options.out) if options.incremental else incremental.Record()

    def check() -> bool:
        """The rules, run by this process while forked children already render (see parallel.work_queue).

        After an edit most pages are reused, not rendered, and the rules are most of the work: then
        they are shared out to every core too."""
        with stage("check"):
            return checked(rules.run(site, options.today, spread=bool(previous.pages)))
    start = time.perf_counter()
    staging, tally, ok = render_and_write(site, layouts, options.search, options.out, previous, first=check,
                                          env=compiled[0] if compiled else None)
    stage.add("render", time.perf_counter() - start - timings.get("check", 0.0))
    if not ok:  # nothing of this build is kept
        write.discard(staging)
        return result
    result.pages, result.rendered, result.reused = tally.pages, tally.rendered, tally.reused
    try:
        if options.search:
            with stage("index"):
                from gen.search import bundle as search  # only when asked for: the index's code is not loaded by --no-search
                before = search.Previous(options.out / search.OUTPUT, previous.search) if previous.folder else None
                report = search.index(staging, site, cache=cache_folder, previous=before, pool=pool)
                tally.record.search = report.state
            result.findings = sorted_findings(result.findings + _cut_downloads(site, report.cut))
        with stage("write"):
            incremental.forget(cache_folder, options.out)  # the record must never describe a folder it did not see
            write.swap(staging, options.out)
    except BaseException:
        write.discard(staging)
        raise
    result.written = True
    incremental.store(cache_folder, options.out, tally.record)
    unchanged.store(options.content, options.out, key, result.findings, result.documents, result.pages)
    return result


def _cut_downloads(site: Site, cut: list[Path]) -> list[Finding]:
    """Warnings for downloads with more text than the search index takes from one file."""
    from gen.search.files import TEXT_LIMIT
    by_location = {a.source.location: a.source for d in site.public_documents for a in d.attachments}
    return [Finding(by_location[str(path)].display, 1, "file-too-large", WARNING,
                    f"附件的文字超过 {TEXT_LIMIT // 10000} 万字，站内搜索只收录前 {TEXT_LIMIT // 10000} 万字。"
                    "附件照常发布；如需全文可检索，请把它拆分为几个文件。")
            for path in cut if str(path) in by_location]


def render_and_write(site: Site, layouts: Path, search: bool, out: Path, previous=None, first=None, env=None,
                     mentions: bool = False):
    """Render every page into a new staging folder, on every core; return it, what was done and
    what `first` returned (see `parallel.work_queue`: work this process does while children render;
    `mentions`: see `incremental.render_or_reuse`).

    Pages whose key equals the one recorded for the previous output are hard-linked from it
    instead of rendered (see `incremental`).
    """
    from gen.build import incremental
    from gen.build import parallel
    from gen import render
    from gen.build import write
    renderer = render.Renderer(site, layouts, search, env)  # templates compiled once, before forking
    previous = previous or incremental.Record()
    frame = incremental.frame_key(renderer, (search,))
    staging = write.begin(out)

    def work(jobs) -> incremental.Tally:
        return incremental.render_or_reuse(renderer, jobs, write.Writer(staging), frame, previous, mentions)
    try:
        tallies, go_on = parallel.work_queue(work, render.jobs(site), first)
    except BaseException:
        write.discard(staging)
        raise
    total = incremental.Tally()
    for tally in tallies:
        total.add(tally)
    return staging, total, go_on


def default_layouts(content: Path) -> Path:
    beside = content.resolve().parent / "layouts"
    if (beside / "base.html").is_file():
        return beside
    source = PACKAGE.parent / "layouts"  # a checkout or an editable install
    if (source / "base.html").is_file():
        return source
    import sys
    return Path(sys.prefix) / "share" / "gongkai" / "layouts"  # a wheel


def parse_source(source: sources.SourceFile, config) -> tuple[Document | None, list[Finding]]:
    """Parse one document file: front matter, body and the typed document (None if unusable)."""
    if source.text is None:
        return None, []
    return _document(source, frontmatter.parse_document(source.text, source.display), config)


def _document(source: sources.SourceFile, parsed: frontmatter.Parsed, config) -> tuple[Document | None, list[Finding]]:
    """The typed document of a parsed file (None if its front matter is unusable)."""
    findings = list(parsed.findings)
    body = markdown.parse(parsed.body, source.display, parsed.body_line)  # analysed by the rules
    if parsed.data is None:
        return None, findings + body.findings
    doc, doc_findings = build_document(source, parsed, body, config, source.rel.endswith("/index.md"))
    source.text = None  # the body keeps what later stages read; one copy of a large column is enough
    return doc, findings + doc_findings


def _read_and_model(batch: list[sources.SourceFile], config) -> list[tuple[str, tuple | None, list[Finding]]]:
    """Read, decode, split and model files: (digest, detached document or None, findings) each.

    It runs in forked processes and travels back pickled: each document without its source file
    and column, which this process has already (see `_detach`, `_attach`).
    """
    result = []
    positions = {id(column): i for i, column in enumerate(config.all_columns)}
    for source in batch:
        found: list[Finding] = []
        detached = None
        fields: dict[str, str] = {}
        if sources.read_text(source, found):
            doc, doc_findings = parse_source(source, config)
            found += doc_findings
            if doc is not None:
                detached = _detach(doc, positions)
            else:
                fields = failed_fields(source.text or "")
        source.text = None
        result.append((source.digest, detached, found, fields))
    return result


_FIELD_LINE = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)


def failed_fields(text: str) -> dict[str, str]:
    """What a document whose front matter does not load says of itself, line by line (its 文号, what it
    interprets, its year…): enough that findings elsewhere can name it instead of calling it missing."""
    head = text[4: text.find("\n---", 4)] if text.startswith("---") else ""
    return {key: value.strip("\"'") for key, value in _FIELD_LINE.findall(head) if value}


def _detach(doc: Document, positions: dict[int, int]) -> tuple[type, dict]:
    """A document as its class and fields, without the objects the parent process holds: its source
    file, and its column (by position in `config.all_columns`; `positions` maps each column's id()).
    Rebuilt by `_attach` without running the constructor and its checks again."""
    fields = dict(vars(doc))
    fields["source"] = None
    fields["column"] = positions[id(fields["column"])]
    return type(doc), fields


def _attach(detached: tuple[type, dict], source: sources.SourceFile, columns: list) -> Document:
    """The document of `_detach`, with this process's source file and column (`config.all_columns`)."""
    cls, fields = detached
    doc = cls.__new__(cls)
    fields["source"] = source
    fields["column"] = columns[fields["column"]]
    doc.__dict__.update(fields)
    return doc


def _parse(tree: sources.ContentTree, config, known: dict | None = None, alongside: Callable[[], object] | None = None
           ) -> tuple[list[Document], list[Catalogue], list[ColumnIntro], list[Finding], list[FailedDocument]]:
    findings: list[Finding] = []
    documents: list[Document] = []
    failed: list[FailedDocument] = []
    if known is not None:
        if alongside is not None:
            alongside()
        for rel in set(known) - {source.rel for source in tree.documents}:
            del known[rel]
        for source in tree.documents:
            entry = known.get(source.rel)
            reused = entry[1] if entry is not None and source.digest and entry[0] == source.digest else None
            # A document parsed before site.yml changed points at a column of the old tree: take the new one.
            column = column_for(source.rel, config) if reused is not None else None
            if entry is not None and source.digest and entry[0] == source.digest and (reused is None or column is not None):
                doc, doc_findings = entry[1], entry[2]
                if doc is not None:
                    doc.column = column
            else:
                text = source.text or ""
                doc, doc_findings = parse_source(source, config)
                known[source.rel] = (source.digest, doc, doc_findings, failed_fields(text) if doc is None else {})
            findings += doc_findings
            if doc is not None:
                documents.append(doc)
            else:
                failed.append(FailedDocument(source, known[source.rel][3] if len(known[source.rel]) > 3 else {}))
    else:  # files not read yet (see load_site): read, parse and model them on every core
        from gen.build import parallel
        parts, _ = parallel.work_queue(functools.partial(_read_and_model, config=config), tree.documents,
                                       (lambda: alongside() or True) if alongside is not None else None)
        for source, (digest, detached, found, fields) in zip(tree.documents, (item for part in parts for item in part)):
            source.digest = digest
            findings += found
            if detached is not None:
                documents.append(_attach(detached, source, config.all_columns))
            else:
                failed.append(FailedDocument(source, fields))
    catalogues: list[Catalogue] = []
    for source in tree.catalogues:
        parsed = frontmatter.parse_yaml(source.text or "", source.display)
        findings += parsed.findings
        if parsed.data is None:
            continue
        catalogue, catalogue_findings = build_catalogue(source, parsed, config)
        findings += catalogue_findings
        if catalogue is not None:
            catalogues.append(catalogue)
    intros: list[ColumnIntro] = []
    by_folder = {c.folder: c for c in config.all_columns if c.folder}
    for source in tree.column_intros:
        folder = source.rel.rsplit("/", 1)[0] if "/" in source.rel else ""
        column = by_folder.get(folder)
        if column is None:
            findings.append(Finding(source.display, 1, "content-layout", ERROR,
                                    f"_index.md 所在目录“{folder or 'content/'}”不是任何栏目的目录，栏目说明不会显示。"
                                    "请把它放到 site.yml 中某个栏目的目录下。"))
            continue
        parsed = frontmatter.parse_document(source.text or "", source.display) if (source.text or "").startswith("---") \
            else frontmatter.Parsed(data={}, body=source.text or "", body_line=1)
        findings += parsed.findings + _intro_keys(parsed, source)
        body = markdown.parse(parsed.body, source.display, parsed.body_line)
        findings += body.findings
        title = (parsed.data or {}).get("title")
        intros.append(ColumnIntro(column=column, source=source, title=str(title) if title else None, body=body))
    return documents, catalogues, intros, findings, failed


def _intro_keys(parsed: frontmatter.Parsed, source: sources.SourceFile) -> list[Finding]:
    """A column introduction takes only `title`. `draft` and `disclosure` there would seem to hide
    the column's documents, which they cannot: they are refused, so no editor relies on them."""
    findings = []
    data = parsed.data if isinstance(parsed.data, dict) else {}
    for key in data:
        line = parsed.lines.get(str(key), 1) if parsed.lines else 1
        if key in ("draft", "disclosure", "disclosure_reason", "published"):
            findings.append(Finding(source.display, line, "front-matter-invalid", ERROR,
                                    f"栏目说明（_index.md）中的“{key}”不起作用：草稿、公开属性和发布日期只能写在每个文档中，"
                                    "不能对整个栏目设置。请在该栏目各文档的前置信息中分别设置；不想显示本栏目，请从 site.yml 中删除它。"))
        elif key != "title":
            findings.append(Finding(source.display, line, "front-matter-invalid", ERROR,
                                    f"栏目说明（_index.md）中有未知的键“{key}”。栏目说明只能写 title（栏目说明的标题）。"))
    return findings


def _assemble(tree: sources.ContentTree, config, documents: list[Document], catalogues: list[Catalogue],
              intros: list[ColumnIntro], today: dt.date, findings: list[Finding],
              failed: list[FailedDocument] = ()) -> Site:
    """Attach bundle files to their documents and report layout collisions."""
    for doc in documents:
        doc.attachments = []  # a document object may be reused from the previous assembly (preview)
    bundles = {d.source.rel[: -len("/index.md")]: d for d in documents if d.is_bundle}
    column_folders = {c.folder for c in config.all_columns if c.folder}
    kept: list[Document] = []
    seen: dict[str, Document] = {}
    for doc in sorted(documents, key=lambda d: d.id):
        if doc.id in column_folders:
            findings.append(Finding(doc.source.display, 1, "content-layout", ERROR,
                                    f"栏目目录“{doc.id}”下直接放了 index.md，会与栏目页面冲突。栏目说明请命名为 _index.md；"
                                    "文档请放进自己的子目录。"))
            continue
        owner = _owning_bundle(doc.source.rel, bundles, exclude=doc)
        if owner is not None:
            findings.append(Finding(doc.source.display, 1, "content-layout", ERROR,
                                    f"文档目录 {owner.id}/ 中只能有一个 .md 文件（index.md）。请把本文件移出该目录，"
                                    "成为独立文档。"))
            continue
        if doc.id in seen:
            findings.append(Finding(doc.source.display, 1, "content-layout", ERROR,
                                    f"{doc.source.rel} 与 {seen[doc.id].source.rel} 对应同一个网址 /{doc.id}/。请删除或改名其中一个。"))
            continue
        seen[doc.id] = doc
        kept.append(doc)
    texts = [*tree.documents, *tree.column_intros, *tree.catalogues, *(f for f in (tree.site_config, tree.wordlist) if f)]
    # The folder of a document that failed to load is still its folder: its files are neither loose nor stray.
    broken = {f.source.rel[: -len("/index.md")] for f in failed if f.source.rel.endswith("/index.md")}
    files = [f for f in tree.files if not any(f.rel.startswith(folder + "/") for folder in broken)] if broken else tree.files
    assets, excluded = boundary_files(files, bundles, seen, texts)
    kept_catalogues = []
    for catalogue in catalogues:
        if catalogue.id in seen or catalogue.id in column_folders:
            findings.append(Finding(catalogue.source.display, 1, "content-layout", ERROR,
                                    f"目录文件 {catalogue.source.rel} 与同名的文档或栏目对应同一个网址。请改名。"))
            continue
        kept_catalogues.append(catalogue)
    return Site(config=config, today=today, root=tree.root, documents=kept, catalogues=kept_catalogues,
                intros={i.column.id: i for i in intros}, assets=assets, excluded=excluded,
                wordlist=tree.wordlist, failed=list(failed))


def boundary_files(files: list[sources.SourceFile], bundles: dict[str, Document], kept: dict[str, Document],
                   texts: list[sources.SourceFile] = ()) -> tuple[list[sources.SourceFile], list[Excluded]]:
    """Sort the files that are not documents by the publication boundary (see `boundary`).

    A bundle file becomes an attachment of its document when it is one of the document's own
    versions (Word, PDF, OFD) or the document's body or front matter names it; a file outside
    bundles is a candidate asset, published if a public page links it (`Site.publication`). Files
    that may never be published, and bundle files their document does not name, are excluded.
    """
    assets: list[sources.SourceFile] = []
    excluded: list[Excluded] = []
    named: dict[int, set[str]] = {}

    def names(doc: Document) -> set[str]:
        if id(doc) not in named:
            named[id(doc)] = boundary.named_paths(doc)
        return named[id(doc)]
    names_of: dict[tuple[int, int], list[str]] = {}
    for file in [*files, *texts]:  # a hard link may also give a document's text another name
        if file.inode is not None:
            names_of.setdefault(file.inode, []).append(file.rel)
    for file in files:
        owner = _owning_bundle(file.rel, bundles)
        if owner is not None and kept.get(owner.id) is not owner:
            continue  # the bundle's own document is refused (content-layout); nothing of it is published
        problem = boundary.kind_problem(file)
        if problem is None and file.link is not None:
            problem = _link_problem(file, bundles)
        if problem is None and file.inode is not None:
            problem = _hard_link_problem(file, names_of[file.inode], bundles)
        if problem is not None:
            kind, reason = problem
            excluded.append(Excluded(file, owner, reason, unsafe=kind == "unsafe",
                                     named=owner is not None and file.rel in names(owner)))
        elif owner is None and file.rel.split("/", 1)[0] in RESERVED_PATHS:
            excluded.append(Excluded(file, None, (
                f"它在“{file.rel.split('/', 1)[0]}/”目录下，这个目录名留给系统生成的页面和文件（保留名："
                f"{'、'.join(sorted(RESERVED_PATHS))}），不会发布。请把它移到栏目目录或文档目录中。")))
        elif owner is None:
            assets.append(file)
        elif boundary.suffix_of(file.rel) in boundary.DOWNLOAD_VERSIONS or file.rel in names(owner):
            attachment = make_attachment(file, owner.source.rel[: -len("/index.md")])
            if attachment.is_download and _named_as_something_else(owner, file.rel):
                attachment.is_download = False  # listed by its own name, never as the document's 「Word版」
            owner.attachments.append(attachment)
        else:
            excluded.append(Excluded(file, owner, (
                f"它在文档“{owner.title or owner.id}”的目录中，但不是该文档的 Word/PDF/OFD 版本，正文和前置信息也没有链接它，"
                "不会发布。如果它是附件，请在正文中链接它（例如 [附件名](文件名)）；否则请删除或移出该目录。")))
    return assets, excluded


_OTHER_MATERIAL = ("附件", "起草说明", "编制说明", "政策依据", "依据", "说明", "附表", "清单", "名单", "目录", "解读", "图解")


def _named_as_something_else(doc: Document, rel: str) -> bool:
    """Whether a Word/PDF/OFD file of a bundle is another material, not the document's own version
    (content-model: Downloads): named by `explanation` or `basis`, linked from the body as an
    附件/说明/依据…, or so named itself."""
    folder = rel.rsplit("/", 1)[0]
    for key in ("explanation", "basis"):
        value = getattr(doc, key, None)
        if isinstance(value, str) and boundary.link_path(doc.source.rel, value.strip()) == rel:
            return True
    if any(word in rel[len(folder) + 1:] for word in ("附件", "起草说明", "编制说明", "政策依据", "附表")):
        return True
    for link in doc.body.links if doc.body is not None and doc.body.may_have_markup() else []:
        if boundary.link_path(doc.source.rel, link.url) == rel and any(w in link.text for w in _OTHER_MATERIAL):
            return True
    return False


def _link_problem(file: sources.SourceFile, bundles: dict[str, Document]) -> tuple[str, str] | None:
    """Why a symbolic link may not be published: it must stay inside its own document's folder
    (or, outside bundles, its own folder) and point at a file that may itself be published."""
    target = file.link or ""
    here = _owning_bundle(file.rel, bundles)
    there = _owning_bundle(target, bundles)
    same_place = here is there if here is not None else (there is None and target.rsplit("/", 1)[0] == file.rel.rsplit("/", 1)[0])
    target_name = target.rsplit("/", 1)[-1]
    if not same_place or boundary.suffix_of(target_name) in (".md", ".yml", ".yaml") or boundary.leftover(target_name):
        return "link", (f"这是指向“{target}”的符号链接。符号链接只能指向同一文档目录中的附件，否则会绕过公开范围，"
                        "不会发布。请把要公开的文件本身复制到这里。")
    return None


def _hard_link_problem(file: sources.SourceFile, names: list[str], bundles: dict[str, Document]
                       ) -> tuple[str, str] | None:
    """A file with another name elsewhere in content/ (a hard link) is held to the boundary as a
    symbolic link is: its other names must be in the same document's folder."""
    here = _owning_bundle(file.rel, bundles)
    for other in names:
        there = _owning_bundle(other, bundles)
        same = here is there if here is not None else there is None and other.rsplit("/", 1)[0] == file.rel.rsplit("/", 1)[0]
        if other != file.rel and (not same or boundary.suffix_of(other) in (".md", ".yml", ".yaml")):
            return "link", (f"这个文件与“{other}”是同一个文件（硬链接）。它会绕过公开范围，不会发布。"
                            "请把要公开的文件复制（而不是链接）到这里。")
    return None


def _owning_bundle(rel: str, bundles: dict[str, Document], exclude: Document | None = None) -> Document | None:
    """The bundle document whose folder holds `rel`, the nearest first (`exclude`: not this one)."""
    folder = rel
    while (cut := folder.rfind("/")) > 0:
        folder = folder[:cut]
        owner = bundles.get(folder)
        if owner is not None and owner is not exclude:
            return owner
    return None


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
