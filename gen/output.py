"""What the render and archive stages make and the write stage writes: one file of the output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Output:
    """One output file: bytes to write, or a source file to copy as it is."""

    path: str
    """Path under the output folder, `/`-separated."""
    data: bytes | None = None
    source: str | Path | None = None
    """A file to copy (its path as text or Path)."""
    stamp: str | None = None
    """`size:mtime_ns` of `source` when it was listed, before any copy (what incremental builds compare);
    None: asked of the file system when needed."""
