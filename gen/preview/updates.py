"""The preview behind `gongkai serve`: the site kept in memory and brought up to date on each change.

An update goes the shortest safe way:

- **body** — only the Markdown bodies of known documents changed: their own pages are keyed and
  rendered again; nothing else shows a body.
- **fields** — front matter changed, but no document appeared, disappeared or changed identity
  (class, id, 文号, 索引号, visibility) and the column tree and home figures stay the same: the
  changed documents and those they reference are updated in place (`Site.update_in_place`), and
  the pages that show any of them (recorded while keying), their columns, and the pages made from
  many documents that such a change may alter (`render.changed_with`: lists, home, feed, annual
  reports…) are keyed again; only pages whose key changed are rendered.
- **full** — anything else (site.yml, templates, files added, removed or renamed, attachments,
  catalogues, column introductions): the content is loaded again (unchanged documents are not
  parsed again) and every page is keyed, as `gongkai build` does, with unchanged pages reused.

A document whose new text does not parse keeps its last good version in the preview, and its
findings are shown until it is fixed. Pages go to the preview folder (never `site/`): a file is
replaced atomically, the whole folder only by a full update. Checks run after the pages are
written, so the browser reloads first and the findings follow.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from gen import parallel, render, rules
from gen.build import incremental, pipeline, write
from gen.build.unchanged import folder_for
from gen.content import sources
from gen.findings import Finding, sorted_findings
from gen.model.document import Document
from gen.model import parse
from gen.render import Page, page_path

BODY, FIELDS, FULL = "body", "fields", "full"
_REFERENCES = ("interprets", "repeals", "amends")
_IDENTITY = ("id", "doc_no", "index_no", "draft", "disclosure", "published", "column", "is_bundle")
_NOT_FIELDS = {"source", "body", "attachments"}
_ORDER = ("pinned", "year")
"""Fields that order a column besides the publication date (identity)."""


@dataclass
class Jobs:
    """The site's rendering jobs (`render.jobs`) as the fast tiers look them up. Which jobs exist
    follows from the documents' identity, which an in-place change keeps: made at each full update."""

    many: dict[str, tuple]
    """Name (or document id) → a job made from many documents (`render.shows_many`)."""
    pages: dict[str, tuple]
    """A document's or catalogue's id (the folder of its page) → its job."""
    columns: dict[str, tuple]
    """A column's id → its job."""

    @classmethod
    def of(cls, site) -> "Jobs":
        found = cls({}, {}, {})
        for job in render.jobs(site):
            what, item = job
            if what == "column":
                found.columns[item.id] = job
                continue
            if what in ("document", "catalogue"):
                found.pages[item.id] = job
            if render.shows_many(job):
                found.many[item.id if item is not None else what] = job
        return found


@dataclass
class Update:
    """What one update did."""

    tier: str
    changed: list[str] = field(default_factory=list)
    """Output paths written (pages and files)."""
    seconds: float = 0.0
    ok: bool = True
    """False when site.yml is unusable and nothing could be rendered."""


class Preview:
    def __init__(self, content: Path, out: Path, layouts: Path, today: dt.date, search: bool = True,
                 base_url: str | None = None):
        self.content = content.resolve()
        self.out = out.resolve()
        self.layouts = layouts.resolve()
        self.today = today
        self.search = search
        self.base_url = base_url
        self.cache = folder_for(content)
        self.known: dict = {}
        self.site = None
        self.renderer: render.Renderer | None = None
        self.jobs = Jobs({}, {}, {})
        self.frame = ""
        self.code = ""
        self.identity = ""
        """Digest of what an in-place change never alters (ids, visibility, 文号, 索引号, dates, files)."""
        self.record = incremental.Record()
        self.mentions: dict[str, set[str]] = {}
        self.loader_findings: list[Finding] = []
        self.edited: dict[str, list[Finding]] = {}
        """File shown to editors → its loading findings, for documents changed in place since the last full load
        (a document whose latest text does not parse keeps its last good version in the preview)."""
        self.findings: list[Finding] = []
        self.lock = threading.RLock()

    # --- updates --------------------------------------------------------------------------------

    def full(self) -> Update:
        """Load everything and bring the preview folder up to date (reusing unchanged pages)."""
        start = time.perf_counter()
        with self.lock:
            site, findings = pipeline.load_site(self.content, self.today, known=self.known)
            self.edited = {}
            if site is None:
                self.loader_findings = findings
                self.findings = sorted_findings(findings)
                return Update(FULL, ok=False, seconds=time.perf_counter() - start)
            if self.base_url:
                site.config.base_url = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
            self.loader_findings = findings
            previous = self.record if self.record.folder is not None else incremental.load(self.cache, self.out)
            staging, tally = pipeline.render_and_write(site, self.layouts, self.search, self.out, previous,
                                                           mentions=True, manifest=False)
            try:
                pagefind = self.out / "pagefind"
                if pagefind.is_dir():  # the old index serves until the new one is ready
                    shutil.copytree(pagefind, staging / "pagefind", copy_function=os.link)
                incremental.forget(self.cache, self.out)
                write.swap(staging, self.out)
            except BaseException:
                write.discard(staging)
                raise
            self.site = site
            self.renderer = render.Renderer(site, self.layouts, self.search, manifest=False)
            self.jobs = Jobs.of(site)
            self.code = incremental.code_key(self.layouts)
            self.identity = incremental.identity_key(site)
            self.frame = incremental.frame_key(self.renderer, (self.search,), self.code, self.identity)
            changed = sorted(path for path, key in tally.record.pages.items() if previous.pages.get(path) != key)
            self.record = tally.record
            self.record.folder = self.out
            self.mentions = tally.mentions
            self._store()
            return Update(FULL, changed, time.perf_counter() - start)

    def update(self, paths: set[Path]) -> Update:
        """Bring the preview up to date after the files in `paths` changed (added, edited or removed)."""
        start = time.perf_counter()
        with self.lock:
            if self.site is None:
                return self.full()
            rels = set()
            for path in paths:
                path = Path(path).resolve()
                if path.name.startswith(".") or path.name.endswith("~"):
                    continue  # editors' temporary and backup files are never content
                if not path.is_relative_to(self.content):
                    return self.full()  # a template or static asset
                rel = path.relative_to(self.content).as_posix()
                if not path.exists() and rel not in self._sources():
                    continue  # a file that came and went while saving (vim's 4913, atomic saves)
                rels.add(rel)
            if not rels:
                return Update(BODY, [], time.perf_counter() - start)
            plan = self._in_place(rels)
            if plan is None:
                return self.full()
            tier, changed_docs, reordered = plan
            if tier == BODY:
                jobs = [(("document", doc), None) for doc in changed_docs if self.site.is_public(doc)]
            else:
                jobs = self._affected_jobs(changed_docs, reordered)
            written = self._render(jobs)
            return Update(tier, written, time.perf_counter() - start)

    def check(self, fork: bool = False) -> list[Finding]:
        """Run every rule over the current site: the findings shown in the browser.

        With `fork`, the rules run in a child process forked from a consistent snapshot (taken
        under the lock), on the other core: the server's next update is not slowed down by them.
        """
        with self.lock:
            site = self.site
            if site is None:
                return self.findings
            found = [f for f in self.loader_findings if f.file not in self.edited]
            for problems in self.edited.values():
                found += problems
            if fork:
                rules.load_all()  # never import in the child: another thread may hold the import lock
                child = parallel.fork_call(lambda: rules.run(site, self.today))
        found += child() if fork else rules.run(site, self.today)
        findings = sorted_findings(rules.apply_overrides(found, site.config.rules, rules.document_settings(site)))
        with self.lock:
            if self.site is site:
                self.findings = findings
        return findings

    # --- the fast tiers -------------------------------------------------------------------------

    def _in_place(self, rels: set[str]) -> tuple[str, list[Document], bool] | None:
        """Apply edits of known documents in place; None when only a full update will do."""
        site = self.site
        limit = rules.max_text_bytes(site.config.rules)
        tier = BODY
        reordered = relinked = False
        edits: list[tuple[Document, Document]] = []
        for rel in sorted(rels):
            entry = self.known.get(rel)
            path = self.content / rel
            if entry is None or entry[1] is None or not path.is_file() or not rel.endswith(".md") or rel.endswith("_index.md"):
                return None
            found: list[Finding] = []
            display = sources.display_path(path)
            source = sources.read(self.content, rel, path, limit, lambda _: False, found)
            if source is None:  # no longer decodes: keep the last good version, show why
                self.edited[display] = found
                continue
            if source.digest == entry[0]:
                self.edited[display] = entry[2]
                continue
            doc, problems = parse.parse_source(source, site.config)
            self.edited[display] = problems
            if doc is None:
                continue
            old = entry[1]
            if type(doc) is not type(old) or any(getattr(doc, k, None) != getattr(old, k, None) for k in _IDENTITY):
                return None
            if self._linked_files(doc) != self._linked_files(old):
                return None  # which files are published follows the links (the publication boundary)
            if any(value != old.__dict__.get(name) for name, value in vars(doc).items() if name not in _NOT_FIELDS):
                tier = FIELDS
            if any(getattr(doc, k, None) != getattr(old, k, None) for k in _ORDER):
                reordered = True
            if any(getattr(doc, k, None) != getattr(old, k, None) for k in _REFERENCES):
                relinked = True
            edits.append((old, doc))
            self.known[rel] = (source.digest, old, problems)
        changed: list[Document] = []
        for old, new in edits:
            if tier == FIELDS:
                changed += [d for d in self._references(old) if d not in changed]
            site.update_in_place(old, new)
            if old not in changed:
                changed.append(old)
            if tier == FIELDS:
                changed += [d for d in self._references(old) if d not in changed]
        if tier == FIELDS:
            site.forget_derived(references=relinked, order=reordered)
            self.renderer.refresh()
            if incremental.frame_key(self.renderer, (self.search,), self.code, self.identity) != self.frame:
                return None  # the column tree or the home figures changed: every page shows them
        return tier, changed, reordered

    def _linked_files(self, doc: Document) -> set[str]:
        """Files under content/ the document's body links or its front matter names."""
        from gen.content.boundary import named_paths
        return named_paths(doc) & self.site.files.keys()

    def _sources(self) -> set[str]:
        """Every file under content/ the current site was made from."""
        site = self.site
        return (set(self.known) | set(site.files) | {c.source.rel for c in site.catalogues}
                | {i.source.rel for i in site.intros.values()} | {"site.yml", "wordlist.yml"})

    def _references(self, doc: Document) -> list[Document]:
        """Documents whose pages or validity depend on `doc`'s fields: those it names, and those naming it."""
        site = self.site
        refs = [getattr(doc, "interprets", None), getattr(doc, "feedback", None),
                *getattr(doc, "repeals", []), *getattr(doc, "amends", [])]
        found = [d for d in (site.resolve(r) for r in refs if isinstance(r, str)) if d is not None]
        found += site.interpretations_of(doc) + [actor for actor, _ in site.acted_on_by(doc)]
        return found

    def _affected_jobs(self, changed: list[Document], reordered: bool) -> list[tuple[tuple, set[str] | None]]:
        """(job, the only pages of it to key — None for all) for an in-place change of `changed`: the
        jobs made from many documents that it may change (`render.changed_with`), and the pages that
        show a changed document (recorded while keying: `mentions`); with `reordered`, every page of
        the changed documents' columns."""
        site = self.site
        targets = {page_path(d.id) for d in changed}
        shown = targets | {page for page, names in self.mentions.items() if names & targets}
        jobs = {name: (job, None) for name, job in self.jobs.many.items() if render.changed_with(job, changed, site)}
        columns: dict[str, set[str] | None] = {}
        for page in shown:
            folder = page[: -len("/index.html")] if page.endswith("/index.html") else ""
            column = site.columns_by_path.get(folder.split("/page/")[0])
            if column is not None:
                columns.setdefault(column.id, set()).add(page)
            elif folder in self.jobs.pages:
                jobs[folder] = (self.jobs.pages[folder], None)
        if reordered:  # pinned or year changed: the order of a column and the previews above it change
            for doc in changed:
                for column in [doc.column, *doc.column.ancestors()]:
                    columns[column.id] = None
        return list(jobs.values()) + [(self.jobs.columns[c.id], columns[c.id]) for c in site.config.all_columns
                                      if c.id in columns]

    def _render(self, jobs: list[tuple[tuple, set[str] | None]]) -> list[str]:
        """Key the pages of `jobs`; render and write those whose key changed, each file atomically."""
        renderer = self.renderer
        written = []
        for job, only in jobs:
            for part in render.plan_job(renderer, job, only):
                if not isinstance(part, Page) or (only is not None and part.path not in only):
                    continue  # files only change in a full update
                mentions: set[str] = set()
                key = incremental.page_key(self.frame, part, mentions)
                self.mentions[part.path] = mentions
                if self.record.pages.get(part.path) == key:
                    continue
                if not written:
                    incremental.forget(self.cache, self.out)  # the folder no longer matches the stored record
                _replace(self.out / part.path, renderer.emit(part).data or b"")
                self.record.pages[part.path] = key
                written.append(part.path)
        return written

    def _store(self) -> None:
        incremental.store(self.cache, self.out, self.record)

    def close(self) -> None:
        """Remember what the preview folder holds, so the next `serve` reuses it."""
        with self.lock:
            if self.record.folder is not None:
                self._store()


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def default_folder(content: Path) -> Path:
    """Where the preview is written: inside the cache folder, never `site/`."""
    return folder_for(content) / "preview"
