"""`python -m mlps.adapters.collector` (and the bundle's entry point)."""

import sys

from .bundle import main

sys.exit(main())
