"""Allow `python -m gen`."""

import sys

from .cli import main

sys.exit(main())
