"""Download rules (rules.md: 附件下载; seed 000 §5)."""

from __future__ import annotations

import os
import zipfile

from gen.findings import ERROR
from gen.model.document import Attachment
from . import Context, documents, rule


@rule("download-missing", ERROR, "主动公开的规范性文件或政策文件缺少 Word 或 PDF 下载", kinds=["normative", "policy"])
def download_missing(ctx: Context):
    kinds = ctx.setting("download-missing", "kinds")
    for doc in documents(ctx, *kinds):
        if not ctx.site.is_public(doc):
            continue
        formats = {a.format for a in doc.downloads}
        missing = [f for f in ("Word", "PDF") if f not in formats]
        if missing:
            where = f"放入文档目录 {doc.source.rel.rsplit('/', 1)[0]}/" if doc.is_bundle else \
                f"先把 {doc.source.rel} 改为文档目录（{doc.id}/index.md），再把文件放进去"
            yield ctx.finding("download-missing", doc, 1,
                              f"缺少{'和'.join(missing)}格式的下载文件。请把正式文件的{'、'.join(missing)}版本{where}。")


def content_problem(attachment: Attachment) -> str | None:
    """Why a download's bytes do not match its extension, or None when they do."""
    suffix = attachment.name.rsplit(".", 1)[-1].lower()
    # os.open and os.read for the head: open() would also ask whether the file is a terminal and
    # where it stands, for each of thousands of attachments.
    try:
        descriptor = os.open(attachment.source.location, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return "文件已损坏，无法打开"
    try:
        head = os.read(descriptor, 8)
        if not head:
            return "文件是空的"
        if suffix == "pdf":
            return None if head.startswith(b"%PDF-") else "扩展名是 .pdf，但内容不是 PDF"
        if suffix in ("doc", "wps"):
            return None if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" else f"扩展名是 .{suffix}，但内容不是 Word 97-2003/WPS 文件"
        if suffix in ("docx", "ofd"):
            needed = "word/document.xml" if suffix == "docx" else "OFD.xml"
            if not head.startswith(b"PK"):
                return f"扩展名是 .{suffix}，但内容不是 {suffix.upper()} 文件（不是 zip 格式）"
            with open(descriptor, "rb", closefd=False) as handle, zipfile.ZipFile(handle) as archive:
                if needed not in archive.namelist():
                    return f"扩展名是 .{suffix}，但文件里没有 {needed}"
    except (OSError, zipfile.BadZipFile, ValueError):
        return "文件已损坏，无法打开"
    finally:
        os.close(descriptor)
    return None


@rule("download-broken", ERROR, "下载文件为空、缺失，或内容与扩展名不符")
def download_broken(ctx: Context):
    for doc in documents(ctx):
        if not ctx.site.is_public(doc) or not doc.downloads:
            continue
        yield from ctx.per_document("download-broken", doc, lambda: _broken(ctx, doc), _stamps(doc.downloads))


def _stamps(attachments: list[Attachment]) -> tuple:
    """Each file's path, size and modification time (None when it cannot be read): what `content_problem` reads."""
    stamps = []
    for attachment in attachments:
        try:
            stat = os.stat(attachment.source.location)
            stamps.append((attachment.source.rel, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((attachment.source.rel, None, None))
    return tuple(stamps)


def _broken(ctx: Context, doc):
    for attachment in doc.downloads:
        why = content_problem(attachment)
        if why:
            yield ctx.finding("download-broken", attachment.source, 1,
                              f"下载文件“{attachment.name}”有问题：{why}。请重新导出并替换该文件。")
