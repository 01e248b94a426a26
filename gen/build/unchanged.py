"""Remember the last successful build, so a build of unchanged content is skipped (.gongkai-cache/).

The fingerprint covers everything a build reads: every file under content/ and layouts/ (path,
size, modification time), the generator's own code, the options and the gongkai version. The identity of the output
folder's marker file (inode and time) is remembered too, so an output replaced since then is
rebuilt; nothing of the cache goes into the output, which stays byte-identical. Deleting the
cache folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from gen import code_digest
from gen.build.write import MARKER
from gen.content.sources import Folders, walk
from gen.findings import Finding

FOLDER = ".gongkai-cache"


def folder_for(content: Path) -> Path:
    """The cache folder: beside content/ (in the column's repository, git-ignored)."""
    return content.resolve().parent / FOLDER


def fingerprint(content: Path, layouts: Path, options: tuple, folders: Folders | None = None) -> str:
    """A digest of every input of a build (`folders`: content's, when they were listed already)."""
    # The generator's own code counts as an input too, so a developer's change is never skipped.
    digest = hashlib.sha256(repr((code_digest(), options)).encode())
    for root, listed in ((content, folders), (layouts, None)):
        for line in stat_lines(root, listed):
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def stat_lines(root: Path, folders: Folders | None = None):
    """`path size mtime` of every file under `root`, hidden ones too, in a stable order (what a fingerprint reads)."""
    for here, files in folders if folders is not None else walk(root, hidden=True):
        if isinstance(files, OSError):
            continue
        prefix = here + "/" if here else ""
        for entry in files:
            try:
                stat = entry.stat()  # cached by the entry: the loader asks again for free
            except OSError:
                continue
            yield f"{prefix}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}"


def lookup(content: Path, out: Path, key: str) -> tuple[list[Finding], int, int] | None:
    """(findings, documents, pages) of the last build if it had this fingerprint and `out` is intact."""
    try:
        record = json.loads((folder_for(content) / "build.json").read_text(encoding="utf-8"))
        marker = output_identity(out)
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != key or record.get("marker") != marker or record.get("out") != str(out.resolve()):
        return None
    try:
        findings = [Finding(**f) for f in record["findings"]]
        return findings, int(record["documents"]), int(record["pages"])
    except (KeyError, TypeError, ValueError):
        return None


def store(content: Path, out: Path, key: str, findings: list[Finding], documents: int, pages: int) -> None:
    """Remember a successful build (best effort: a read-only checkout simply has no cache)."""
    folder = folder_for(content)
    try:
        folder.mkdir(exist_ok=True)
        (folder / "build.json").write_text(json.dumps({
            "fingerprint": key, "out": str(out.resolve()), "marker": output_identity(out), "documents": documents, "pages": pages,
            "findings": [asdict(f) for f in findings]}, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass


def output_identity(out: Path) -> str:
    """Which output folder this is: its marker file's inode and time (a replaced folder differs)."""
    stat = (out / MARKER).stat()
    return f"{stat.st_ino}:{stat.st_mtime_ns}"
