"""gongkai (公开): a static-site generator for a government information-disclosure column."""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).resolve().parent
"""The package's folder: its code (an input of every build) and its data files (`data/`)."""


def code_digest(*also: str) -> str:
    """A digest of this version's code (each module's path, size and time) and of `also`: what the
    caches kept between runs depend on besides their own inputs (a developer's edit drops them)."""
    import hashlib
    import os
    digest = hashlib.blake2b("\n".join((__version__, *also)).encode("utf-8", "surrogateescape"), digest_size=16)
    for folder, dirs, files in sorted(os.walk(PACKAGE)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
