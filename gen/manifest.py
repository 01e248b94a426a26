"""The column's manifest (`gongkai-manifest.json` beside its pages): every public document's metadata
— the gov.cn block, validity, relations, address — and where its search index is, so that a portal
over many departments' columns is built from what each column's build published (`gen/portal/`).
Only documents published in full are in it: it is an output like any page, inside the publication boundary."""

from __future__ import annotations

import datetime as dt
import json
import re

from gen import __version__
from gen.model.document import Document
from gen.model.site import Site
from gen.output import Output

NAME = "gongkai-manifest.json"
FORMAT = "gongkai-manifest"
VERSION = 1
"""Raised when a field changes meaning or goes away; new fields may appear within a version."""

_DOC_NO = re.compile(r"[〔\[［【]\s*(?:19|20)\d{2}\s*[〕\]］】]\s*第?\s*\d{1,4}\s*号")
"""The year and number of a 文号 as it is cited inside a text (〔2023〕3号); the organ's abbreviation is
the run of 汉字 before it (示人社发), found by `cited_doc_nos`."""
_HAN = re.compile(r"[\u4e00-\u9fff]{1,12}$")


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def cited_doc_nos(doc: Document) -> list[str]:
    """The 文号 a document's body cites, other than its own, in the order they appear; each may begin
    with the words before it (转发测甲发〔2024〕1号): a reader matches known 文号 against its end."""
    text = doc.body.source if doc.body is not None else ""
    own = getattr(doc, "doc_no", None)
    found: list[str] = []
    for match in _DOC_NO.finditer(text):
        organ = _HAN.search(text, max(0, match.start() - 12), match.start())
        if organ is None:
            continue
        value = organ[0] + re.sub(r"\s+", "", match[0])
        if value != own and value not in found:
            found.append(value)
    return found


def entry(site: Site, doc: Document) -> dict:
    """What the manifest says of one document."""
    validity = site.validity(doc)
    item = {
        "id": doc.id, "url": doc.id + "/", "title": doc.title, "kind": doc.kind, "kind_zh": doc.kind_zh,
        "column": doc.column.title, "index_no": doc.index_no, "issuer": doc.issuer,
        "published": _date(doc.published), "topic": doc.topic, "doc_no": getattr(doc, "doc_no", None),
        "written": _date(getattr(doc, "written", None)), "cites": cited_doc_nos(doc),
    }
    if validity is not None:
        item["validity"] = {"status": validity.status, "since": _date(validity.since),
                            "by": validity.by.id if validity.by is not None else None}
        item["valid_from"] = _date(getattr(doc, "valid_from", None))
        item["valid_until"] = "长期" if getattr(doc, "no_expiry", False) else _date(getattr(doc, "valid_until", None))
    for relation in ("interprets", "repeals", "amends"):
        value = getattr(doc, relation, None)
        if value:
            item[relation] = value
    if doc.kind == "annual_report":
        item["year"] = getattr(doc, "year", None)
    return item


def manifest(site: Site, search: bool) -> Output:
    """The manifest of a site as built today (`search`: whether the build wrote its index)."""
    config = site.config
    data = {
        "format": FORMAT, "version": VERSION, "generator": f"gongkai {__version__}",
        "site": {"name": config.name, "base_url": config.base_url, "as_of": site.today.isoformat()},
        "search": {"bundle": "pagefind/", "facts": "pagefind/gongkai-search.json", "files": "pagefind/gongkai-files.json"}
        if search else None,
        "documents": [entry(site, doc) for doc in sorted(site.public_documents, key=lambda d: d.id) if site.is_public(doc)],
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    return Output(NAME, data=text.encode("utf-8"))
