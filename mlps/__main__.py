import sys

from mlps.cli import main

sys.exit(main())
