"""``python -m warm_referral`` is the same as the ``warm-referral`` command."""

import sys

from .cli import main

sys.exit(main())
