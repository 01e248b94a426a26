"""The model stage: parsed documents, catalogues and files assembled into the `Site` — each bundle file
attached to its document or kept out by the publication boundary, and layout collisions reported."""

from __future__ import annotations

import datetime as dt

from gen.content import boundary, sources
from gen.content.config import RESERVED_PATHS
from gen.findings import ERROR, Finding
from gen.model.document import Catalogue, Document
from gen.model.site import ColumnIntro, Excluded, FailedDocument, Site, make_attachment


def assemble_site(tree: sources.ContentTree, config, documents: list[Document], catalogues: list[Catalogue],
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
