"""``python -m skbce``: the same command line as ``skbce``."""

import sys

from skbce._cli.main import main

if __name__ == "__main__":
    sys.exit(main())
