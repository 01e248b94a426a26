"""Render the site to outputs with Jinja2: view objects in, (path, bytes) out, no file I/O."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from gen import PACKAGE
from gen.content import markdown
from gen.content.config import Column
from gen.model.document import AnnualReport, Catalogue, Consultation, Document, Guide, Interpretation, Normative, Plan, Policy
from gen.model.site import CATALOGUE, Site, Validity
from gen.vocab import AMENDED, EXPIRED, NOT_YET, REPEALED, VALID
from gen.output import Output

PAGE_SIZE = 20
LATEST = 10
FEED_SIZE = 50

# Pages the generator makes from the documents (数据同源), by output folder.
CURRENT_LIST = "catalogue/current"
INVALID_LIST = "catalogue/repealed"
ON_REQUEST_LIST = "catalogue/on-request"
SITEMAP_PAGE = "sitemap"
SEARCH_PAGE = "search"
SUBSCRIBE_PAGE = "subscribe"


@lru_cache(maxsize=None)
def _parts(folder: str) -> tuple[str, ...]:
    return tuple(folder.split("/")) if folder else ()


@lru_cache(maxsize=65536)
def _quoted(path: str) -> str:
    return quote(path, safe="/#%")


def relative(here: str, target: str) -> str:
    """The relative URL from a page in folder `here` to the output path `target` (both site-relative)."""
    base = _parts(here)
    if not base:
        return _quoted(target)
    if not target.startswith(base[0]) or target[len(base[0]):len(base[0]) + 1] != "/":
        return _quoted("../" * len(base) + target)  # nothing in common (the chrome's links): the quick way
    parts = target.split("/")
    common = 0
    for a, b in zip(base, parts[:-1]):
        if a != b:
            break
        common += 1
    return _quoted("../" * (len(base) - common) + "/".join(parts[common:]))


def _node_paths(nodes) -> list[str]:
    """The page of every column in the tree, at any depth."""
    return [path for node in nodes for path in (node.path, *_node_paths(node.children))]


def page_path(folder: str) -> str:
    """Output file of a page whose pretty URL is `/<folder>/`."""
    return f"{folder}/index.html" if folder else "index.html"


@dataclass
class Page:
    """A page before its template runs: output path, template and the values it shows.

    Everything a page shows is in `context` (plus the site-wide chrome: configuration, column
    tree and figures), so equal contexts make equal bytes; `incremental` keys pages on that.
    """

    path: str
    template: str
    context: dict
    chrome: bool = True
    """Rendered inside the site's frame (navigation, footer); feed.xml and sitemap.xml are not."""


class Lazy:
    """A costly value (a Markdown body as HTML) made only when the page is rendered.

    `source` is the file it is made from: the value depends on nothing else but the site-wide
    identity of documents and files, which every page key includes.
    """

    __slots__ = ("source", "make")

    def __init__(self, source, make):
        self.source = source
        self.make = make


class Pager(tuple):
    """(number, output path) of every page of a column; one shared by all of them."""

    folder: str

    @classmethod
    def of(cls, folder: str, pages: int) -> "Pager":
        pager = cls((n, page_path(folder if n == 1 else f"{folder}/page/{n}")) for n in range(1, pages + 1))
        pager.folder = folder
        return pager

    def window(self, page: int, around: int = 2) -> list[tuple[int, str] | None]:
        """The pages a pager links from `page`: the first, the last and `around` either side of it,
        with None where numbers are left out (a pager of a long column stays short on every page)."""
        shown = sorted({1, len(self), *range(max(1, page - around), min(len(self), page + around) + 1)})
        result: list[tuple[int, str] | None] = []
        for number in shown:
            if result and result[-1] is not None and number > result[-1][0] + 1:
                result.append(None)
            result.append(self[number - 1])
        return result


@dataclass
class Crumb:
    title: str
    path: str | None
    """Output path, or None for the current page."""
    href: str | None = None
    """The link from the page that shows it (`url(path)`, made once with the page, not by the template)."""


@dataclass
class Item:
    """A document in a list (title, date, 文号)."""

    title: str
    path: str
    date: str
    doc_no: str | None = None
    pinned: bool = False
    kind: str = ""
    validity: str | None = None
    summary: str | None = None


@dataclass
class ColumnNode:
    """A column in the navigation tree, with its derived count."""

    id: str
    title: str
    path: str
    count: int
    children: list["ColumnNode"] = field(default_factory=list)


@dataclass
class Download:
    name: str
    path: str
    format: str
    size: str


@dataclass
class Banner:
    """The validity banner of a normative document that is no longer (or not yet) in force."""

    status: str
    text: str
    link: Item | None = None


CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
                           "connect-src 'self'; img-src 'self' data:; media-src 'self'; font-src 'self'; style-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'")
"""The policy every page states in its <meta> (layouts/base.html) and the web server sends as a header (deploy/nginx.conf)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """Text without the characters XML 1.0 cannot hold (a control character typed into a title
    would make feed.xml ill-formed); used by the feed and the sitemap (`|xml`)."""
    return _NOT_XML.sub("", str(value))


def url_path(value) -> str:
    """A path percent-encoded for a URL in XML (`|urlpath`): 汉字, spaces and the like as UTF-8 escapes."""
    return quote(xml_text(value), safe="/-._~!$&'()*+,;=:@")


def packaged_layouts() -> Path | None:
    """The templates gongkai ships: beside the package in a checkout or an editable install, else
    where a wheel puts them (None if neither is there)."""
    import sys
    for folder in (PACKAGE.parent / "layouts", Path(sys.prefix) / "share" / "gongkai" / "layouts"):
        if (folder / "base.html").is_file():
            return folder
    return None


def environment(layouts: Path) -> jinja2.Environment:
    """The Jinja environment of a layouts folder, every template compiled.

    Compiled before forking, forked workers inherit the templates instead of each compiling its
    own; the build compiles them while the parse stage's children read the files.
    """
    # A column's own layouts/ first; a template it does not have (one a newer gongkai added) from the packaged ones.
    folders = [str(layouts)] + [str(p) for p in [packaged_layouts()] if p is not None and p.resolve() != layouts.resolve()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=-1,  # every template of the folder, in a plain dict: no LRU bookkeeping on each page's lookups
        auto_reload=False,  # an environment lives for one build (the preview makes a new one when a template changes)
    )
    env.filters["xml"] = xml_text
    env.filters["urlpath"] = url_path
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".xml")) and "/" not in name):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass  # reported when a page uses it, as without this warm-up
    return env


class Chrome(dict):
    """The chrome partials of the pages at one depth and navigation place, by template name, each
    rendered on first use. A lookup, not a call: Jinja's `context.call` inspects its callee on
    every call, and a page shows three partials."""

    def __init__(self, make: Callable[[str], Markup]):
        super().__init__()
        self.make = make

    def __missing__(self, name: str) -> Markup:
        html = self[name] = self.make(name)
        return html


class Renderer:
    """Holds the Jinja environment and the per-site views computed once."""

    def __init__(self, site: Site, layouts: Path, search: bool = True, env: jinja2.Environment | None = None,
                 manifest: bool = True):
        """`manifest`: whether the site publishes `gongkai-manifest.json` (not the preview, which no portal reads)."""
        self.site = site
        self.search = search
        self.manifest = manifest
        self.config = site.config
        self.env = env or environment(layouts)
        self.layouts = layouts
        self.refresh()

    def refresh(self) -> None:
        """Compute the column tree and the home figures again (after documents changed in place)."""
        self.tree = [self._node(c) for c in self.config.columns]
        self.stats = self._stats()
        self.nav_paths = {"index.html", *_node_paths(self.tree)}
        self.chromes: dict[tuple[int, str], Chrome] = {}
        """Rendered head, header and footer by (depth, current nav page): made once, not per page."""

    def chrome(self, depth: int, current: str) -> Chrome:
        """The chrome partials (`_head.html`, `_header.html`, `_footer.html`) of pages `depth` folders
        deep, each rendered when a page first asks for it (`{{ chrome["_header.html"] }}`).

        Their links climb to the site root and then down (`../../policy/index.html`), so they are
        the same for every page at that depth; `current` is the page itself when it is in the
        navigation (for aria-current), otherwise "".
        """
        key = (depth, current)
        partials = self.chromes.get(key)
        if partials is None:
            up = "../" * depth

            def make(name: str) -> Markup:
                return Markup(self.env.get_template(name).render(
                    site=self.config, tree=self.tree, search=self.search, current=current,
                    url=lambda target: _quoted(up + target)).rstrip("\n"))
            partials = self.chromes[key] = Chrome(make)
        return partials

    # --- helpers ------------------------------------------------------------------------------

    def _node(self, column: Column) -> ColumnNode:
        return ColumnNode(column.id, column.title, page_path(column.path), self.site.column_count(column),
                          [self._node(c) for c in column.children])

    def _stats(self) -> list[tuple[str, int, str, str | None]]:
        """Counts on the home page: label, number, unit, link — every one derived, each leading to
        the list it counts, and 主动公开信息 the sum of what the columns list (documents and catalogues)."""
        site = self.site
        public = site.public_documents
        interpretations = [d for d in public if d.kind == "interpretation"]
        reports = [d for d in public if d.kind == "annual_report"]
        return [
            ("现行有效规范性文件", len(site.currently_valid), "件", page_path(CURRENT_LIST)),
            ("已废止、失效规范性文件", len(site.no_longer_valid), "件", page_path(INVALID_LIST)),
            ("政策解读", len(interpretations), "篇", self._column_of(interpretations)),
            ("政府信息公开年报", len(reports), "份", self._column_of(reports)),
            ("主动公开信息", sum(site.column_count(c) for c in self.config.columns), "条", page_path(SITEMAP_PAGE)),
            ("依申请公开目录", len(site.on_request_documents), "条", page_path(ON_REQUEST_LIST)),
        ]

    @staticmethod
    def _column_of(docs: list[Document]) -> str | None:
        """The page of the column that holds most of `docs` (None without any)."""
        if not docs:
            return None
        counts: dict[str, int] = {}
        for doc in docs:
            counts[doc.column.path] = counts.get(doc.column.path, 0) + 1
        return page_path(max(sorted(counts), key=counts.get))

    def item(self, doc: Document) -> Item:
        validity = self.site.validity(doc)
        return Item(title=doc.title, path=page_path(doc.id), date=_date(doc.published),
                    doc_no=getattr(doc, "doc_no", None), pinned=doc.pinned, kind=doc.kind_zh,
                    validity=validity.status if validity else None, summary=doc.summary)

    def page(self, template: str, path: str, title: str, crumbs: list[Crumb], **context) -> Page:
        """What a page is made of, before any template runs (see `Page`)."""
        here = posixpath.dirname(path)
        for crumb in crumbs:
            if crumb.path is not None:
                crumb.href = relative(here, crumb.path)
        return Page(path, template, {"title": title, "crumbs": crumbs, **context})

    def emit(self, page: Page) -> Output:
        """Run the template of a page: the only expensive step."""
        context = {name: value.make() if isinstance(value, Lazy) else value for name, value in page.context.items()}
        template = self.env.get_template(page.template)
        if not page.chrome:
            return Output(page.path, template.render(**context).encode("utf-8"))
        path = page.path
        here = posixpath.dirname(path)
        depth = len(_parts(here))
        current = path if path in self.nav_paths else ""

        def url(target: str) -> str:
            """Relative link from this page to an output path (works on a server, a sub-path and file://)."""
            return relative(here, target)

        html = template.render(
            site=self.config, tree=self.tree, stats=self.stats, url=url, search=self.search, chrome=self.chrome(depth, current),
            path=path, canonical=self.config.base_url + (path[: -len("index.html")] if path.endswith("index.html") else path),
            **context)
        return Output(path, html.encode("utf-8"))

    def render(self, template: str, path: str, title: str, crumbs: list[Crumb], **context) -> Output:
        return self.emit(self.page(template, path, title, crumbs, **context))

    def crumbs_for(self, column: Column | None, *tail: Crumb) -> list[Crumb]:
        crumbs = [Crumb("首页", "index.html")]
        if column is not None:
            for c in column.ancestors() + [column]:
                crumbs.append(Crumb(c.title, page_path(c.path)))
        crumbs.extend(tail)
        return crumbs

    # --- pages --------------------------------------------------------------------------------

    def home(self) -> Page:
        site = self.site
        public = site.public_documents
        pinned = sorted((d for d in public if d.pinned), key=lambda d: (d.column.order, d.id))
        latest = site.newest_first[:LATEST]
        return self.page("home.html", "index.html", self.config.name, [Crumb("首页", None)],
                           pinned=[self.item(d) for d in pinned], latest=[self.item(d) for d in latest])

    def column_pages(self, column: Column, only: set[str] | None = None) -> list[Page]:
        """The pages of a column (with `only`: just those of these output paths)."""
        site = self.site
        intro = site.intros.get(column.id)
        intro_html = Lazy(intro.source, lambda: markdown.render(intro.body, self._rewriter(intro.source, page_path(column.path)))) \
            if intro else ""
        docs = site.column_documents(column)
        if column.kind == "annual_report":
            docs = sorted(docs, key=lambda d: (not d.pinned, -(getattr(d, "year", None) or 0), d.id))
        catalogues = [Item(c.title, page_path(c.id), _date(c.revised), kind="目录") for c in site.column_catalogues(column)]
        children = [(self._node(child), [self.item(d) for d in site.column_documents(child)[:5]])
                    for child in column.children]
        pages = max(1, -(-len(docs) // PAGE_SIZE))
        pager = Pager.of(column.path, pages)
        outputs = []
        for number in range(1, pages + 1):
            folder = column.path if number == 1 else f"{column.path}/page/{number}"
            if only is not None and page_path(folder) not in only:
                continue
            chunk = docs[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
            crumbs = self.crumbs_for(column)
            crumbs[-1] = Crumb(column.title, None)
            outputs.append(self.page(
                "column.html", page_path(folder), column.title if number == 1 else f"{column.title}（第{number}页）", crumbs,
                column=self._node(column), kind=column.kind, intro=intro_html, items=[self.item(d) for d in chunk],
                catalogues=catalogues if number == 1 else [], children=children if number == 1 else [],
                page=number, pager=pager if pages > 1 else [], total=len(docs),
                empty_hint=_EMPTY_HINTS.get(column.kind or "", "本栏目暂无信息。")))
        return outputs

    def document_page(self, doc: Document) -> Page:
        site = self.site
        path = page_path(doc.id)
        crumbs = self.crumbs_for(doc.column, Crumb(doc.title, None))
        validity = site.validity(doc)
        interprets = None
        if isinstance(doc, Interpretation):
            target = site.resolve(doc.interprets)
            if target is not None and site.is_public(target):
                interprets = self.item(target)
        interpretations = [self.item(i) for i in site.interpretations_of(doc) if site.is_public(i)]
        acted = []
        if isinstance(doc, Normative):
            for ref_list, action in ((doc.repeals, "废止"), (doc.amends, "修改")):
                for ref in ref_list:
                    target = site.resolve(ref)
                    if target is not None and site.is_public(target):
                        acted.append((action, self.item(target)))
        folder = page_path(doc.id)[: -len("index.html")]
        downloads = [Download(a.name, folder + a.name, a.format, _size(a.size)) for a in doc.downloads]
        others = [Download(self._attachment_title(doc, a.name), folder + a.name, a.format, _size(a.size))
                  for a in doc.attachments if not a.is_download and a.format not in ("图片", "视频", "音频")]
        body = Lazy(doc.source, lambda: markdown.render(doc.body, self._rewriter(doc.source, path))) if doc.body else ""
        return self.page(
            "document.html", path, doc.title, crumbs, doc=doc, meta=self._meta(doc, validity), body=body,
            downloads=downloads, others=others, interprets=interprets, interpretations=interpretations, acted=acted,
            banner=self._banner(doc, validity), report=self._report(doc), report_years=self._report_years(doc),
            consultation=self._consultation(doc),
            feedback=self._feedback(doc))

    def _attachment_title(self, doc: Document, name: str) -> str:
        """What a document's other attachment is called: 起草说明 / 政策依据 when front matter names
        it so, else the text of the body link to it, else its file name."""
        for key, title in (("explanation", "起草说明"), ("basis", "政策依据")):
            if getattr(doc, key, None) == name:
                return title
        if doc.body is not None and doc.body.may_have_markup():
            from gen.content.boundary import link_path
            folder = doc.source.rel.rsplit("/", 1)[0]
            for link in doc.body.links:
                if link_path(doc.source.rel, link.url) == f"{folder}/{name}" and link.text.strip():
                    return link.text.strip()
        return name

    def catalogue_page(self, catalogue: Catalogue) -> Page:
        crumbs = self.crumbs_for(catalogue.column, Crumb(catalogue.title, None))
        rows = [[_cell(row.get(c.key)) for c in catalogue.columns] for row in catalogue.rows]
        return self.page("catalogue.html", page_path(catalogue.id), catalogue.title, crumbs,
                           catalogue=catalogue, headers=[c.title for c in catalogue.columns], rows=rows,
                           revised=_date(catalogue.revised))

    def validity_lists(self) -> list[Page]:
        site = self.site
        outputs = []
        for folder, title, docs, note in (
            (CURRENT_LIST, "现行有效规范性文件目录", site.currently_valid,
             f"截至 {_date(site.today)}，本机关现行有效的行政规范性文件共 {len(site.currently_valid)} 件。"),
            (INVALID_LIST, "已废止、失效规范性文件目录", site.no_longer_valid,
             f"截至 {_date(site.today)}，已废止、已修改或失效的行政规范性文件共 {len(site.no_longer_valid)} 件。"),
        ):
            rows = []
            for doc in docs:
                validity = site.validity(doc)
                rows.append((self.item(doc), doc, validity, self.item(validity.by) if validity.by and site.is_public(validity.by) else None))
            outputs.append(self.page("validity_list.html", page_path(folder), title, self.crumbs_for(None, Crumb(title, None)),
                                       rows=rows, note=note, other=(page_path(INVALID_LIST) if folder == CURRENT_LIST else page_path(CURRENT_LIST))))
        return outputs

    def on_request_list(self) -> Page:
        title = "依申请公开目录"
        rows = [(d.title, getattr(d, "doc_no", None), d.index_no, _date(getattr(d, "written", None)), _date(d.published),
                 d.issuer) for d in self.site.on_request_documents]
        guide = next((c for c in self.config.all_columns if c.kind == "guide"), None)
        return self.page("on_request.html", page_path(ON_REQUEST_LIST), title, self.crumbs_for(None, Crumb(title, None)),
                           rows=rows, guide=page_path(guide.path) if guide else None)

    def search_page(self) -> Page:
        title = "站内搜索"
        return self.page("search.html", page_path(SEARCH_PAGE), title, self.crumbs_for(None, Crumb(title, None)))

    def sitemap_page(self) -> Page:
        title = "网站地图"
        extra = [("现行有效规范性文件目录", page_path(CURRENT_LIST)), ("已废止、失效规范性文件目录", page_path(INVALID_LIST)),
                 ("依申请公开目录", page_path(ON_REQUEST_LIST)), ("信息订阅", page_path(SUBSCRIBE_PAGE))]
        return self.page("sitemap.html", page_path(SITEMAP_PAGE), title, self.crumbs_for(None, Crumb(title, None)),
                           extra=extra)

    def subscribe_page(self) -> Page:
        """信息订阅: what the feed is and its address, with the entries it holds now (the footer's link
        leads here, not to the XML, which a browser shows as code)."""
        title = "信息订阅"
        docs = self.site.newest_first[:FEED_SIZE]
        return self.page("subscribe.html", page_path(SUBSCRIBE_PAGE), title, self.crumbs_for(None, Crumb(title, None)),
                         feed=self.config.base_url + "feed.xml", items=[self.item(d) for d in docs])

    def not_found(self) -> Page:
        # The server shows this page at any missing address (/a/b/c): its links, written from the
        # site's root like the home page's, are resolved against the site's root path by a <base>.
        root = urlsplit(self.config.base_url).path or "/"
        return self.page("404.html", "404.html", "页面未找到", [Crumb("首页", "index.html"), Crumb("页面未找到", None)],
                         root=root if root.endswith("/") else root + "/")

    def feed(self) -> Page:
        site = self.site
        docs = site.newest_first[:FEED_SIZE]
        updated = _date(docs[0].published) if docs else _date(site.today)
        return Page("feed.xml", "feed.xml", {"site": self.config, "docs": docs, "updated": updated,
                                             "base": self.config.base_url, "date": _date}, chrome=False)

    def sitemap_xml(self, pages: list[tuple[str, str | None]]) -> Page:
        return Page("sitemap.xml", "sitemap.xml", {"base": self.config.base_url, "pages": pages}, chrome=False)

    # --- pieces -------------------------------------------------------------------------------

    def _rewriter(self, source, page: str):
        """Rewrite body URLs: `.md` links to page URLs, bundle files to their output paths."""
        site = self.site
        here = posixpath.dirname(page)

        def rel(target: str, fragment: str = "") -> str:
            link = relative(here, target)
            return f"{link}#{quote(fragment, safe='')}" if fragment else link

        def rewrite(url: str) -> str:
            target = site.resolve_link(source, url)
            if target.kind in ("external", "anchor"):
                return url
            if target.kind == "page":
                if target.document is not None:
                    # Never point at a page that is not published: not even its address leaks.
                    return rel(page_path(target.document.id), target.fragment) if site.is_public(target.document) else "#"
                if target.catalogue is not None:
                    return rel(page_path(target.catalogue.id), target.fragment)
                if target.column is not None:
                    return rel(page_path(target.column.path), target.fragment)
                return rel("index.html", target.fragment)
            if target.kind == "file" and target.file is not None:
                if target.file.rel not in site.publication.published:
                    return "#"  # outside the publication boundary: not even its address is written
                if target.owner is not None:
                    bundle = target.owner.source.rel[: -len("index.md")]
                    return rel(target.owner.id + "/" + target.file.rel[len(bundle):], target.fragment)
                return rel(target.file.rel, target.fragment)
            return "#"
        return rewrite

    def _meta(self, doc: Document, validity: Validity | None) -> list[tuple[str, str]]:
        """The metadata table, as gov.cn lays it out (索引号, 主题分类, 发布机构 …)."""
        rows = [("索引号", doc.index_no or ""), ("主题分类", doc.topic or ""), ("发布机构", doc.issuer)]
        if isinstance(doc, (Normative, Policy)):
            rows.append(("成文日期", _date(doc.written)))
        rows.append(("发布日期", _date(doc.published)))
        doc_no = getattr(doc, "doc_no", None)
        if doc_no:
            rows.append(("文号", doc_no))
        if validity is not None:
            rows.append(("有效性", validity.status))
            if doc.valid_from:
                rows.append(("施行日期", _date(doc.valid_from)))
            if doc.valid_until:
                rows.append(("有效期至", _date(doc.valid_until)))
            elif getattr(doc, "no_expiry", False):
                rows.append(("有效期至", "长期"))
        if isinstance(doc, Plan):
            if doc.period:
                rows.append(("规划期", doc.period))
            if doc.plan_status:
                rows.append(("编制状态", doc.plan_status))
        if isinstance(doc, Guide) and doc.revised:
            rows.append(("修订日期", _date(doc.revised)))
        if isinstance(doc, Interpretation) and doc.forms:
            rows.append(("解读形式", "、".join(doc.forms)))
        if isinstance(doc, AnnualReport) and doc.year:
            rows.append(("报告年度", f"{doc.year}年"))
        if isinstance(doc, (Normative, Policy)) and doc.contact:
            rows.append(("咨询电话", doc.contact))
        if isinstance(doc, Normative) and doc.filing and (doc.filing.no or doc.filing.date):
            rows.append(("备案情况", " ".join(x for x in (doc.filing.no, _date(doc.filing.date)) if x)))
        if doc.keywords:
            rows.append(("关键词", "、".join(doc.keywords)))
        return rows

    def _banner(self, doc: Document, validity: Validity | None) -> Banner | None:
        if validity is None or validity.status == VALID:
            return None
        by = validity.by
        link = self.item(by) if by is not None and self.site.is_public(by) else None
        by_name = f"《{by.title}》" + (f"（{by.doc_no}）" if getattr(by, "doc_no", None) else "") if by else ""
        text = {
            REPEALED: f"本文件已于 {_date(validity.since)} 被{by_name}废止，仅供查阅。",
            AMENDED: f"本文件已于 {_date(validity.since)} 被{by_name}修改，请同时查阅修改文件。",
            EXPIRED: f"本文件有效期至 {_date(doc.valid_until)}，已失效，仅供查阅。",
            NOT_YET: f"本文件自 {_date(getattr(doc, 'valid_from', None))} 起施行，目前尚未生效。",
        }[validity.status]
        return Banner(validity.status, text, link)

    def _report(self, doc: Document) -> dict | None:
        """The standard tables of an annual report (国办公开办函〔2021〕30号)."""
        if not isinstance(doc, AnnualReport) or doc.year is None:
            return None
        from gen.model.annual import report_tables  # the table layout lives with its vocabulary
        return report_tables(doc, self.site.normative_figures(doc.year))

    def _report_years(self, doc: Document) -> tuple[Item | None, Item | None] | None:
        """The previous and next year's public annual reports, so that a reader (and an inspector)
        can hold one year against the other (seed 000 (四)3)."""
        if not isinstance(doc, AnnualReport) or not isinstance(doc.year, int):
            return None
        by_year: dict[int, Document] = {}
        for other in self.site.public_documents:
            if isinstance(other, AnnualReport) and isinstance(other.year, int):
                by_year.setdefault(other.year, other)
        earlier = max((y for y in by_year if y < doc.year), default=None)
        later = min((y for y in by_year if y > doc.year), default=None)
        if earlier is None and later is None:
            return None
        return (self.item(by_year[earlier]) if earlier is not None else None,
                self.item(by_year[later]) if later is not None else None)

    def _consultation(self, doc: Document) -> dict | None:
        if not isinstance(doc, Consultation):
            return None
        names = {a.name for a in doc.attachments}
        base = page_path(doc.id)[: -len("index.html")]

        def part(value: str | None) -> tuple[str, str | None] | None:
            if not value:
                return None
            return (value, base + value) if value in names else (value, None)

        state = "征集中" if doc.opens and doc.closes and doc.opens <= self.site.today <= doc.closes else \
            ("已结束" if doc.closes and doc.closes < self.site.today else "未开始")
        return {"opens": _date(doc.opens), "closes": _date(doc.closes), "state": state,
                "explanation": part(doc.explanation), "basis": part(doc.basis)}

    def _feedback(self, doc: Document) -> tuple[str, Item | None] | None:
        if not isinstance(doc, Consultation) or not doc.feedback:
            return None
        target = self.site.resolve(doc.feedback)
        if target is not None:
            return (target.title, self.item(target)) if self.site.is_public(target) else None
        return (doc.feedback, None)


_EMPTY_HINTS = {
    "normative": "本栏目发布本机关制定的行政规范性文件，目前暂无文件。",
    "policy": "本栏目发布本机关的其他政策文件，目前暂无文件。",
    "interpretation": "本栏目发布政策文件的解读材料，目前暂无解读。",
    "plan": "本栏目发布本机关的发展规划及编制进展，目前暂无规划。",
    "consultation": "本栏目发布政策文件草案的意见征集及反馈情况，目前暂无征集。",
    "annual_report": "本栏目发布本机关政府信息公开工作年度报告，目前暂无年报。",
    "guide": "本栏目发布政府信息公开指南，目前暂无指南。",
}


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


Job = tuple[str, object]
"""One unit of rendering: (what, which), e.g. ("document", doc) — see `Renderer.run`."""


def jobs(site: Site) -> list[Job]:
    """Every unit of rendering, in output order; documents come in id order."""
    result: list[Job] = [("home", None)]
    result += [("column", column) for column in site.config.all_columns]
    result += [("document", doc) for doc in site.public_documents]
    result += [("catalogue", catalogue) for catalogue in site.catalogues]
    result += [(name, None) for name in ("lists", "on_request_list", "sitemap_page", "search_page", "subscribe_page", "not_found", "feed",
                                         "sitemap_xml", "manifest", "files")]
    return result


def shows_many(job: Job) -> bool:
    """Whether a job's pages are made from many documents at once (home, lists, feed, sitemaps,
    annual reports…). The others — a column's, a document's, a catalogue's pages — show the documents
    they name, which keying them records (the preview's mentions)."""
    what, item = job
    return what not in ("column", "document", "catalogue") or isinstance(item, AnnualReport)


def changed_with(job: Job, docs: list[Document], site: Site) -> bool:
    """Whether the pages of a job that `shows_many` may change when `docs` change in place — their
    fields, never their identity (id, dates, column, visibility, 文号, 索引号; the preview). A page
    type added to `jobs` and not named here is always taken as changed."""
    what, item = job
    if what == "lists" or isinstance(item, AnnualReport):  # validity lists; each report's row of 行政规范性文件
        return any(isinstance(d, Normative) for d in docs)
    if what == "on_request_list":
        return any(site.visibility(d) == CATALOGUE for d in docs)
    if what in ("sitemap_xml", "sitemap_page", "search_page", "not_found", "manifest", "files"):
        return False  # ids, dates, columns and files only
    return True  # home, feed, subscribe_page (the newest documents' titles), and any other


def sitemap_entries(site: Site) -> list[tuple[str, str | None]]:
    """(folder, last modified) of every public page, for sitemap.xml."""
    entries: list[tuple[str, str | None]] = [("", None)]
    entries += [(column.path + "/", None) for column in site.config.all_columns]
    entries += [(doc.id + "/", _date(doc.published)) for doc in site.public_documents]
    entries += [(catalogue.id + "/", _date(catalogue.revised)) for catalogue in site.catalogues]
    entries += [(folder + "/", None) for folder in (CURRENT_LIST, INVALID_LIST, ON_REQUEST_LIST, SITEMAP_PAGE)]
    return entries


def render_job(r: Renderer, job: Job) -> list[Output]:
    """The outputs of one job: its page(s) rendered and the files it copies."""
    return [r.emit(part) if isinstance(part, Page) else part for part in plan_job(r, job)]


def plan_job(r: Renderer, job: Job, only: set[str] | None = None) -> list[Page | Output]:
    """The parts of one job: its page(s), not yet rendered, and the files it copies (`only`: of a column, just these pages)."""
    what, item = job
    site = r.site
    if what == "home":
        return [r.home()]
    if what == "column":
        return r.column_pages(item, only)
    if what == "document":
        bundle = item.source.rel[: -len("index.md")] if item.is_bundle else ""
        return [r.document_page(item)] + [Output(f"{item.id}/{a.source.rel[len(bundle):]}", source=a.source.location,
                                                 stamp=a.source.stamp) for a in item.attachments]
    if what == "catalogue":
        return [r.catalogue_page(item)]
    if what == "lists":
        return r.validity_lists()
    if what == "sitemap_xml":
        return [r.sitemap_xml(sitemap_entries(site))]
    if what == "manifest":
        from gen.manifest import manifest
        return [manifest(site, r.search)] if r.manifest else []
    if what == "files":
        outputs = [Output(asset.rel, source=asset.location, stamp=asset.stamp) for asset in site.publication.assets]
        static = r.layouts / "static"
        if static.is_dir():
            outputs += [Output("static/" + path.relative_to(static).as_posix(), source=path)
                        for path in sorted(p for p in static.rglob("*") if p.is_file())]
        return outputs
    return [getattr(r, what)()]


def render_site(site: Site, layouts: Path, search: bool = True) -> list[Output]:
    """Render every page, feed and sitemap and list every file to copy, in a stable order."""
    r = Renderer(site, layouts, search)
    return [output for job in jobs(site) for output in render_job(r, job)]
