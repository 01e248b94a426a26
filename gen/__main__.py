"""Allow `python -m gen`."""

from gen.cli import run

run()
