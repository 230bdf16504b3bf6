"""`python -m s2r_hf` is `s2r`."""

import sys

from s2r_hf.cli import main

sys.exit(main())
