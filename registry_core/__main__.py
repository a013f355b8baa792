"""``python -m registry_core``: the ``registry-core`` command line."""

from __future__ import annotations

import sys

from registry_core.cli import main

if __name__ == "__main__":
    sys.exit(main())
