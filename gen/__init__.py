"""gongkai (公开): a static-site generator for a government information-disclosure column."""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).resolve().parent
"""The package's folder: its code (an input of every build) and its data files (`data/`)."""


def code_digest(*also: str) -> str:
    """A digest of this version's code and data (each file's path, size and time; the packaged word list
    counts too) and of `also`: what every cache kept between runs depends on besides its own inputs (a
    developer's edit drops them). Compiled modules (`__pycache__`) are left out: they follow the code."""
    import hashlib
    import os
    digest = hashlib.blake2b("\n".join((__version__, *also)).encode("utf-8", "surrogateescape"), digest_size=16)
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
