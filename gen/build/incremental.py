"""Incremental builds: render only the pages whose inputs changed, reuse every other file.

A page's key is a digest of everything it shows: its template and its context (documents and
catalogues count by the digest of their source file), plus the *frame* every page shares — the
generator's code and templates, the options, site.yml, the column tree with its counts, the home
page figures, and the identity of every document, catalogue and file (id, visibility, 文号, 索引号),
which is all that links in a body depend on. Equal key, equal bytes: a page whose key is the one
recorded for the previous output is hard-linked from it instead of rendered; a copied file is
reused when its source has the same size and modification time. The record lives in
`.gongkai-cache/pages.json` and is only trusted for the very output folder it describes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field, is_dataclass
from pathlib import Path

from gen import __version__, code_digest
from gen.build.unchanged import output_identity, stat_lines
from gen.build.write import Writer
from gen.content.config import Column, SiteConfig
from gen.content.sources import digest
from gen.model.document import Catalogue, Document
from gen.output import Output
from gen.render import Crumb, Download, Item, Lazy, Page, Pager, Renderer, page_path

def _record_name(out: Path) -> str:
    """One record per output folder, so `build` (site/) and `serve` (its preview) keep their own."""
    return "pages-" + hashlib.blake2b(str(out.resolve()).encode("utf-8"), digest_size=6).hexdigest() + ".json"


_SCALARS = frozenset({str, int, float, bool, type(None)})
_PLAIN = _SCALARS | {Crumb, Download}
"""Types whose repr is a complete, canonical text of the value: scalars, and dataclasses whose
fields are all scalars by declaration (a test holds them to that)."""


def _scalar(value, out: list, mentions: set) -> None:
    out.append(repr(value))


def _plain(value) -> bool:
    """A list or tuple of plain values, or of tuples of them (table rows, crumbs, 文件信息): one repr says it all."""
    for item in value:
        kind = type(item)
        if kind not in _PLAIN:
            if kind is not tuple:
                return False
            for part in item:
                if type(part) not in _PLAIN:
                    return False
    return True


def _sequence(value, out: list, mentions: set) -> None:
    if _plain(value):  # the common case, one repr
        out.append(repr(value))
        return
    out.append("[")
    for item in value:
        _encode(item, out, mentions)
        out.append(",")
    out.append("]")


def _mapping(value, out: list, mentions: set) -> None:
    out.append("{")
    for name, item in value.items():
        if type(item) in _PLAIN:
            out.append(f"{name!r}:{item!r},")
        else:
            out.append(repr(name) + ":")
            _encode(item, out, mentions)
            out.append(",")
    out.append("}")


def _document(value, out: list, mentions: set) -> None:
    source = value.source
    mentions.add(page_path(value.id))
    out.append(f"D({source.rel},{source.digest},{[(a.source.rel, a.size) for a in value.attachments]})")


def _fields(name: str, value, out: list, mentions: set) -> None:
    """A dataclass instance: its type and its fields in order (one repr when all are plain)."""
    fields = tuple(vars(value).values())
    if _plain(fields):
        out.append(name + repr(fields))
    else:
        out.append(name)
        _mapping(vars(value), out, mentions)


def _item(value, out: list, mentions: set) -> None:
    mentions.add(value.path)
    _fields("I", value, out, mentions)


def _encoder(kind: type):
    """How to encode values of one type (looked up once per type, then from `_ENCODERS`)."""
    if kind in _PLAIN:
        return _scalar
    if issubclass(kind, Document):
        return _document
    if issubclass(kind, Pager):
        return lambda value, out, mentions: out.append(f"P({value.folder},{len(value)})")
    if issubclass(kind, (list, tuple)):
        return _sequence
    if issubclass(kind, dict):
        return _mapping
    if issubclass(kind, Item):
        return _item
    if issubclass(kind, dt.date):
        return lambda value, out, mentions: out.append(value.isoformat())
    if issubclass(kind, Lazy):
        return lambda value, out, mentions: out.append(f"L({value.source.rel},{value.source.digest})")
    if issubclass(kind, Catalogue):
        return lambda value, out, mentions: out.append(f"C({value.source.rel},{value.source.digest})")
    if issubclass(kind, Column):
        return lambda value, out, mentions: out.append(f"K({value.id})")
    if issubclass(kind, SiteConfig):
        return lambda value, out, mentions: out.append("S")  # site.yml is part of the frame
    if is_dataclass(kind):
        return lambda value, out, mentions: _fields(kind.__name__, value, out, mentions)
    return None


def _function(value, out: list, mentions: set) -> None:
    out.append(f"F({value.__module__}.{value.__qualname__})")


_ENCODERS: dict[type, object] = {}


def _encode(value, out: list, mentions: set) -> None:
    """Append a canonical text form of a context value to `out`; add the documents it shows to `mentions`."""
    kind = type(value)
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        encoder = _encoder(kind) or (_function if callable(value) else None)
        if encoder is None:  # a value the encoder does not know must never make two different pages look equal
            raise TypeError(f"cannot key a page on {kind.__name__}")
        _ENCODERS[kind] = encoder
    encoder(value, out, mentions)


def page_key(frame: str, page: Page, mentions: set | None = None) -> str:
    """The key of a page; the page paths of the documents it shows are added to `mentions`."""
    out = [frame, page.template, str(page.chrome)]
    _encode(page.context, out, mentions if mentions is not None else set())
    return digest("\x1f".join(out).encode("utf-8"))


def code_key(layouts: Path) -> str:
    """The templates and the generator's own code, by path, size and modification time."""
    return "\n".join([code_digest(), *stat_lines(layouts)])


def frame_key(renderer: Renderer, options: tuple, code: str | None = None, identity: str | None = None) -> str:
    """The digest of everything all pages share (see the module docstring)."""
    site = renderer.site
    out = [code if code is not None else code_key(renderer.layouts), repr(options)]
    config = site.config
    out.append(f"{config.digest}|{config.base_url}")
    _encode(renderer.tree, out, set())
    _encode(renderer.stats, out, set())
    out.append(identity if identity is not None else identity_key(site))
    return digest("\n".join(out).encode("utf-8"))


def identity_key(site) -> str:
    """What links and references depend on: every document's id, visibility, 文号, 索引号 and file; catalogues; files."""
    out = [f"{doc.id}|{site.visibility(doc)}|{getattr(doc, 'doc_no', None)}|{doc.index_no}|{doc.source.rel}|{doc.published}"
           for doc in site.documents]
    out += [f"c:{c.id}" for c in site.catalogues]
    out += sorted(f"f:{rel}" for rel in site.files)
    return digest("\n".join(out).encode("utf-8"))


def file_key(output: Output) -> str:
    """What a file depends on: its bytes when they are made here (the manifest), else its source's stamp."""
    if output.source is None:
        return "data:" + digest(output.data or b"")
    stamp = output.stamp
    if stamp is None:
        stat = os.stat(output.source)
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    return f"{stamp}:{output.source}"


@dataclass
class Record:
    """What the previous build wrote: page keys and copied-file keys, by output path."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    search: dict = field(default_factory=dict)
    """What the search index holds, shard by shard (`search.Report.state`)."""
    folder: Path | None = None
    """The output folder the record describes (None: nothing to reuse)."""


@dataclass
class Tally:
    """What one worker did."""

    pages: int = 0
    rendered: int = 0
    reused: int = 0
    record: Record = field(default_factory=Record)
    mentions: dict[str, set[str]] = field(default_factory=dict)
    """Page path → page paths of the documents it shows (what the preview re-renders after an edit)."""

    def add(self, other: "Tally") -> None:
        self.pages += other.pages
        self.rendered += other.rendered
        self.reused += other.reused
        self.record.pages.update(other.record.pages)
        self.record.files.update(other.record.files)
        self.mentions.update(other.mentions)


def render_or_reuse(renderer: Renderer, jobs, writer: Writer, frame: str, previous: Record, mentions: bool = False) -> Tally:
    """Render or reuse every output of `jobs` into the writer's folder (`mentions`: and record, for
    the preview, which documents each page shows; a build has no use for them)."""
    from gen.render import plan_job
    tally = Tally()
    old = previous.folder
    for job in jobs:
        for part in plan_job(renderer, job):
            if isinstance(part, Page):
                shown: set[str] = set()
                key = page_key(frame, part, shown)
                tally.record.pages[part.path] = key
                if mentions:
                    tally.mentions[part.path] = shown
                page = part.path.endswith(".html")  # what the counts tell editors about: pages, not feed and sitemap
                tally.pages += page
                if old is not None and previous.pages.get(part.path) == key and writer.link(old / part.path, part.path):
                    tally.reused += page
                    continue
                writer.write(renderer.emit(part))
                tally.rendered += page
            else:
                key = file_key(part)
                tally.record.files[part.path] = key
                if old is not None and previous.files.get(part.path) == key and writer.link(old / part.path, part.path):
                    continue
                writer.write(part)
    return tally


def load(cache: Path, out: Path) -> Record:
    """The record of the build that wrote `out`, if `out` is still exactly that build's output."""
    try:
        data = json.loads((cache / _record_name(out)).read_text(encoding="utf-8"))
        if data.get("version") != __version__ or data.get("out") != str(out.resolve()) or data.get("marker") != output_identity(out):
            return Record()
        return Record(pages=dict(data["pages"]), files=dict(data["files"]), search=dict(data.get("search") or {}),
                      folder=out.resolve())
    except (OSError, ValueError, KeyError, TypeError):
        return Record()


def store(cache: Path, out: Path, record: Record) -> None:
    """Remember what was written into `out` (best effort; deleting the cache only costs time)."""
    try:
        cache.mkdir(exist_ok=True)
        temporary = cache / (_record_name(out) + ".tmp")
        temporary.write_text(json.dumps({"version": __version__, "out": str(out.resolve()), "marker": output_identity(out),
                                         "pages": record.pages, "files": record.files, "search": record.search},
                                        ensure_ascii=False,
                                        separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, cache / _record_name(out))
    except OSError:
        pass


def forget(cache: Path, out: Path) -> None:
    try:
        (cache / _record_name(out)).unlink()
    except OSError:
        pass


