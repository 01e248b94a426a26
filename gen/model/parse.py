"""The parse stage: content files in, typed documents, catalogues and column introductions out, with
the findings met on the way (on every core for a build, file by file for the preview)."""

from __future__ import annotations

import functools
import re
from typing import Callable

from gen.content import frontmatter, markdown, sources
from gen.findings import ERROR, Finding
from gen.model.document import Catalogue, Document, build_catalogue, build_document, column_for
from gen.model.site import ColumnIntro, FailedDocument


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


def parse_content(tree: sources.ContentTree, config, known: dict | None = None, alongside: Callable[[], object] | None = None
                  ) -> tuple[list[Document], list[Catalogue], list[ColumnIntro], list[Finding], list[FailedDocument]]:
    """Parse the content's files into typed documents, catalogues and column introductions.

    Without `known`, the document files are read, parsed and modelled on every core (their text was
    not read by the loader); the preview passes `known` (see `load_site`) and parses only changed files.
    `alongside`: work of this process's own done while the children parse."""
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
        from gen import parallel
        parts = parallel.work_queue(functools.partial(_read_and_model, config=config), tree.documents, alongside,
                                    here=True)
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
