"""gongkai (公开): a static-site generator for a government information-disclosure column."""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).resolve().parent
"""The package's folder: its code (an input of every build) and its data files (`data/`)."""
