"""Allow `python -m gen`."""

from .cli import run

run()
