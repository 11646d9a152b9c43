"""Run the command line as ``python -m reskontro``; see :mod:`reskontro.cli`."""

import sys

from reskontro.cli import main

if __name__ == "__main__":
    sys.exit(main())
