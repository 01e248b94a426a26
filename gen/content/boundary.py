"""The publication boundary (content-model.md): which files under `content/` may reach any output.

A file is published only when it belongs to a public document — in its bundle and one of its own
Word/PDF/OFD versions, or linked from its body or named by its front matter — or, outside any
bundle, when a public page links it. It must also be of a type a column publishes as an inert
download (`PUBLISHABLE`), not a leftover of an editor or a merge, and not a link to a file that
is itself outside the boundary. Everything else is listed as `Unpublished` with the reason an
editor reads (rule `file-unpublished`), or as an `unsafe-content` error when a public page would
have served active content (HTML, script, SVG with script).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from gen.content.sources import SourceFile

# Types a column publishes, by what readers are told they are. Browsers show or download them;
# none of them runs script on the site's origin when served with its own type.
PUBLISHABLE: dict[str, str] = {}
for _format, _suffixes in {
    "Word": ".doc .docx .wps .rtf .odt",
    "PDF": ".pdf",
    "OFD": ".ofd",
    "Excel": ".xls .xlsx .et .csv .ods",
    "演示文稿": ".ppt .pptx .dps .odp",
    "图片": ".png .jpg .jpeg .gif .webp .bmp .tif .tiff .svg",
    "视频": ".mp4 .webm .mov .m4v .avi .wmv .flv .mkv",
    "音频": ".mp3 .m4a .wav .ogg .aac .flac .amr",
    "压缩包": ".zip .rar .7z .tar .gz .tgz .bz2 .xz",
}.items():
    for _suffix in _suffixes.split():
        PUBLISHABLE[_suffix] = _format

DOWNLOAD_VERSIONS = {".doc", ".docx", ".wps", ".pdf", ".ofd"}
"""A bundle's files of these types are the document's own versions (content-model: Downloads)."""

# Types a browser runs script in when it opens them from the site (or that are programs).
ACTIVE = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml", ".xsl", ".xslt", ".svgz",
          ".js", ".mjs", ".cjs", ".wasm", ".swf", ".hta", ".php", ".asp", ".aspx", ".jsp", ".cgi",
          ".exe", ".bat", ".cmd", ".vbs", ".ps1", ".msi", ".jar", ".sh", ".appcache", ".manifest"}

# Script, handlers, frames and external references inside an SVG: any one makes it active.
_SVG_ACTIVE = re.compile(rb"<\s*script|\son[a-z]+\s*=|javascript:|<\s*foreignobject|<\s*iframe|<\s*embed|"
                         rb"<\s*object|<!entity|<\s*handler|<\s*set\b|<\s*animate[a-z]*[^>]*\battributename\s*=\s*[\"']?(?:xlink:)?href",
                         re.I)
SVG_READ_LIMIT = 16 * 1024 * 1024
"""An SVG larger than this is not read through; it is treated as active (no real figure is that large)."""

_LEFTOVER = re.compile(r"(?:~|\.(?:bak|backup|orig|rej|old|swp|swo|swn|tmp|temp|part|crdownload|lock|sav)|#)$", re.I)
_SOURCE_TEXT = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt", ".text", ".yml", ".yaml", ".json", ".toml"}
_SYSTEM = {"thumbs.db", "desktop.ini", "ehthumbs.db"}


def leftover(name: str) -> str | None:
    """Why a file name is an editor's, a merge's or the system's leftover, or None."""
    lower = name.lower()
    if lower.startswith("~$") or lower.startswith(".~lock."):
        return "Word/WPS 打开文件时生成的临时文件"
    if lower.startswith("#") and lower.endswith("#"):
        return "编辑器的自动保存文件"
    if _LEFTOVER.search(lower):
        return "备份、临时或合并冲突留下的文件"
    if re.search(r"\.(?:md|markdown|yml|yaml)\.[^.]+$", lower):
        return "文档的备份或合并冲突副本"
    if lower in _SYSTEM:
        return "操作系统生成的文件"
    return None


def suffix_of(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def link_path(source_rel: str, url: str) -> str | None:
    """The path under content/ a body link of `source_rel` names (normalised; may start with `..`),
    or None for an external link or a bare anchor."""
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))


def named_paths(doc) -> set[str]:
    """Paths under content/ a document names: its body's links and images, and its `explanation`
    and `basis` when they are file names (what makes a bundle file belong to it)."""
    found = {link_path(doc.source.rel, link.url) for link in (doc.body.links if doc.body is not None else [])}
    for key in ("explanation", "basis"):
        value = getattr(doc, key, None)
        if isinstance(value, str) and value.strip() and "\n" not in value:
            found.add(link_path(doc.source.rel, value.strip()))
    return {path for path in found if path}


def svg_is_active(source: SourceFile) -> bool:
    """Whether an SVG holds script, event handlers, frames or entity declarations (read from disk)."""
    if source.size > SVG_READ_LIMIT:
        return True
    try:
        with open(source.location, "rb") as handle:
            return bool(_SVG_ACTIVE.search(handle.read(SVG_READ_LIMIT)))
    except OSError:
        return True


@dataclass(frozen=True)
class Unpublished:
    """A file under content/ that is not copied to any output, and why (rule `file-unpublished`)."""

    source: SourceFile
    reason: str
    """What the editor reads: why it is not published and what to do."""


@dataclass(frozen=True)
class Refused:
    """A file a public page would publish that must not be served (rule `unsafe-content`)."""

    source: SourceFile
    reason: str


def kind_problem(source: SourceFile) -> tuple[str, str] | None:
    """("unsafe" | "leftover" | "type", reason) when a file may never be published, whoever links it."""
    name = source.rel.rsplit("/", 1)[-1]
    why = leftover(name)
    if why:
        return "leftover", f"这是{why}，不会发布。请删除它（或加入 .gitignore），不要提交到仓库。"
    suffix = suffix_of(name)
    if suffix in ACTIVE or (suffix == ".svg" and svg_is_active(source)):
        what = "含脚本或事件属性的 SVG 图片" if suffix == ".svg" else f"{suffix} 文件可以在浏览器中运行脚本"
        return "unsafe", (f"{what}，不能作为附件发布（会在本站网址下运行）。请改为 PDF 或图片（PNG、JPG），"
                          "SVG 请删除其中的 script 和 on… 属性。")
    if suffix in _SOURCE_TEXT:
        return "leftover", ("这是文本或草稿文件，不是文档（文档的扩展名是 .md，目录页是 .yml），不会发布。"
                            "如需公开，请写成文档或转换为 PDF；否则请移出 content/。")
    if suffix not in PUBLISHABLE:
        kinds = "Word、PDF、OFD、Excel、演示文稿、图片、音频、视频、压缩包"
        return "type", f"“{suffix or '无扩展名'}”不是可发布的附件类型（{kinds}），不会发布。请转换格式或移出 content/。"
    return None
