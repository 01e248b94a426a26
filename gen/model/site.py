"""The site as a whole: indexes by id / 文号 / 索引号, references both ways, derived validity,
disclosure visibility and link resolution. Everything here is computed once per build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from gen.content.config import Column, SiteConfig
from gen.content.markdown import Body
from gen.content.sources import SourceFile
from gen.model.document import Attachment, Catalogue, Document, Interpretation, Normative
from gen.vocab import AMENDED, EXPIRED, NOT_YET, ON_REQUEST, REPEALED, VALID, WITHHELD

FULL = "full"
"""主动公开 and in force: page, attachments, lists, search, sitemap, feed, archive."""
CATALOGUE = "catalogue"
"""依申请公开: one row in the 依申请公开目录, nothing else."""
HIDDEN = "hidden"
"""不予公开, draft or embargoed: nothing at all."""

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕",
                           "(": "〔", ")": "〕", "（": "〔", "）": "〕", "﹝": "〔", "﹞": "〕"})


_SPACES = re.compile(r"\s+")


def normalize_doc_no(doc_no: str) -> str:
    """Reduce a 文号 to a form where bracket styles and spaces do not matter (for look-ups only)."""
    return _SPACES.sub("", doc_no).translate(_BRACKETS)


@dataclass
class Validity:
    """Derived 有效性 of a normative document as of one day."""

    status: str
    by: Document | None = None
    """The document that repealed or amended it."""
    since: dt.date | None = None
    """When the status began (repeal/amendment in force, or the day after expiry)."""


@dataclass
class ColumnIntro:
    """`_index.md`: the introduction shown at the top of a column page."""

    column: Column
    source: SourceFile
    title: str | None
    body: Body


@dataclass
class LinkTarget:
    """What a link in a body points at."""

    kind: str
    """page · file · external · anchor · broken · outside"""
    document: Document | None = None
    catalogue: Catalogue | None = None
    column: Column | None = None
    file: SourceFile | None = None
    """An attachment or loose asset."""
    owner: Document | None = None
    """The document whose bundle holds `file`."""
    fragment: str = ""


@dataclass
class Excluded:
    """A file under content/ kept out of every output by the publication boundary (see `boundary`)."""

    source: SourceFile
    owner: Document | None
    """The document whose folder (bundle) holds it."""
    reason: str
    """Why, and what to do, in the editors' words."""
    unsafe: bool = False
    """It is active content (HTML, script, SVG with script)."""
    named: bool = False
    """Its document's body or front matter names it."""


@dataclass
class FailedDocument:
    """A document file whose front matter did not load: its own finding says why. Findings
    elsewhere name it as such, never as missing or not public."""

    source: SourceFile
    fields: dict[str, str]
    """`key: value` lines of its front matter as far as they could be read (see `parse.failed_fields`)."""

    @property
    def id(self) -> str:
        rel = self.source.rel
        return rel[: -len("/index.md")] if rel.endswith("/index.md") else rel[: -len(".md")]


@dataclass
class Publication:
    """What the publication boundary lets out (`Site.publication`)."""

    assets: list[SourceFile]
    """Files outside bundles that a public page links: copied as they are."""
    published: set[str]
    """Paths under content/ of every file that reaches the output (attachments of public documents and `assets`)."""
    unpublished: list[Excluded]
    """Files never copied (rule `file-unpublished`)."""
    refused: list[Excluded]
    """Active files a public page links or names (rule `unsafe-content`)."""


@dataclass
class Site:
    """All content of a column, typed and cross-referenced (站点模型)."""

    config: SiteConfig
    today: dt.date
    root: Path
    documents: list[Document]
    catalogues: list[Catalogue]
    intros: dict[str, ColumnIntro]
    assets: list[SourceFile]
    """Files outside bundles (shared images and the like): published when a public page links them."""
    excluded: list[Excluded] = field(default_factory=list)
    """Files the boundary keeps out whoever links them, and bundle files their document does not name."""
    wordlist: SourceFile | None = None
    failed: list[FailedDocument] = field(default_factory=list)
    """Document files that did not load."""

    def __post_init__(self) -> None:
        self.by_id: dict[str, Document] = {d.id: d for d in self.documents}
        self.catalogue_by_id: dict[str, Catalogue] = {c.id: c for c in self.catalogues}
        self.by_doc_no: dict[str, list[Document]] = {}
        self.by_index_no: dict[str, list[Document]] = {}
        for doc in self.documents:
            doc_no = getattr(doc, "doc_no", None)
            if doc_no:
                self.by_doc_no.setdefault(normalize_doc_no(doc_no), []).append(doc)
            if doc.index_no:
                self.by_index_no.setdefault(doc.index_no, []).append(doc)
        self.files: dict[str, tuple[SourceFile, Document | None]] = {a.source.rel: (a.source, d)
                                                                     for d in self.documents for a in d.attachments}
        for asset in self.assets:
            self.files[asset.rel] = (asset, None)
        for item in self.excluded:
            self.files[item.source.rel] = (item.source, item.owner)
        self.columns_by_path = {c.path: c for c in self.config.all_columns}
        self._validity_cache: dict[tuple[str, dt.date], Validity] = {}

    # --- references -------------------------------------------------------------------------

    def failed_reference(self, ref: str | None) -> FailedDocument | None:
        """The document that failed to load which a reference (id or 文号) names, if it is one."""
        if not ref or not self.failed:
            return None
        key = ref.strip().strip("/")
        for suffix in ("/index.md", ".md"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
        wanted = normalize_doc_no(ref)
        for failed in self.failed:
            if failed.id == key or (failed.fields.get("doc_no") and normalize_doc_no(failed.fields["doc_no"]) == wanted):
                return failed
        return None

    def resolve(self, ref: str | None) -> Document | None:
        """Find the document a front matter reference names, by id or by 文号."""
        if not ref:
            return None
        key = ref.strip().strip("/")
        for suffix in ("/index.md", ".md", "/index.html"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
        doc = self.by_id.get(key)
        if doc is not None:
            return doc
        matches = self.by_doc_no.get(normalize_doc_no(ref))
        return matches[0] if matches else None

    IDENTITY_DERIVED = ("_visibility", "public_documents", "publication", "newest_first", "on_request_documents",
                        "normatives")
    """Cached properties that follow from the documents' identity alone (id, visibility, dates, column):
    `forget_derived` keeps them. Any other cached property is derived again after an in-place change."""

    @staticmethod
    def update_in_place(doc: Document, new: Document) -> None:
        """Give `doc` the fields of `new`, a version of it with the same identity (the preview), so
        that every list and index of the site still points at it; its attachments stay those the
        site found (files are matched to documents when the site is made). Call `forget_derived`
        after the last such update."""
        for item in dataclasses.fields(new):
            if item.name != "attachments":
                setattr(doc, item.name, getattr(new, item.name))

    def forget_derived(self, references: bool, order: bool) -> None:
        """Drop what was derived from documents' fields other than their identity, to be derived again
        on next use, after documents changed in place (the preview): the validity lists always, the
        relations when a reference changed (`references`), each column's order when `order`."""
        keep = set(self.IDENTITY_DERIVED) | ({"_relations"} if not references else set()) \
            | ({"_column_documents"} if not order else set())
        for name, value in vars(type(self)).items():
            if isinstance(value, cached_property) and name not in keep:
                self.__dict__.pop(name, None)
        self._validity_cache.clear()

    @cached_property
    def _relations(self) -> tuple[dict[str, list[Interpretation]], dict[str, list[tuple[Document, str]]]]:
        interpretations: dict[str, list[Interpretation]] = {}
        acted_on: dict[str, list[tuple[Document, str]]] = {}
        for doc in self.documents:
            if isinstance(doc, Interpretation):
                target = self.resolve(doc.interprets)
                if target is not None:
                    interpretations.setdefault(target.id, []).append(doc)
            if isinstance(doc, Normative):
                for action, refs in (("repeals", doc.repeals), ("amends", doc.amends)):
                    for ref in refs:
                        target = self.resolve(ref)
                        if target is not None and target is not doc:
                            acted_on.setdefault(target.id, []).append((doc, action))
        return interpretations, acted_on

    def interpretations_of(self, doc: Document) -> list[Interpretation]:
        """Interpretations (相关解读) whose `interprets` names this document, oldest first."""
        found = self._relations[0].get(doc.id, [])
        return sorted(found, key=lambda d: (d.published or dt.date.min, d.id))

    def acted_on_by(self, doc: Document) -> list[tuple[Document, str]]:
        """Documents that repeal or amend this one, with the action."""
        return self._relations[1].get(doc.id, [])

    # --- disclosure -------------------------------------------------------------------------

    @cached_property
    def _visibility(self) -> dict[str, str]:
        result = {}
        for doc in self.documents:
            if doc.draft or doc.disclosure == WITHHELD or doc.published is None or doc.published > self.today:
                result[doc.id] = HIDDEN
            elif doc.disclosure == ON_REQUEST:
                result[doc.id] = CATALOGUE
            else:
                result[doc.id] = FULL
        return result

    def visibility(self, doc: Document) -> str:
        """How much of a document may reach the output: FULL, CATALOGUE or HIDDEN."""
        return self._visibility[doc.id]

    def is_public(self, doc: Document) -> bool:
        return self._visibility[doc.id] == FULL

    @cached_property
    def public_documents(self) -> list[Document]:
        """Every document published in full, in id order."""
        return [d for d in self.documents if self.is_public(d)]

    @cached_property
    def publication(self) -> Publication:
        """Which files reach the output: the publication boundary of content-model.md.

        A file outside bundles is published when the body of a public document or of a column
        introduction (always shown) links it; a refused file is one a public page would serve.
        """
        from gen.content.boundary import link_path
        linked: set[str] = set()
        public_bodies = [(d.source.rel, d.body) for d in self.public_documents if d.body is not None]
        public_bodies += [(i.source.rel, i.body) for i in self.intros.values()]
        if self.assets or self.excluded:  # the bodies' links are parsed only when a loose or refused file needs them
            for rel, body in public_bodies:
                linked.update(link_path(rel, link.url) for link in body.links)
        assets = [a for a in self.assets if a.rel in linked]
        unpublished = [Excluded(a, None, "它不在任何文档的目录中，也没有被公开的页面链接，不会发布。如果它是某个文档的附件，"
                                         "请把文档改为目录形式（NAME/index.md）并把文件放进去，或在正文中链接它；否则请删除或移出 content/。")
                       for a in self.assets if a.rel not in linked]
        refused = []
        for item in self.excluded:
            shown = item.owner is None or self.is_public(item.owner)
            if item.unsafe and shown and (item.named or item.source.rel in linked):
                refused.append(item)
            else:
                unpublished.append(item)
        published = {a.source.rel for d in self.public_documents for a in d.attachments} | {a.rel for a in assets}
        unpublished.sort(key=lambda item: item.source.rel)
        return Publication(assets=assets, published=published, unpublished=unpublished, refused=refused)

    @cached_property
    def newest_first(self) -> list[Document]:
        """Public documents, newest first (home page, feed)."""
        return sorted(self.public_documents, key=lambda d: (d.published, d.id), reverse=True)

    @cached_property
    def on_request_documents(self) -> list[Document]:
        """依申请公开 documents (catalogue rows only), newest first."""
        docs = [d for d in self.documents if self._visibility[d.id] == CATALOGUE]
        return sorted(docs, key=lambda d: (d.published, d.id), reverse=True)

    # --- validity ---------------------------------------------------------------------------

    def validity(self, doc: Document, as_of: dt.date | None = None) -> Validity | None:
        """Derive 有效性 of a normative document as of a day (content-model.md, five steps)."""
        if not isinstance(doc, Normative):
            return None
        day = as_of or self.today
        key = (doc.id, day)
        cached = self._validity_cache.get(key)
        if cached is not None:
            return cached
        repeal: tuple[dt.date, Document] | None = None
        amend: tuple[dt.date, Document] | None = None
        for actor, action in self.acted_on_by(doc):
            start = self._in_force_from(actor)
            if start is None or start > day:
                continue  # still embargoed or not yet in force: changes nothing yet
            if action == "repeals" and (repeal is None or (start, actor.id) < (repeal[0], repeal[1].id)):
                repeal = (start, actor)
            elif action == "amends" and (amend is None or (start, actor.id) < (amend[0], amend[1].id)):
                amend = (start, actor)
        if repeal:
            result = Validity(REPEALED, repeal[1], repeal[0])
        elif amend:
            result = Validity(AMENDED, amend[1], amend[0])
        elif doc.valid_until and doc.valid_until < day:
            result = Validity(EXPIRED, None, doc.valid_until + dt.timedelta(days=1))
        elif doc.valid_from and doc.valid_from > day:
            result = Validity(NOT_YET, None, None)
        else:
            result = Validity(VALID, None, doc.valid_from or doc.published)
        self._validity_cache[key] = result
        return result

    def _in_force_from(self, actor: Document) -> dt.date | None:
        """The day an acting document's repeal or amendment counts from (None: never yet)."""
        if actor.draft or actor.disclosure == WITHHELD or actor.published is None:
            return None
        start = getattr(actor, "valid_from", None) or actor.published
        return max(start, actor.published)

    @cached_property
    def normatives(self) -> list[Normative]:
        """Public normative documents, newest first."""
        docs = [d for d in self.public_documents if isinstance(d, Normative)]
        return sorted(docs, key=lambda d: (d.published, d.id), reverse=True)

    @cached_property
    def currently_valid(self) -> list[Normative]:
        """现行有效规范性文件目录: the one computation every count and list uses (数据同源)."""
        return [d for d in self.normatives if self.validity(d).status == VALID]

    @cached_property
    def no_longer_valid(self) -> list[Normative]:
        """已废止 / 已修改 / 失效 normative documents (the cleanup list)."""
        return [d for d in self.normatives if self.validity(d).status in (REPEALED, AMENDED, EXPIRED)]

    def normative_figures(self, year: int) -> dict[str, int]:
        """本年制发 / 本年废止 / 现行有效 for an annual report's 行政规范性文件 row."""
        end = dt.date(year, 12, 31)
        issued = repealed = valid = 0
        for doc in self.normatives:
            if doc.published is None or doc.published > end:
                continue
            if doc.published.year == year:
                issued += 1
            status = self.validity(doc, end)
            if status.status in (REPEALED, EXPIRED) and status.since and status.since.year == year:
                repealed += 1
            if status.status in (VALID, AMENDED):
                valid += 1
        return {"本年制发": issued, "本年废止": repealed, "现行有效": valid}

    # --- columns ----------------------------------------------------------------------------

    @cached_property
    def _column_documents(self) -> dict[str, list[Document]]:
        result: dict[str, list[Document]] = {c.id: [] for c in self.config.all_columns}
        for doc in self.public_documents:
            result[doc.column.id].append(doc)
        for docs in result.values():
            docs.sort(key=lambda d: (not d.pinned, -(d.published.toordinal() if d.published else 0), d.id))
        return result

    def column_documents(self, column: Column) -> list[Document]:
        """Public documents of exactly this column: pinned first, then newest first."""
        return self._column_documents[column.id]

    def column_catalogues(self, column: Column) -> list[Catalogue]:
        return [c for c in self.catalogues if c.column is column]

    def column_count(self, column: Column) -> int:
        """Public documents and catalogues in the column and all columns below it."""
        total = len(self.column_documents(column)) + len(self.column_catalogues(column))
        return total + sum(self.column_count(child) for child in column.children)

    # --- links ------------------------------------------------------------------------------

    def resolve_link(self, source: SourceFile, url: str) -> LinkTarget:
        """Say what a body link of `source` points at (relative paths as in MkDocs)."""
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            return LinkTarget("external")
        if not parts.path:
            return LinkTarget("anchor", fragment=parts.fragment)
        from gen.content.boundary import link_path
        joined = link_path(source.rel, url)
        if joined == ".." or joined.startswith("../"):
            return LinkTarget("outside")
        fragment = parts.fragment
        if joined in self.files:
            file, owner = self.files[joined]
            return LinkTarget("file", file=file, owner=owner, fragment=fragment)
        key = joined
        for suffix in ("/index.md", ".md", "/index.html", ".yml", ".yaml"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
                break
        if key in self.by_id:
            return LinkTarget("page", document=self.by_id[key], fragment=fragment)
        if key in self.catalogue_by_id:
            return LinkTarget("page", catalogue=self.catalogue_by_id[key], fragment=fragment)
        if key in self.columns_by_path:
            return LinkTarget("page", column=self.columns_by_path[key], fragment=fragment)
        if key in (".", ""):
            return LinkTarget("page", fragment=fragment)
        return LinkTarget("broken")


ATTACHMENT_FORMATS = {
    ".doc": ("Word", True), ".docx": ("Word", True), ".wps": ("Word", True),
    ".pdf": ("PDF", True), ".ofd": ("OFD", True),
    ".png": ("图片", False), ".jpg": ("图片", False), ".jpeg": ("图片", False), ".gif": ("图片", False),
    ".webp": ("图片", False), ".svg": ("图片", False),
    ".mp4": ("视频", False), ".webm": ("视频", False), ".mp3": ("音频", False), ".m4a": ("音频", False),
    ".xls": ("Excel", False), ".xlsx": ("Excel", False), ".et": ("Excel", False),
    ".zip": ("压缩包", False),
}


def make_attachment(source: SourceFile, bundle_dir: str) -> Attachment:
    """Describe a bundle file: its name inside the bundle, size and download format."""
    name = source.rel[len(bundle_dir) + 1:]
    suffix = posixpath.splitext(name)[1].lower()
    fmt, is_download = ATTACHMENT_FORMATS.get(suffix, (suffix.lstrip(".").upper() or "文件", False))
    return Attachment(name=name, source=source, size=source.size, format=fmt, is_download=is_download)
