"""The handover package for the state archives and the public library (归档移交包): one zipped
BagIt bag (RFC 8493) holding the column as a site that opens from disk with its own offline
search, every public original named by 索引号, and the catalogue as CSV and JSON.

The package is built from the same Site as `gongkai build`, so the disclosure boundary is the
same one: only `site.public_documents` reach it, and 依申请公开 documents only as the rows of the
依申请公开目录. Every byte follows from the content and `--today`; nothing reads the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import bagit
import jinja2

from gen import PACKAGE, __version__, render
from gen.model.document import Attachment, Document, Normative
from gen.model.site import CATALOGUE, FULL, Site
from gen.vocab import KINDS, VALIDITIES
from gen.output import Output

PACKAGED_LAYOUTS = PACKAGE.parent / "layouts"

SITE_DIR = "site"
ORIGINALS_DIR = "originals"
METADATA_DIR = "metadata"
WARC_DIR = "warc"

SEARCH_INDEX = "search/gongkai-index.js"
SEARCH_SCRIPT = "search/offline-search.js"

# Suffixes whose bytes are already compressed: stored in the zip as they are.
_STORED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4", ".webm", ".mp3", ".m4a", ".zip", ".gz",
           ".docx", ".xlsx", ".pptx", ".ofd", ".wacz"}

# Content types of the WARC capture; a fixed table so the capture does not depend on the
# machine's /etc/mime.types.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".pdf": "application/pdf", ".doc": "application/msword", ".wps": "application/vnd.ms-works",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ofd": "application/ofd", ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".zip": "application/zip",
}

# Catalogue columns: JSON key → CSV heading (中文). One table, so the two files never disagree.
CATALOGUE_FIELDS: dict[str, str] = {
    "index_no": "索引号",
    "title": "标题",
    "doc_no": "文号",
    "kind": "类别",
    "column": "栏目",
    "issuer": "发布机构",
    "written": "成文日期",
    "published": "发布日期",
    "topic": "主题分类",
    "validity": "有效性",
    "validity_since": "有效性起始日期",
    "changed_by_title": "废止或修改文件标题",
    "changed_by_doc_no": "废止或修改文件文号",
    "changed_by_index_no": "废止或修改文件索引号",
    "valid_from": "施行日期",
    "valid_until": "有效期至",
    "keywords": "关键词",
    "page": "网页",
    "files": "原件文件",
    "sha256": "原件SHA-256",
    "in_handover": "本次移交",
}

# 依申请公开目录 rows carry exactly what the public list page shows, nothing more.
ON_REQUEST_FIELDS: dict[str, str] = {
    "index_no": "索引号",
    "title": "标题",
    "doc_no": "文号",
    "issuer": "发布机构",
    "written": "成文日期",
    "published": "发布日期",
    "access": "获取方式",
}


class ArchiveError(Exception):
    """The package could not be written; nothing was left at the destination."""


@dataclass
class ArchiveOptions:
    """What the CLI asked for (`gongkai archive`)."""

    content: Path = Path("content")
    out: Path | None = None
    """The zip to write; default `<org_code>-<today>[-since-<since>].zip` in the working directory."""
    today: dt.date = field(default_factory=dt.date.today)
    since: dt.date | None = None
    """Incremental handover: only documents published or changed on or after this day."""
    warc: bool = False
    layouts: Path | None = None


@dataclass
class Package:
    """What was written: the zip and its counts."""

    path: Path
    pages: int = 0
    documents: int = 0
    """Documents handed over in this package."""
    catalogue: int = 0
    """Rows of the full catalogue (every public document)."""
    originals: int = 0
    payload_files: int = 0
    payload_bytes: int = 0
    size: int = 0
    """Bytes of the zip."""


@dataclass(frozen=True)
class Original:
    """One original file (原件) of a handed-over document, as named in `data/originals/`."""

    doc: Document
    attachment: Attachment
    name: str
    sha256: str


# --- the run -----------------------------------------------------------------------------------


def write_package(site: Site, layouts: Path, options: ArchiveOptions, stage) -> Package:
    """Write the package of a checked site atomically: a temp bag folder, a temp zip, one rename."""
    name = package_name(site, options.today, options.since)
    out = (options.out or Path(name + ".zip")).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.bag-{os.getpid()}-", dir=out.parent))
    partial = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        bag = work / name
        bag.mkdir()
        docs = handover_documents(site, options.since)
        with stage("render"):
            site_outputs = site_copy(site, layouts)
        with stage("originals"):
            originals = collect_originals(docs)
        with stage("metadata"):
            metadata = metadata_outputs(site, originals, {d.id for d in docs}, options.since)
        with stage("write"):
            _write(bag / SITE_DIR, site_outputs)
            _write(bag / ORIGINALS_DIR, [Output(o.name, source=o.attachment.source.path) for o in originals])
            _write(bag / METADATA_DIR, metadata)
            (bag / "README.txt").write_bytes(readme(site, name, options.since, len(docs), len(originals), options.warc))
        if options.warc:
            with stage("warc"):
                (bag / WARC_DIR).mkdir()
                with (bag / WARC_DIR / f"{name}.warc.gz").open("wb") as stream:
                    warc_capture(site_outputs, site.config.base_url, options.today, name, stream)
        with stage("bag"):
            info = bag_info(site, docs, originals, options.today, options.since, name)
            payload_bytes, payload_files = make_bag(bag, info)
        with stage("zip"):
            zip_folder(bag, partial, options.today)
            os.replace(partial, out)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, (OSError, bagit.BagError)):
            raise ArchiveError(str(exc)) from exc
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Package(path=out, pages=sum(1 for o in site_outputs if o.path.endswith(".html")), documents=len(docs),
                   catalogue=len(site.public_documents), originals=len(originals), payload_files=payload_files,
                   payload_bytes=payload_bytes, size=out.stat().st_size)


def clear_leftovers(out: Path) -> None:
    """Remove the work folders and partial zips of packaging runs that were killed (their process is gone)."""
    for leftover in [*out.parent.glob(f".{out.name}.bag-*"), *out.parent.glob(f".{out.name}.tmp-*")]:
        owner = leftover.name.rsplit(".bag-", 1)[-1].rsplit(".tmp-", 1)[-1].split("-", 1)[0]
        if not owner.isdigit() or _alive(int(owner)):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def package_name(site: Site, today: dt.date, since: dt.date | None) -> str:
    """Name of the bag (the zip's top folder): organization code, date and, if any, `since`."""
    code = _safe_name(site.config.org_code or "gongkai")
    return f"{code}-{today.isoformat()}" + (f"-since-{since.isoformat()}" if since else "")


def handover_documents(site: Site, since: dt.date | None) -> list[Document]:
    """Public documents of this handover: all of them, or those published or changed since a day."""
    return [d for d in site.public_documents if since is None or changed_since(site, d, since)]


def changed_since(site: Site, doc: Document, since: dt.date) -> bool:
    """Published on or after `since`, or (normative) its validity changed on or after it."""
    if doc.published is not None and doc.published >= since:
        return True
    validity = site.validity(doc)
    return validity is not None and validity.since is not None and validity.since >= since


# --- data/site/: the column, readable from disk ------------------------------------------------


def site_copy(site: Site, layouts: Path) -> list[Output]:
    """The public column without Pagefind, its search page replaced by one that works from file://."""
    # No 404 page: a copy opened from disk has no server to show it at a missing address, and the
    # site's own (its links start at the server's root path) would lead nowhere from there.
    outputs = [o for o in render.render_site(site, layouts, search=False) if o.path != "404.html"]
    renderer = render.Renderer(site, layouts, search=False)
    # Custom layouts may lack the archive templates: fall back to the packaged ones.
    renderer.env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(layouts)),
                                               jinja2.FileSystemLoader(str(PACKAGED_LAYOUTS))])
    title = "站内搜索"
    entries = search_entries(site)
    page = renderer.render("archive/search.html", render.page_path(render.SEARCH_PAGE), title,
                           renderer.crumbs_for(None, render.Crumb(title, None)),
                           as_of=site.today.isoformat(), entries=len(entries), example=_example_doc_no(site),
                           index_js=SEARCH_INDEX, script_js=SEARCH_SCRIPT)
    outputs = [page if o.path == page.path else o for o in outputs]
    script = layouts / "archive" / "static" / "offline-search.js"
    if not script.is_file():
        script = PACKAGED_LAYOUTS / "archive" / "static" / "offline-search.js"
    outputs.append(Output(SEARCH_INDEX, search_index_js(site, entries)))
    outputs.append(Output(SEARCH_SCRIPT, source=script))
    return sorted(outputs, key=lambda o: o.path)


def search_entries(site: Site) -> list[dict]:
    """One entry per public page with its whole plain text (no inverted index; see docs/archive.md)."""
    entries = []
    for doc in site.public_documents:
        validity = site.validity(doc)
        entries.append({
            "t": doc.title, "u": render.page_path(doc.id), "n": getattr(doc, "doc_no", None) or "",
            "d": _date(doc.published), "v": validity.status if validity else "", "k": doc.kind_zh,
            "s": " ".join(x for x in [doc.summary or "", "、".join(doc.keywords)] if x),
            "x": doc.text,
        })
    for catalogue in site.catalogues:
        cells = [" ".join(_text(row.get(c.key)) for c in catalogue.columns) for row in catalogue.rows]
        entries.append({
            "t": catalogue.title, "u": render.page_path(catalogue.id), "n": "", "d": _date(catalogue.revised),
            "v": "", "k": "目录", "s": "", "x": "\n".join(cells),
        })
    return sorted(entries, key=lambda e: (e["d"], e["u"]), reverse=True)


def _example_doc_no(site: Site) -> str | None:
    """A real 文号 of this column for the search page's hint (the newest one)."""
    numbered = [d for d in site.public_documents if getattr(d, "doc_no", None)]
    newest = max(numbered, key=lambda d: (d.published, d.id), default=None)
    return newest.doc_no if newest else None


def search_index_js(site: Site, entries: list[dict]) -> bytes:
    """The index as a script (`window.GONGKAI_INDEX = …`): file:// forbids fetch(), not <script>."""
    data = {"as_of": site.today.isoformat(), "site": site.config.name, "docs": entries}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Safe even if the index is ever inlined in a page: no "</", no raw U+2028/9.
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return ("// 离线搜索索引，由 gongkai 生成。\nwindow.GONGKAI_INDEX = " + text + ";\n").encode("utf-8")


# --- data/originals/: the Word/PDF/OFD files, named by 索引号 -----------------------------------


def collect_originals(docs: list[Document]) -> list[Original]:
    """Name every download of the handed-over documents after its document's 索引号.

    `<索引号>.pdf` when the document has one file of that format, else `<索引号>_<file name>`;
    the `/` of an 索引号 becomes `_`.
    """
    result: list[Original] = []
    taken: set[str] = set()
    for doc in sorted(docs, key=lambda d: (d.index_no or "", d.id)):
        base = _safe_name(doc.index_no or doc.id)
        downloads = sorted(doc.downloads, key=lambda a: a.name)
        suffixes = [Path(a.name).suffix.lower() for a in downloads]
        for attachment, suffix in zip(downloads, suffixes):
            if suffixes.count(suffix) == 1:
                name = base + suffix
            else:
                name = f"{base}_{_safe_name(attachment.name.replace('/', '_'))}"
            if name in taken:  # a duplicate 索引号 (its rule lowered): keep both files
                name = f"{base}_{_safe_name(doc.id)}_{_safe_name(attachment.name)}"
            taken.add(name)
            digest = hashlib.sha256(attachment.source.path.read_bytes()).hexdigest()
            result.append(Original(doc, attachment, name, digest))
    return result


# --- data/metadata/: the catalogue ---------------------------------------------------------------


def catalogue_rows(site: Site, originals: list[Original], handed_over: set[str]) -> list[dict]:
    """One row per public document (the full current catalogue), in 索引号 order."""
    by_doc: dict[str, list[Original]] = {}
    for original in originals:
        by_doc.setdefault(original.doc.id, []).append(original)
    rows = []
    for doc in sorted(site.public_documents, key=lambda d: (d.index_no or "", d.id)):
        validity = site.validity(doc)
        by = validity.by if validity is not None else None
        # The acting document is named as the site's banner names it; a hidden one never is.
        if by is not None and site.visibility(by) not in (FULL, CATALOGUE):
            by = None
        files = by_doc.get(doc.id)
        if files is None:  # not in this handover: name its originals as a full handover would
            files = collect_originals([doc])
        rows.append({
            "index_no": doc.index_no or "",
            "title": doc.title,
            "doc_no": getattr(doc, "doc_no", None) or "",
            "kind": doc.kind_zh,
            "column": doc.column.title,
            "issuer": doc.issuer,
            "written": _date(getattr(doc, "written", None)),
            "published": _date(doc.published),
            "topic": doc.topic or "",
            "validity": validity.status if validity else "",
            "validity_since": _date(validity.since) if validity else "",
            "changed_by_title": by.title if by else "",
            "changed_by_doc_no": (getattr(by, "doc_no", None) or "") if by else "",
            "changed_by_index_no": (by.index_no or "") if by else "",
            "valid_from": _date(getattr(doc, "valid_from", None)),
            "valid_until": "长期" if getattr(doc, "no_expiry", False) else _date(getattr(doc, "valid_until", None)),
            "keywords": list(doc.keywords),
            "page": f"{SITE_DIR}/{render.page_path(doc.id)}",
            "files": [f"{ORIGINALS_DIR}/{o.name}" for o in files],
            "sha256": [o.sha256 for o in files],
            "in_handover": doc.id in handed_over,
        })
    return rows


def on_request_rows(site: Site) -> list[dict]:
    """The 依申请公开目录 as the site shows it: title, 文号, 索引号, dates, issuer."""
    return [{"index_no": d.index_no or "", "title": d.title, "doc_no": getattr(d, "doc_no", None) or "",
             "issuer": d.issuer, "written": _date(getattr(d, "written", None)), "published": _date(d.published),
             "access": "依申请公开"}
            for d in sorted(site.on_request_documents, key=lambda d: (d.index_no or "", d.id))]


def metadata_outputs(site: Site, originals: list[Original], handed_over: set[str],
                     since: dt.date | None) -> list[Output]:
    """catalogue.csv/.json (every public document) and on-request.csv/.json (目录 rows only)."""
    rows = catalogue_rows(site, originals, handed_over)
    requests = on_request_rows(site)
    head = {
        "format": "gongkai-catalogue/1",
        "organization": site.config.name,
        "org_code": site.config.org_code,
        "as_of": site.today.isoformat(),
        "handover": {"type": "incremental" if since else "full", "since": _date(since) or None,
                     "documents": len(handed_over), "originals": len(originals)},
    }
    catalogue = dict(head, fields=CATALOGUE_FIELDS, documents=rows)
    on_request = dict(head, fields=ON_REQUEST_FIELDS, documents=requests)
    return [
        Output("catalogue.csv", _csv(CATALOGUE_FIELDS, rows)),
        Output("catalogue.json", _json(catalogue)),
        Output("on-request.csv", _csv(ON_REQUEST_FIELDS, requests)),
        Output("on-request.json", _json(on_request)),
    ]


def _csv(fields: dict[str, str], rows: list[dict]) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel and WPS open it as Chinese text without an import step."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields.values())
    for row in rows:
        writer.writerow([_cell(row[key]) for key in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "; ".join(value)
    text = str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it (the JSON keeps the exact text).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


# --- the WARC capture (DA/T 80-2019) -------------------------------------------------------------


def warc_capture(outputs: list[Output], base_url: str, today: dt.date, name: str, stream: BinaryIO) -> None:
    """A WARC 1.0 capture of the site copy as its pages are served at `base_url`, dated `today`.

    Each file is a response record at its own URL; a page's pretty URL (`…/normative/`) is a
    revisit of its `index.html`. Record ids are derived from the URLs, so the file is reproducible.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    base = base_url if base_url.endswith("/") else base_url + "/"
    warc_date = f"{today.isoformat()}T00:00:00Z"
    http_date = email.utils.format_datetime(dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc),
                                            usegmt=True)
    writer = WARCWriter(stream, gzip=True, warc_version="1.0")

    def record_id(kind: str, uri: str) -> str:
        return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'gongkai:{name}:{kind}:{uri}')}>"

    info_id = record_id("warcinfo", name)
    fields = {"software": f"gongkai {__version__} (warcio)", "format": "WARC File Format 1.0",
              "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
              "description": "政府信息公开专栏网页归档（DA/T 80-2019），由 gongkai 从发布内容生成",
              "isPartOf": name, "robots": "n/a"}
    payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
    writer.write_record(writer.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(payload), length=len(payload), warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": info_id, "WARC-Date": warc_date, "WARC-Filename": f"{name}.warc.gz"}))
    for output in sorted(outputs, key=lambda o: o.path):
        data = output.data if output.source is None else Path(output.source).read_bytes()
        data = data or b""
        uri = base + quote(output.path, safe="/")
        headers = StatusAndHeaders("200 OK", [
            ("Content-Type", _CONTENT_TYPES.get(posixpath.splitext(output.path)[1].lower(), "application/octet-stream")),
            ("Content-Length", str(len(data))), ("Date", http_date)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(data), length=len(data), http_headers=headers,
            warc_headers_dict={"WARC-Record-ID": record_id("response", uri), "WARC-Date": warc_date,
                               "WARC-Warcinfo-ID": info_id})
        writer.write_record(record)
        if output.path == "index.html" or output.path.endswith("/index.html"):
            pretty = uri[: -len("index.html")]
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            revisit_headers = StatusAndHeaders("200 OK", headers.headers[:1] + [("Date", http_date)], protocol="HTTP/1.1")
            writer.write_record(writer.create_revisit_record(
                pretty, digest, uri, warc_date, http_headers=revisit_headers,
                warc_headers_dict={"WARC-Record-ID": record_id("revisit", pretty), "WARC-Date": warc_date,
                                   "WARC-Warcinfo-ID": info_id}))


# --- the bag and the zip -------------------------------------------------------------------------


def bag_info(site: Site, docs: list[Document], originals: list[Original], today: dt.date,
             since: dt.date | None, name: str) -> dict[str, str | list[str]]:
    """bag-info.txt: who sends it, when, what period it covers and how many documents of each kind."""
    config = site.config
    public = site.public_documents
    dates = sorted(d.published for d in (docs if since else public) if d.published)
    kinds = [f"{KINDS[k]} {n}" for k in KINDS if (n := sum(1 for d in docs if d.kind == k))]
    statuses = [site.validity(d).status for d in docs if isinstance(d, Normative)]
    validity = [f"{s} {statuses.count(s)}" for s in VALIDITIES if statuses.count(s)]
    info: dict[str, str | list[str]] = {
        "Source-Organization": config.name,
        "Organization-Address": config.footer.address,
        "Contact-Name": config.footer.sponsor or config.name,
        "Contact-Phone": config.footer.phone,
        "External-Identifier": name,
        "External-Description": f"{config.name}政府信息公开专栏归档移交包："
                                "data/site 为可离线浏览和搜索的专栏网站，data/originals 为原件，data/metadata 为目录。",
        "Bagging-Date": today.isoformat(),
        "Bag-Software-Agent": f"gongkai {__version__} (bagit.py {bagit.VERSION})",
        "Coverage-Start-Date": since.isoformat() if since else (dates[0].isoformat() if dates else today.isoformat()),
        "Coverage-End-Date": today.isoformat(),
        "Handover-Type": f"增量移交（{since.isoformat()} 起发布或变更的文件）" if since else "全量移交",
        "Handover-Documents": str(len(docs)),
        "Handover-Original-Files": str(len(originals)),
        "Handover-Documents-By-Kind": kinds or ["无 0"],
        "Handover-Normative-By-Validity": validity or ["无 0"],
        "Catalogue-Documents": str(len(public)),
        "Catalogue-On-Request-Rows": str(len(site.on_request_documents)),
    }
    if since:
        info["Handover-Since"] = since.isoformat()
    return {k: v for k, v in info.items() if v}


def make_bag(folder: Path, info: dict) -> tuple[int, int]:
    """Turn a folder into a BagIt 1.0 bag with SHA-512 and SHA-256 manifests; return Payload-Oxum."""
    bagit.make_bag(str(folder), bag_info=dict(info), checksums=["sha256", "sha512"])
    # bagit.py writes version 0.97; the bag is RFC 8493's 1.0, so say so and re-make the tag manifests.
    (folder / "bagit.txt").write_bytes(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    bag = bagit.Bag(str(folder))
    bag.save()
    for manifest in folder.glob("tagmanifest-*.txt"):  # written in directory order: sort for reproducibility
        lines = sorted(manifest.read_text(encoding="utf-8").splitlines(), key=lambda line: line.split(None, 1)[::-1])
        manifest.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    octets, files = bagit.Bag(str(folder)).info["Payload-Oxum"].split(".")
    return int(octets), int(files)


def zip_folder(folder: Path, target: Path, today: dt.date) -> None:
    """Zip a folder under its own name, reproducibly: sorted entries, one timestamp, fixed modes."""
    stamp = (max(today.year, 1980), today.month, today.day, 0, 0, 0)
    files = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=stamp)
            info.create_system = 3  # Unix, so the mode below is read as one
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if path.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
            info.file_size = path.stat().st_size
            with path.open("rb") as source, archive.open(info, "w", force_zip64=info.file_size > 2**31) as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)


# --- helpers -------------------------------------------------------------------------------------


def readme(site: Site, name: str, since: dt.date | None, documents: int, originals: int, warc: bool) -> bytes:
    """data/README.txt: what the archivist opens first (Chinese, UTF-8 with BOM for Notepad)."""
    lines = [
        f"{site.config.name}政府信息公开专栏 归档移交包 {name}",
        "",
        f"移交日期：{site.today.isoformat()}",
        f"移交范围：{'增量移交，' + since.isoformat() + ' 起发布或有效性变更的文件' if since else '全量移交'}",
        f"本次移交文件 {documents} 件，原件 {originals} 个；目录收录主动公开文件 {len(site.public_documents)} 件。",
        "",
        "site/index.html      用浏览器直接打开即可浏览专栏，无需网络和服务器；每个页面顶部的“站内搜索”在本机完成。",
        "originals/           原件（Word、PDF、OFD），以索引号命名（索引号中的“/”改为“_”）。",
        "metadata/catalogue.csv   目录（UTF-8 带 BOM，可用 Excel、WPS 直接打开）；catalogue.json 为同一目录的 JSON 格式。",
        "metadata/on-request.csv  依申请公开目录（仅标题、文号、索引号、日期、发布机构，与网站公布的目录相同）。",
    ]
    if warc:
        lines.append(f"warc/{name}.warc.gz   网页归档（WARC 1.0，DA/T 80-2019），可用网页归档回放工具打开。")
    lines += [
        "",
        "完整性和未被篡改的验证：本包是 BagIt（RFC 8493）包，上一级目录中的 manifest-sha512.txt 和",
        "manifest-sha256.txt 列出了每个文件的校验值。验证方法：pip install bagit 后运行",
        f"  bagit.py --validate {name}",
        "显示 “is valid” 即完整且未被改动。",
        "",
    ]
    return ("\ufeff" + "\r\n".join(lines)).encode("utf-8")


def _write(folder: Path, outputs: list[Output]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for output in outputs:
        target = folder / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if output.source is not None:
            shutil.copyfile(output.source, target)
        else:
            target.write_bytes(output.data or b"")


def _safe_name(text: str) -> str:
    """A file name that every file system and zip tool accepts (索引号 `/` → `_`)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "_"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
